"""Shared fixtures: a real clinscribe server on 127.0.0.1 and real boto3 clients for it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "netguard"))
import sitecustomize  # noqa: E402,F401  (the network guard, active in this process too)

from tests.harness import Server, start_server  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Drop speechbrain's lazy module redirects whose target can't import (k2, spacy models, flair).

    hypothesis reads `__file__` of every module in sys.modules to collect constants; on such a redirect
    that read raises ImportError, so every hypothesis test after the first speechbrain import failed.
    """
    for name, module in list(sys.modules.items()):
        if name.startswith("speechbrain.") and type(module).__name__ in ("LazyModule", "DeprecatedModuleRedirect"):
            try:
                getattr(module, "__file__", None)
            except Exception:
                del sys.modules[name]
AUDIO = FIXTURES / "audio"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not AUDIO.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture(scope="session")
def short_clip(fixtures_dir: Path) -> bytes:
    """The first 2.2 s of real speech ("Hello, my name is"), as WAV bytes: quick to transcribe."""
    import io

    import soundfile

    audio, rate = soundfile.read(fixtures_dir / "audio" / "en-gb.wav")
    out = io.BytesIO()
    soundfile.write(out, audio[: int(rate * 2.2)], rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto_server as an S3-compatible endpoint on loopback."""
    import subprocess
    import time
    import urllib.request

    from tests.harness import child_env, free_port

    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One plain-HTTP server for the whole session (most API tests share it)."""
    srv = start_server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def transcribe(server: Server):  # type: ignore[no-untyped-def]
    return server.client("transcribe")


@pytest.fixture(scope="session")
def s3(server: Server):  # type: ignore[no-untyped-def]
    return server.client("s3")


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
