"""Crash recovery for an append-only line file: cut a torn last line, keep the cut bytes aside.

An append is acknowledged only after its whole line, newline included, is on disk. So a last line with
no newline belongs to an append that never returned, and removing it loses nothing anyone was told
was recorded. The bytes are moved to the quarantine folder rather than dropped, for inspection.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Tail:
    last_line: bytes | None  # the last complete line without its newline; None when there is none
    torn_bytes: int  # how many bytes of a torn line were cut


def _last_newline_before(fd: int, end: int) -> int:
    """Offset of the last b"\\n" in [0, end), or -1."""
    position = end
    while position > 0:
        start = max(0, position - _CHUNK)
        chunk = os.pread(fd, position - start, start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found
        position = start
    return -1


def _quarantine(quarantine: Path, name: str, offset: int, data: bytes) -> None:
    quarantine.mkdir(mode=0o700, exist_ok=True)
    target = quarantine / f"{name}.{offset}.{time.time_ns()}.bin"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def recover_tail(path: Path, quarantine: Path) -> Tail:
    """Cuts a torn last line off `path` (if any) and returns the last complete line."""
    if not path.exists():
        return Tail(None, 0)
    fd = os.open(path, os.O_RDWR)
    try:
        size = os.fstat(fd).st_size
        last_newline = _last_newline_before(fd, size)
        torn = size - (last_newline + 1)
        if torn:
            _quarantine(quarantine, path.name, last_newline + 1, os.pread(fd, torn, last_newline + 1))
            os.ftruncate(fd, last_newline + 1)
            os.fsync(fd)
        if last_newline < 0:
            return Tail(None, torn)
        start = _last_newline_before(fd, last_newline) + 1
        return Tail(os.pread(fd, last_newline - start, start), torn)
    finally:
        os.close(fd)
