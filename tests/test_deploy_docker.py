"""The container images, read as text (no Docker engine here): multi-stage, pinned installs, a non-root user
that the final stage never leaves, a read-only-root-friendly layout, and a health check that works."""

from __future__ import annotations

import http.server
import re
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "deploy" / "docker"
IMAGES = {"cpu": DOCKER / "Dockerfile", "cuda": DOCKER / "Dockerfile.cuda"}


# pip options that take a value: what follows them is not a package.
_PIP_VALUED = {"-c", "-r", "--index-url", "--extra-index-url", "--constraint", "--requirement"}
# Named without a version because requirements/constraints.txt pins it.
_CONSTRAINED = {"setuptools"}


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Dockerfile:
    preamble: list[Instruction]  # global ARGs before the first FROM
    stages: list[list[Instruction]]

    def final(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.stages[-1] if i.keyword == keyword]

    def everywhere(self, keyword: str) -> list[str]:
        every = [self.preamble, *self.stages]
        return [i.arguments for stage in every for i in stage if i.keyword == keyword]


def parse(path: Path) -> Dockerfile:
    """Instructions by build stage; continuation lines joined and comment lines dropped, as Docker does."""
    logical: list[str] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, f"{path.name}: dangling line continuation"
    preamble: list[Instruction] = []
    stages: list[list[Instruction]] = []
    for text in logical:
        keyword, _, arguments = text.partition(" ")
        instruction = Instruction(keyword.upper(), arguments.strip())
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
        else:
            assert instruction.keyword == "ARG", f"{path.name}: {keyword} before the first FROM"
            preamble.append(instruction)
    return Dockerfile(preamble, stages)


def pip_installs(dockerfile: Dockerfile) -> list[list[str]]:
    """The words of every `pip install` command in any RUN."""
    commands = [c for run in dockerfile.everywhere("RUN") for c in run.split("&&") if "pip install" in c]
    return [shlex.split(c) for c in commands]


def packages_of(words: list[str]) -> list[str]:
    after = words[words.index("install") + 1:]
    return [w for n, w in enumerate(after) if not w.startswith("-") and (n == 0 or after[n - 1] not in _PIP_VALUED)]


@pytest.fixture(params=sorted(IMAGES), scope="module")
def image(request: pytest.FixtureRequest) -> tuple[str, Dockerfile]:
    return request.param, parse(IMAGES[request.param])


