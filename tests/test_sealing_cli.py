"""`clinscribe keyring status|rotate|rewrap` on a data directory with sealed objects."""

from __future__ import annotations

import argparse
import json
import stat
from pathlib import Path

import pytest

from service.commands import keyring as command
from service.sealing.blobs import SealedBuckets
from service.sealing.keyring import LocalKeyring
from service.sealing.sealer import Sealer
from service.sealing.setup import open_data_keys
from service.store.blobs import LocalBuckets
from service.store.sqlite import SqliteDatabase

ACCOUNT = "111122223333"


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="clinscribe")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["keyring", *argv])
    return int(args.func(args) or 0)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CLINSCRIBE_DATABASE_URL", raising=False)
    sealer = Sealer(LocalKeyring(tmp_path / "keyring.json"),
                    open_data_keys(SqliteDatabase(tmp_path / "clinscribe.sqlite3")))
    buckets = SealedBuckets(LocalBuckets(tmp_path / "buckets", "http://127.0.0.1:1"), sealer)
    for i in range(3):
        buckets(ACCOUNT).put("out-bucket", f"job-{i}.json", b"transcript %d" % i)
    return tmp_path


def test_status_and_rotate(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--data-dir", str(data_dir), "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["Versions"][0]["Version"] == 1 and status["Versions"][0]["DataKeys"] == 3
    assert set(status["Versions"][0]) == {"Version", "Current", "Created", "DataKeys"}  # never key material
    assert _run("--data-dir", str(data_dir), "rotate") == 0
    out = capsys.readouterr().out
    assert "version 2 is now current" in out and "rewrapped 3 data keys under local:2" in out
    assert _run("--data-dir", str(data_dir), "status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("* version 2") and "3 data keys" in line for line in lines)
    assert any(line.startswith("  version 1") and "0 data keys" in line for line in lines)
    assert stat.S_IMODE((data_dir / "keyring.json").stat().st_mode) == 0o600
    # The rotated data still opens, with a fresh process's view of the keyring.
    sealer = Sealer(LocalKeyring(data_dir / "keyring.json"),
                    open_data_keys(SqliteDatabase(data_dir / "clinscribe.sqlite3")))
    store = SealedBuckets(LocalBuckets(data_dir / "buckets", "http://127.0.0.1:1"), sealer)(ACCOUNT)
    assert store.get("out-bucket", "job-2.json") == b"transcript 2"


def test_rotate_without_rewrap_then_rewrap(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--data-dir", str(data_dir), "rotate", "--no-rewrap") == 0
    assert _run("--data-dir", str(data_dir), "status", "--json") == 0
    versions = json.loads(capsys.readouterr().out.split("\n", 1)[1])["Versions"]
    assert [(v["Version"], v["Current"], v["DataKeys"]) for v in versions] == [(1, False, 3), (2, True, 0)]
    assert _run("--data-dir", str(data_dir), "rewrap") == 0
    assert "rewrapped 3 data keys under local:2" in capsys.readouterr().out


def test_wide_keyring_is_refused(data_dir: Path) -> None:
    (data_dir / "keyring.json").chmod(0o644)
    with pytest.raises(SystemExit, match="0600"):
        _run("--data-dir", str(data_dir), "status")
