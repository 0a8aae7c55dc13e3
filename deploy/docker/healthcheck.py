"""Container HEALTHCHECK: exit 0 when GET /health on this container's own port answers 200.

It trusts whatever certificate the server shows: it checks that the process is alive, not who it is.
"""

import os
import ssl
import sys
import urllib.request

TRUE = ("1", "true", "yes", "on")


def main() -> int:
    scheme = "http" if os.environ.get("CLINSCRIBE_PLAIN_HTTP", "").lower() in TRUE else "https"
    url = f"{scheme}://127.0.0.1:{os.environ.get('CLINSCRIBE_PORT', '8443')}/health"
    try:
        with urllib.request.urlopen(url, timeout=4, context=ssl._create_unverified_context()) as reply:
            return 0 if reply.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
