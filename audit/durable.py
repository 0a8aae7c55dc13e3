"""The few file operations durability rests on: whole writes, append-only opens, directory syncs."""

from __future__ import annotations

import os
from pathlib import Path


def write_all(fd: int, data: bytes) -> None:
    """os.write may write less than asked (a signal, a full disk); loop until every byte is out."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_append(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)


def fsync_dir(directory: Path) -> None:
    """Makes a file's creation (its name in the directory) durable, not only its contents."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
