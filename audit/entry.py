"""What an audit entry holds: who did what to which resource, when, from where, and how it ended.

An `AuditEvent` is what the service edge reports; the log seals it into an `AuditEntry` by giving it a
sequence number, a time and its place in the hash chain. Every field is an identifier, never content:
values are checked against a narrow character set so a transcript sentence cannot slip in by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Identifiers the service deals in (ARNs, job names, IPv4/IPv6 addresses, request ids, error type names)
# fit this set; spaces and most punctuation do not, which keeps free text (and so PHI) out of the log.
_ID = re.compile(r"[A-Za-z0-9._:/@+=,\[\]%-]*")
MAX_FIELD_CHARS = 512
MAX_DETAIL_ITEMS = 16
MAX_DETAIL_CHARS = 256

SUCCESS = "success"
GENESIS_HASH = "0" * 64

DetailValue = str | int | bool


class InvalidAuditEvent(ValueError):
    """An event field holds something other than an identifier, or a required field is empty."""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One API call or stream session as seen at the service edge."""

    account_id: str
    actor: str  # access key id or principal ARN
    role: str
    action: str  # the API operation, e.g. "StartMedicalTranscriptionJob"
    resource: str  # e.g. "medical-transcription-job/NAME"; "" when the call names none
    source_address: str
    outcome: str  # SUCCESS or the error type name, e.g. "BadRequestException"
    request_id: str
    detail: Mapping[str, DetailValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate_event(self)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A sealed event: its sequence number, time and the hashes that chain it to the one before."""

    seq: int
    time: str  # RFC 3339 UTC with microseconds, so entries sort and compare as strings
    account_id: str
    actor: str
    role: str
    action: str
    resource: str
    source_address: str
    outcome: str
    request_id: str
    detail: Mapping[str, DetailValue]
    prev_hash: str
    hash: str

    @property
    def event(self) -> AuditEvent:
        return AuditEvent(
            account_id=self.account_id,
            actor=self.actor,
            role=self.role,
            action=self.action,
            resource=self.resource,
            source_address=self.source_address,
            outcome=self.outcome,
            request_id=self.request_id,
            detail=self.detail,
        )


def format_time(moment: datetime) -> str:
    """2026-01-02T03:04:05.678901Z: fixed width, so times sort and compare as strings."""
    if moment.tzinfo is None:
        raise InvalidAuditEvent("audit times must be timezone-aware")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"  # drop "+00:00"


def parse_time(text: str) -> datetime:
    """Reads the times the log writes and any ISO 8601 time a user types (naive means UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _check_id(name: str, value: object, *, required: bool, limit: int = MAX_FIELD_CHARS) -> None:
    if not isinstance(value, str):
        raise InvalidAuditEvent(f"{name} must be a string, not {type(value).__name__}")
    if required and not value:
        raise InvalidAuditEvent(f"{name} is required")
    if len(value) > limit:
        raise InvalidAuditEvent(f"{name} is longer than {limit} characters")
    if not _ID.fullmatch(value):
        raise InvalidAuditEvent(f"{name} must be an identifier (letters, digits and ._:/@+=,[]%-)")


def validate_event(event: AuditEvent) -> None:
    for name in ("account_id", "actor", "role", "action", "outcome", "request_id"):
        _check_id(name, getattr(event, name), required=True)
    _check_id("resource", event.resource, required=False)
    _check_id("source_address", event.source_address, required=False)
    if not isinstance(event.detail, Mapping):
        raise InvalidAuditEvent("detail must be a mapping")
    if len(event.detail) > MAX_DETAIL_ITEMS:
        raise InvalidAuditEvent(f"detail holds more than {MAX_DETAIL_ITEMS} items")
    for key, value in event.detail.items():
        _check_id("detail key", key, required=True, limit=64)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            if abs(value) >= 2**63:
                raise InvalidAuditEvent(f"detail[{key}] is out of the 64-bit range")
            continue
        _check_id(f"detail[{key}]", value, required=False, limit=MAX_DETAIL_CHARS)
