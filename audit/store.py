"""The two sides of audit storage, kept small so a PostgreSQL-backed store can stand in for the files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.entry import AuditEntry, AuditEvent
from audit.filter import AuditFilter
from audit.verify import VerifyReport


class AuditSink(Protocol):
    """Where the service edge records each API call and stream session."""

    def append(self, event: AuditEvent, *, at: datetime | None = None) -> AuditEntry:
        """Seals the event into the chain; returns only once the entry is durable."""
        ...

    def verify(self, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
        """Checks the whole chain and its signed digests, saying where anything was changed."""
        ...

    def close(self) -> None: ...


class AuditSource(Protocol):
    """Where compliance queries read from."""

    def select(self, flt: AuditFilter) -> Iterator[AuditEntry]:
        """Entries matching `flt`, in sequence order."""
        ...
