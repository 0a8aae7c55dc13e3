"""Where each part of an audit directory lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class AuditLayout:
    """The files of one audit directory; one writer process owns it at a time (see `lock`)."""

    directory: Path

    @property
    def entries(self) -> Path:
        return self.directory / "entries.jsonl"

    @property
    def digests(self) -> Path:
        return self.directory / "digests.jsonl"

    @property
    def signing_key(self) -> Path:
        return self.directory / "signing-key.pem"

    @property
    def public_key(self) -> Path:
        return self.directory / "signing-key.pub.pem"

    @property
    def lock(self) -> Path:
        return self.directory / "writer.lock"

    @property
    def quarantine(self) -> Path:
        """Bytes cut from a torn tail on recovery, kept for inspection rather than thrown away."""
        return self.directory / "torn"
