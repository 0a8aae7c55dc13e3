"""Signed digests: every so often a record naming a range of entries and the chain head, signed.

In the spirit of CloudTrail log-file integrity validation. The chain alone shows where the log was
edited, unless someone rewrites the whole tail and recomputes every hash; a signed digest pins the head
hash at a point in time with a key the editor does not hold, so that rewrite is caught too, and so is a
log cut short before the last digest. Digests are chained to each other by the SHA-256 of the previous
digest line, so deleting or reordering digests is caught as well.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from audit.entry import GENESIS_HASH
from audit.keys import key_id

# Domain separation: a digest signature can never be replayed as a signature over anything else.
_SIGNING_CONTEXT = b"clinscribe-audit-digest-v1\n"
_encoder = msgspec.json.Encoder(order="sorted")


class _DigestRecord(msgspec.Struct, frozen=True):
    digest_seq: int
    time: str
    first_seq: int
    last_seq: int
    head_hash: str
    prev_digest_hash: str
    key_id: str
    signature: str


_decoder = msgspec.json.Decoder(_DigestRecord)


class MalformedDigest(ValueError):
    """A stored digest line is not a digest record."""


@dataclass(frozen=True, slots=True)
class Digest:
    """Entries first_seq..last_seq end in head_hash; signed over everything but the signature."""

    digest_seq: int
    time: str
    first_seq: int
    last_seq: int
    head_hash: str
    prev_digest_hash: str  # SHA-256 of the previous digest line, GENESIS_HASH for the first
    key_id: str
    signature: str  # base64 Ed25519 signature

    def signed_fields(self) -> dict[str, Any]:
        return {
            "digest_seq": self.digest_seq,
            "time": self.time,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head_hash": self.head_hash,
            "prev_digest_hash": self.prev_digest_hash,
            "key_id": self.key_id,
        }


def _message(fields: dict[str, Any]) -> bytes:
    return _SIGNING_CONTEXT + _encoder.encode(fields)


def make_digest(
    key: Ed25519PrivateKey,
    *,
    digest_seq: int,
    time: str,
    first_seq: int,
    last_seq: int,
    head_hash: str,
    prev_digest_hash: str = GENESIS_HASH,
) -> Digest:
    unsigned = Digest(
        digest_seq=digest_seq,
        time=time,
        first_seq=first_seq,
        last_seq=last_seq,
        head_hash=head_hash,
        prev_digest_hash=prev_digest_hash,
        key_id=key_id(key.public_key()),
        signature="",
    )
    signature = key.sign(_message(unsigned.signed_fields()))
    return Digest(**{**unsigned.signed_fields(), "signature": base64.b64encode(signature).decode("ascii")})


def encode_digest(digest: Digest) -> bytes:
    """The stored line, newline included."""
    return _encoder.encode({**digest.signed_fields(), "signature": digest.signature}) + b"\n"


def decode_digest(line: bytes) -> Digest:
    try:
        record = _decoder.decode(line)
    except msgspec.DecodeError as error:
        raise MalformedDigest(f"not a digest: {error}") from None
    return Digest(
        digest_seq=record.digest_seq,
        time=record.time,
        first_seq=record.first_seq,
        last_seq=record.last_seq,
        head_hash=record.head_hash,
        prev_digest_hash=record.prev_digest_hash,
        key_id=record.key_id,
        signature=record.signature,
    )


def digest_line_hash(line: bytes) -> str:
    """What the next digest's prev_digest_hash must be; `line` without its newline."""
    return hashlib.sha256(line).hexdigest()


def signature_valid(digest: Digest, public_key: Ed25519PublicKey) -> bool:
    try:
        signature = base64.b64decode(digest.signature, validate=True)
        public_key.verify(signature, _message(digest.signed_fields()))
    except (InvalidSignature, ValueError):
        return False
    return True
