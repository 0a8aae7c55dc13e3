"""The README's quick start, run as a newcomer would: default HTTPS, the bootstrap key, the example file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.harness import CLINSCRIBE, ROOT, Server, child_env, free_port, wait_ready


def test_readme_opens_with_the_two_commands_and_shows_the_example() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example is not None
    assert example.group(1) in (ROOT / "examples" / "quickstart.py").read_text()


def test_quickstart_example_runs(tmp_path: Path, fixtures_dir: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    env = child_env(CLINSCRIBE_DATA_DIR=str(data_dir), CLINSCRIBE_PORT=str(port))
    log = tmp_path / "server.log"
    process = subprocess.Popen([str(CLINSCRIBE), "serve"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(data_dir, port, process, "https", env, log)
    try:
        wait_ready(server)
        put = subprocess.run([str(CLINSCRIBE), "media", "put", str(fixtures_dir / "audio" / "jfk.flac"),
                              "s3://clinic-media/visits/jfk.flac"], env=env, capture_output=True, text=True)
        assert put.returncode == 0, put.stderr
        run = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True, text=True,
                             env={**env, "CLINSCRIBE_URL": f"https://127.0.0.1:{port}"}, timeout=300)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("COMPLETED")
        assert "ask not what your country can do for you" in run.stdout.lower()
    finally:
        server.stop()
