"""Reading a log file line by line, telling complete lines from a torn last one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class StoredLine:
    number: int  # 1-based, as editors and `sed -n` count
    data: bytes  # without the newline
    complete: bool  # False only for a last line with no newline: an append that never finished


def iter_lines(path: Path) -> Iterator[StoredLine]:
    """Yields every line of `path`; a missing file has none."""
    try:
        handle = path.open("rb", buffering=1 << 20)
    except FileNotFoundError:
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if raw.endswith(b"\n"):
                yield StoredLine(number, raw[:-1], True)
            else:
                yield StoredLine(number, raw, False)
