"""Writing entries out for compliance staff: JSON Lines and CSV, one entry a row, fixed columns."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

import msgspec

from audit.entry import AuditEntry

COLUMNS = (
    "seq",
    "time",
    "account_id",
    "actor",
    "role",
    "action",
    "resource",
    "source_address",
    "outcome",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
)
# Spreadsheets run a cell that starts with one of these as a formula; a leading quote keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_json = msgspec.json.Encoder()


def entry_record(entry: AuditEntry) -> dict[str, Any]:
    return {name: (dict(entry.detail) if name == "detail" else getattr(entry, name)) for name in COLUMNS}


def write_jsonl(entries: Iterable[AuditEntry], out: IO[str]) -> int:
    """Returns how many entries were written."""
    count = 0
    for entry in entries:
        out.write(_json.encode(entry_record(entry)).decode("utf-8"))
        out.write("\n")
        count += 1
    return count


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(entries: Iterable[AuditEntry], out: IO[str]) -> int:
    """A header row then one row an entry; `detail` is a JSON object in one cell."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries:
        record = entry_record(entry)
        record["detail"] = _json.encode(record["detail"]).decode("utf-8")
        writer.writerow([_cell(record[name]) for name in COLUMNS])
        count += 1
    return count
