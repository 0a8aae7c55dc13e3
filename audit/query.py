"""Reading entries back from the embedded file log, filtered (the file-backed `AuditSource`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from audit.chain import MalformedLine, read_entry
from audit.entry import AuditEntry
from audit.filter import AuditFilter, EntryMatcher
from audit.layout import AuditLayout
from audit.lines import iter_lines


class UnreadableEntry(ValueError):
    """A stored line cannot be read as an entry; `clinscribe audit verify` says what happened to it."""


class FileAuditSource:
    """Scans entries.jsonl in order. Reads only, so it may run while a writer appends."""

    def __init__(self, directory: Path | str) -> None:
        self.layout = AuditLayout(Path(directory))

    def select(self, flt: AuditFilter) -> Iterator[AuditEntry]:
        matches = EntryMatcher(flt)
        remaining = flt.limit
        if remaining == 0:
            return
        for stored in iter_lines(self.layout.entries):
            if not stored.complete:
                return  # an append still being written, or one a crash cut short
            try:
                entry = read_entry(stored.data)
            except MalformedLine as error:
                raise UnreadableEntry(f"{self.layout.entries.name} line {stored.number}: {error}") from None
            if not matches(entry):
                continue
            yield entry
            if remaining is not None:
                remaining -= 1
                if remaining == 0:
                    return


def query(source: FileAuditSource, flt: AuditFilter) -> list[AuditEntry]:
    """All matching entries at once, for callers that page or count them."""
    return list(source.select(flt))
