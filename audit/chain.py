"""Hash chaining and the on-disk line format of one entry.

A line is the entry's canonical JSON (sorted keys, no spaces, UTF-8) with one more member, `"hash"`,
appended last: the SHA-256 of the canonical bytes without it. Each entry's `prev_hash` is the previous
entry's `hash`, so editing, dropping, adding or moving any entry breaks the chain where it happened.
Keeping the hash as a fixed-width suffix lets a verifier hash the stored bytes as they are, without
decoding and re-encoding, which is what makes verification fast.
"""

from __future__ import annotations

import hashlib
from binascii import Error as BinasciiError
from binascii import unhexlify
from typing import Any

import msgspec

from audit.entry import AuditEntry, AuditEvent

FORMAT_VERSION = 1
_HASH_PREFIX = b',"hash":"'
_SUFFIX_LEN = len(_HASH_PREFIX) + 64 + 2  # prefix, 64 hex digits, '"}'
_PREFIX_LEN = len(_HASH_PREFIX)
_encoder = msgspec.json.Encoder(order="sorted")


class _Record(msgspec.Struct, frozen=True):
    seq: int
    time: str
    account_id: str
    actor: str
    role: str
    action: str
    resource: str
    source_address: str
    outcome: str
    request_id: str
    detail: dict[str, str | int | bool]
    prev_hash: str
    hash: str
    v: int


class _Link(msgspec.Struct, frozen=True):
    seq: int
    prev_hash: str


_record_decoder = msgspec.json.Decoder(_Record)
_link_decoder = msgspec.json.Decoder(_Link)


class MalformedLine(ValueError):
    """A stored line is not an entry in the chain format."""


def _canonical_body(fields: dict[str, Any]) -> bytes:
    return _encoder.encode(fields)


def seal(event: AuditEvent, *, seq: int, time: str, prev_hash: str) -> tuple[AuditEntry, bytes]:
    """Returns the sealed entry and the exact line (with its newline) to store."""
    fields: dict[str, Any] = {
        "seq": seq,
        "time": time,
        "account_id": event.account_id,
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "resource": event.resource,
        "source_address": event.source_address,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "detail": dict(event.detail),
        "prev_hash": prev_hash,
        "v": FORMAT_VERSION,
    }
    body = _canonical_body(fields)
    digest = hashlib.sha256(body).hexdigest()
    line = body[:-1] + _HASH_PREFIX + digest.encode("ascii") + b'"}\n'
    entry = AuditEntry(
        seq=seq,
        time=time,
        account_id=event.account_id,
        actor=event.actor,
        role=event.role,
        action=event.action,
        resource=event.resource,
        source_address=event.source_address,
        outcome=event.outcome,
        request_id=event.request_id,
        detail=dict(event.detail),
        prev_hash=prev_hash,
        hash=digest,
    )
    return entry, line


def read_link(line: bytes) -> tuple[int, bytes, bytes, bool]:
    """Reads one stored line's place in the chain: (seq, prev_hash, stored hash, intact), the hashes as
    32 raw bytes and intact meaning the stored hash matches the stored bytes. Raises MalformedLine.

    Verification calls this once per entry, so it returns a plain tuple and avoids copies it can skip.
    """
    start = len(line) - _SUFFIX_LEN
    if start <= 0 or line[start : start + _PREFIX_LEN] != _HASH_PREFIX or line[-2:] != b'"}':
        raise MalformedLine("line does not end with a hash member")
    body = line[:start] + b"}"
    try:
        link = _link_decoder.decode(body)
        stored = unhexlify(line[start + _PREFIX_LEN : -2])
    except (msgspec.DecodeError, BinasciiError) as error:
        raise MalformedLine(f"not an entry: {error}") from None
    try:
        prev = bytes.fromhex(link.prev_hash)
    except ValueError:
        raise MalformedLine("prev_hash is not 64 hex digits") from None
    if len(prev) != 32:
        raise MalformedLine("prev_hash is not 64 hex digits")
    return link.seq, prev, stored, hashlib.sha256(body).digest() == stored


def read_entry(line: bytes) -> AuditEntry:
    """Decodes a stored line into an entry without checking its hash (verify does that)."""
    try:
        record = _record_decoder.decode(line)
    except msgspec.DecodeError as error:
        raise MalformedLine(f"not an entry: {error}") from None
    return AuditEntry(
        seq=record.seq,
        time=record.time,
        account_id=record.account_id,
        actor=record.actor,
        role=record.role,
        action=record.action,
        resource=record.resource,
        source_address=record.source_address,
        outcome=record.outcome,
        request_id=record.request_id,
        detail=record.detail,
        prev_hash=record.prev_hash,
        hash=record.hash,
    )
