"""`clinscribe phi [--json] [FILE]` on files and standard input."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from service.commands import phi as phi_command

TEXT = "Mr. Okonkwo was seen on May 5th 1962, MRN 12345678.\n"


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinscribe")
    phi_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


def test_json_from_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "note.txt"
    note.write_text(TEXT, encoding="utf-8")
    assert _main(["phi", "--json", str(note)]) == 0
    entities = json.loads(capsys.readouterr().out)["entities"]
    assert [(e["content"], e["type"], e["category"]) for e in entities] == [
        ("Okonkwo", "NAME", "PHI-Personal"),
        ("May 5th 1962", "DATE", "PHI-Personal"),
        ("12345678", "MEDICAL_RECORD_NUMBER", "PHI-Account"),
    ]
    assert all(TEXT[e["start"] : e["end"]] == e["content"] for e in entities)


def test_plain_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TEXT))
    assert _main(["phi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["4", "11", "PHI-Personal", "NAME", "Okonkwo"]
    assert len(lines) == 3


def test_missing_file_fails_without_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["phi", str(tmp_path / "absent.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