def test_parser_joins_continuations_and_drops_comments(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("ARG BASE=x\nFROM $BASE AS a\nRUN one \\\n# note\n && two\nFROM a\nUSER 1\n")
    parsed = parse(path)
    assert parsed.preamble == [Instruction("ARG", "BASE=x")]
    assert parsed.stages[0][1] == Instruction("RUN", "one && two")
    assert parsed.final("USER") == ["1"]
    path.write_text("USER root\nFROM x\n")
    with pytest.raises(AssertionError, match="before the first FROM"):
        parse(path)


def test_builds_in_stages_and_ships_no_compiler(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    assert len(dockerfile.stages) >= 2
    assert any(arguments.startswith("--from=build ") for arguments in dockerfile.final("COPY"))
    final_runs = " ".join(dockerfile.final("RUN"))
    assert "gcc" not in final_runs and "-dev" not in final_runs and "pip install" not in final_runs


def test_runs_as_a_fixed_non_root_user(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    users = dockerfile.final("USER")
    assert users, "the final stage sets no USER, so it runs as root"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0, "a numeric uid lets Kubernetes prove runAsNonRoot"
    assert not gid or (gid.isdigit() and int(gid) > 0)
    last_user = max(n for n, i in enumerate(dockerfile.stages[-1]) if i.keyword == "USER")
    after = [i for i in dockerfile.stages[-1][last_user + 1:] if i.keyword in ("RUN", "USER")]
    assert after == [], f"instructions after USER: {after}"
    for keyword in ("ENTRYPOINT", "CMD"):
        (command,) = dockerfile.final(keyword)
        assert command.startswith("["), f"{keyword} in shell form wraps the server in a shell"
        assert not re.search(r"\b(sudo|su|gosu|root)\b", command)


def test_installs_only_pinned_packages(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    installs = pip_installs(dockerfile)
    assert len(installs) == 4
    for words in installs:
        packages = packages_of(words)
        assert packages, words
        for package in packages:
            pinned = re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[0-9][\w.+]*", package)
            assert pinned or package in _CONSTRAINED or package == ".", f"unpinned: {package!r} in {words}"
        if packages == ["."]:
            assert "--no-deps" in words
        elif not packages[0].startswith("pip=="):
            assert " ".join(words).count("-c requirements/") == 2, words
            assert "requirements/constraints.txt" in words and "requirements/lock.txt" in words
    runs = " ".join(dockerfile.everywhere("RUN"))
    assert "--index-url https://download.pytorch.org/whl/cpu --no-deps torch==2.13.0+cpu" in runs.replace('"', "")
    assert "-r requirements/runtime.txt" in runs
    # The same torchaudio fix as the Makefile, and the bundled model joined and verified at build time.
    assert "rm -f /opt/clinscribe/lib/python3.11/site-packages/torchaudio/lib/*.so" in runs
    assert 'if [ "$BAKE_MODEL" = "1" ]; then clinscribe model install; fi' in runs


def test_pins_match_the_makefile(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    makefile = (ROOT / "Makefile").read_text()
    pip_pin = re.search(r'install -q "(pip==[^"]+)"', makefile)
    assert pip_pin and any(pip_pin.group(1) in words for words in pip_installs(dockerfile))
    assert "torch==2.13.0\n" in (ROOT / "requirements" / "constraints.txt").read_text()
    assert "torch==2.13.0+cpu\n" in (ROOT / "requirements" / "lock.txt").read_text()


def test_writes_only_to_volumes(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    env = " ".join(dockerfile.final("ENV"))
    (volumes,) = dockerfile.final("VOLUME")
    assert set(re.findall(r'"([^"]+)"', volumes)) == {"/var/lib/clinscribe", "/tmp"}
    for setting in ("CLINSCRIBE_DATA_DIR=/var/lib/clinscribe", "TMPDIR=/tmp", "HOME=/tmp",
                    "XDG_CACHE_HOME=/tmp/", "PYTHONDONTWRITEBYTECODE=1", "CLINSCRIBE_HOST=0.0.0.0"):
        assert setting in env, setting


def test_device_matches_the_image(image: tuple[str, Dockerfile]) -> None:
    name, dockerfile = image
    env = " ".join(dockerfile.final("ENV"))
    bases = " ".join(dockerfile.everywhere("ARG"))
    if name == "cuda":
        assert "CLINSCRIBE_DEVICE=cuda" in env and "CLINSCRIBE_COMPUTE_TYPE=float16" in env
        assert re.search(r"nvidia/cuda:12\.[0-9.]+-cudnn-runtime-", bases), "CTranslate2 4.x needs CUDA 12, cuDNN 9"
    else:
        assert "CLINSCRIBE_DEVICE=cpu" in env and "CLINSCRIBE_COMPUTE_TYPE=int8" in env
        assert "python:3.11-slim" in bases


def test_health_check_probes_health(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    (check,) = dockerfile.final("HEALTHCHECK")
    assert check.endswith('CMD ["python", "/opt/clinscribe/healthcheck.py"]')
    assert "deploy/docker/healthcheck.py /opt/clinscribe/healthcheck.py" in " ".join(dockerfile.final("COPY"))


def test_copied_paths_exist_and_the_context_leaves_out_the_venv(image: tuple[str, Dockerfile]) -> None:
    _, dockerfile = image
    for arguments in dockerfile.everywhere("COPY"):
        if "--from=" not in arguments:
            *sources, _ = [w for w in arguments.split() if not w.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), source
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored
    assert not {"service", "medical", "phi", "vocab", "audit", "requirements"} & set(ignored)


# -- the health check script against a live endpoint ----------------------------------------------------

class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/health" else 404
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_check(port: int) -> int:
    env = {"CLINSCRIBE_PLAIN_HTTP": "1", "CLINSCRIBE_PORT": str(port), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(DOCKER / "healthcheck.py")], env=env, capture_output=True,
                          timeout=30).returncode


def test_health_check_script_passes_on_200_and_fails_otherwise(health_server: http.server.HTTPServer) -> None:
    port = health_server.server_address[1]
    assert run_check(port) == 0
    _Health.status = 503
    try:
        assert run_check(port) == 1
    finally:
        _Health.status = 200
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    assert run_check(closed) == 1
