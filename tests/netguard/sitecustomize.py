"""Loaded by every Python process the tests start: refuses any connection off this machine.

It proves the product needs no network at run time: a model download, telemetry call or DNS
lookup of a remote host fails loudly instead of passing quietly on a machine that has a network.
"""

import ipaddress
import socket
import sys

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return True
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise ConnectionRefusedError(f"network use blocked in tests: connect to {address!r}")
    elif event == "socket.getaddrinfo" and not _is_local(args[0]):
        raise socket.gaierror(f"network use blocked in tests: lookup of {args[0]!r}")


sys.addaudithook(_guard)
