"""`clinscribe audit verify|query|public-key`: exit codes, output and where the data dir comes from."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import platformdirs
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.entry import AuditEvent
from audit.layout import AuditLayout
from audit.log import AuditLog
from service.commands import audit as audit_command


def run(argv: Sequence[str]) -> int:
    # service/cli.py lists its commands; this builds the same parser shape around just this one.
    parser = argparse.ArgumentParser(prog="clinscribe")
    audit_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["audit", *argv])
    return int(args.func(args) or 0)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CLINSCRIBE_DATA_DIR", raising=False)
    with AuditLog(tmp_path / "audit", digest_every=3, digest_interval_s=0) as log:
        for n, account in enumerate(("111111111111", "222222222222", "111111111111", "111111111111")):
            log.append(
                AuditEvent(
                    account_id=account,
                    actor="AKIAEXAMPLE",
                    role="transcriber",
                    action="ListMedicalTranscriptionJobs" if n % 2 else "StartMedicalTranscriptionJob",
                    resource="" if n % 2 else f"medical-transcription-job/j{n}",
                    source_address="192.0.2.1",
                    outcome="success",
                    request_id=f"r{n}",
                )
            )
    return tmp_path


def test_verify_intact_exits_zero(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["verify", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and "4 entries" in out


def test_verify_tampered_exits_one_and_says_where(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = AuditLayout(data_dir / "audit").entries
    entries.write_bytes(entries.read_bytes().replace(b'"request_id":"r2"', b'"request_id":"rX"'))
    assert run(["verify", "--data-dir", str(data_dir), "--quiet"]) == 1
    assert capsys.readouterr().out.splitlines() == ["entries.jsonl:3 seq 3: edited: the entry does not match its hash"]


def test_verify_reads_the_data_dir_from_the_environment(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLINSCRIBE_DATA_DIR", str(data_dir))
    assert run(["verify"]) == 0
    assert str(data_dir / "audit") in capsys.readouterr().out


def test_default_data_dir_is_the_platform_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINSCRIBE_DATA_DIR", raising=False)
    assert audit_command.audit_dir(None) == Path(platformdirs.user_data_dir("clinscribe")) / "audit"


def test_verify_without_a_log_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["verify", "--data-dir", str(tmp_path)]) == 2
    assert "no audit log" in capsys.readouterr().err


def test_verify_against_a_pinned_key(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["public-key", "--data-dir", str(data_dir)]) == 0
    pinned = tmp_path / "pinned.pem"
    pinned.write_text(capsys.readouterr().out)
    assert run(["verify", "--data-dir", str(data_dir), "--public-key", str(pinned)]) == 0

    stranger = Ed25519PrivateKey.generate().public_key()
    pinned.write_bytes(
        stranger.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert run(["verify", "--data-dir", str(data_dir), "--public-key", str(pinned)]) == 1
    assert "digest_signature" in capsys.readouterr().out

    pinned.write_text("not a key")
    assert run(["verify", "--data-dir", str(data_dir), "--public-key", str(pinned)]) == 2


def test_query_jsonl_filters_by_account(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["query", "--data-dir", str(data_dir), "--account", "111111111111"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["seq"] for r in records] == [1, 3, 4]


def test_query_csv_to_a_file(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    argv = ["query", "--data-dir", str(data_dir), "--format", "csv", "--action", "ListMedicalTranscriptionJobs"]
    assert run([*argv, "--output", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [row["request_id"] for row in rows] == ["r1", "r3"]


def test_query_time_range(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["query", "--data-dir", str(data_dir), "--until", "2000-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert run(["query", "--data-dir", str(data_dir), "--since", "2000-01-01T00:00:00Z", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_query_rejects_bad_input(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["query", "--data-dir", str(data_dir), "--since", "yesterday"])
    assert exit_info.value.code == 2
    assert run(["query", "--data-dir", str(data_dir), "--since", "2030-01-01", "--until", "2020-01-01"]) == 2
    with pytest.raises(SystemExit):
        run(["query", "--data-dir", str(data_dir), "--format", "xml"])


def test_query_of_a_broken_line_exits_one(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = AuditLayout(data_dir / "audit").entries
    lines = entries.read_bytes().splitlines(keepends=True)
    lines[1] = b"{}\n"
    entries.write_bytes(b"".join(lines))
    assert run(["query", "--data-dir", str(data_dir)]) == 1
    assert "line 2" in capsys.readouterr().err
