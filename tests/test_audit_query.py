"""Filtering audit entries and exporting them as JSON Lines and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from audit.entry import AuditEntry, AuditEvent
from audit.export import COLUMNS, write_csv, write_jsonl
from audit.filter import AuditFilter
from audit.layout import AuditLayout
from audit.log import AuditLog
from audit.query import FileAuditSource, UnreadableEntry, query

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROWS = [
    # account, actor, action, resource, outcome
    ("111111111111", "AKIAALICE", "StartMedicalTranscriptionJob", "medical-transcription-job/a", "success"),
    ("111111111111", "AKIAALICE", "GetMedicalTranscriptionJob", "medical-transcription-job/a", "success"),
    ("111111111111", "AKIABOB", "DeleteMedicalTranscriptionJob", "medical-transcription-job/a", "success"),
    ("222222222222", "AKIACAROL", "StartMedicalTranscriptionJob", "medical-transcription-job/b", "success"),
    ("222222222222", "AKIACAROL", "StartMedicalStreamTranscription", "", "LimitExceededException"),
    ("111111111111", "AKIABOB", "GetMedicalTranscriptionJob", "medical-transcription-job/zz", "NotFoundException"),
]


@pytest.fixture
def source(tmp_path: Path) -> FileAuditSource:
    with AuditLog(tmp_path, digest_interval_s=0) as log:
        for minute, (account, actor, action, resource, outcome) in enumerate(ROWS):
            log.append(
                AuditEvent(
                    account_id=account,
                    actor=actor,
                    role="transcriber",
                    action=action,
                    resource=resource,
                    source_address="=1+2",  # what a hostile client could put in a spreadsheet cell
                    outcome=outcome,
                    request_id=f"req-{minute}",
                    detail={"job": resource.rsplit("/", 1)[-1], "minute": minute, "retry": False},
                ),
                at=T0 + timedelta(minutes=minute),
            )
    return FileAuditSource(tmp_path)


def seqs(entries: list[AuditEntry]) -> list[int]:
    return [e.seq for e in entries]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (AuditFilter(), [1, 2, 3, 4, 5, 6]),
        (AuditFilter(account_id="222222222222"), [4, 5]),
        (AuditFilter(account_id="333333333333"), []),
        (AuditFilter(actor="AKIABOB"), [3, 6]),
        (AuditFilter(action="StartMedicalTranscriptionJob"), [1, 4]),
        (AuditFilter(resource="medical-transcription-job/a"), [1, 2, 3]),
        (AuditFilter(outcome="success"), [1, 2, 3, 4]),
        (AuditFilter(outcome="NotFoundException"), [6]),
        (AuditFilter(since=T0 + timedelta(minutes=2)), [3, 4, 5, 6]),
        (AuditFilter(until=T0 + timedelta(minutes=2)), [1, 2]),
        (AuditFilter(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)), [2, 3]),
        (AuditFilter(account_id="111111111111", outcome="success", actor="AKIAALICE"), [1, 2]),
        (AuditFilter(account_id="111111111111", limit=2), [1, 2]),
        (AuditFilter(limit=0), []),
    ],
)
def test_filters(source: FileAuditSource, flt: AuditFilter, expected: list[int]) -> None:
    assert seqs(query(source, flt)) == expected


def test_times_in_other_zones_compare_as_instants(source: FileAuditSource) -> None:
    eastern = T0.astimezone(ZoneInfo("America/New_York"))
    assert seqs(query(source, AuditFilter(since=eastern + timedelta(minutes=5)))) == [6]


def test_account_filter_never_leaks_another_account(source: FileAuditSource) -> None:
    for account in ("111111111111", "222222222222"):
        assert {e.account_id for e in query(source, AuditFilter(account_id=account))} == {account}


def test_bad_filters_are_refused() -> None:
    with pytest.raises(ValueError):
        AuditFilter(limit=-1)
    with pytest.raises(ValueError):
        AuditFilter(since=T0, until=T0)


def test_jsonl_export_round_trips(source: FileAuditSource) -> None:
    out = io.StringIO()
    assert write_jsonl(source.select(AuditFilter(account_id="222222222222")), out) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["seq"] for r in records] == [4, 5]
    assert list(records[0]) == list(COLUMNS)
    assert records[1]["outcome"] == "LimitExceededException"
    assert records[1]["detail"] == {"job": "", "minute": 4, "retry": False}
    assert records[0]["time"] == "2026-03-01T12:03:00.000000Z"


def test_csv_export_has_a_header_and_defuses_formulas(source: FileAuditSource) -> None:
    out = io.StringIO()
    assert write_csv(source.select(AuditFilter(actor="AKIABOB")), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["seq"] for row in rows] == ["3", "6"]
    assert rows[0]["source_address"] == "'=1+2"
    assert json.loads(rows[1]["detail"]) == {"job": "zz", "minute": 5, "retry": False}
    assert list(rows[0]) == list(COLUMNS)


def test_query_skips_a_torn_tail_but_refuses_a_broken_line(source: FileAuditSource) -> None:
    entries = AuditLayout(source.layout.directory).entries
    with entries.open("ab") as handle:
        handle.write(b'{"seq":7,"ti')
    assert len(query(source, AuditFilter())) == 6
    lines = entries.read_bytes().splitlines(keepends=True)
    lines[2] = b"garbage\n"
    entries.write_bytes(b"".join(lines))
    with pytest.raises(UnreadableEntry, match="line 3"):
        query(source, AuditFilter())


def test_query_of_a_missing_log_is_empty(tmp_path: Path) -> None:
    assert query(FileAuditSource(tmp_path / "none"), AuditFilter()) == []
