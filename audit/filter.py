"""Which entries a query wants: a time range and exact matches on the identifying fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from audit.entry import AuditEntry, format_time


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """None means "any". `account_id` is the isolation boundary: the service always sets it for callers
    that are not admins, so one account never reads another's entries."""

    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    account_id: str | None = None
    actor: str | None = None
    action: str | None = None
    resource: str | None = None
    outcome: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must not be negative")
        if self.since and self.until and self.since >= self.until:
            raise ValueError("since must be before until")


class EntryMatcher:
    """A filter compiled for scanning: times become strings in the log's own sortable format."""

    __slots__ = ("_exact", "_since", "_until")

    def __init__(self, flt: AuditFilter) -> None:
        self._since = format_time(flt.since) if flt.since else None
        self._until = format_time(flt.until) if flt.until else None
        pairs = (
            ("account_id", flt.account_id),
            ("actor", flt.actor),
            ("action", flt.action),
            ("resource", flt.resource),
            ("outcome", flt.outcome),
        )
        self._exact = tuple((name, value) for name, value in pairs if value is not None)

    def __call__(self, entry: AuditEntry) -> bool:
        if self._since is not None and entry.time < self._since:
            return False
        if self._until is not None and entry.time >= self._until:
            return False
        return all(getattr(entry, name) == value for name, value in self._exact)
