"""`clinscribe normalize`: argument or standard input, one sentence a line."""

from __future__ import annotations

import argparse
import io

import pytest

from service.commands import normalize as command


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinscribe")
    sub = parser.add_subparsers(dest="command", required=True)
    command.register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


def test_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["normalize", "blood pressure one twenty over eighty"]) == 0
    assert capsys.readouterr().out == "BP 120/80\n"


def test_standard_input_one_sentence_a_line(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "twenty three percent\r\n\none of the patients\nfive May twenty twelve"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert _run(["normalize"]) == 0
    assert capsys.readouterr().out == "23%\n\none of the patients\n5 May 2012\n"


def test_empty_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _run(["normalize"]) == 0
    assert capsys.readouterr().out == ""


def test_too_many_arguments_is_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        _run(["normalize", "one", "two"])
