"""The sealed object format: AES-256-GCM under a per-object data key, bound to what the object is.

    magic "CSE1" (4) | data key id (16) | nonce (12) | ciphertext | tag (16)

The associated data is the header plus (kind, account, resource id), so an object edited anywhere, or moved
to another kind, account or resource, fails authentication instead of opening as something else.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.sealing.errors import Tampered

MAGIC = b"CSE1"
DEK_ID_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
DEK_BYTES = 32
HEADER_BYTES = len(MAGIC) + DEK_ID_BYTES + NONCE_BYTES
# Sealed values stored in text columns (job fields, key secrets).
TEXT_PREFIX = "sealed1:"


@dataclass(frozen=True, slots=True)
class Binding:
    """What a sealed object is; it must be stated again, identically, to open it."""

    kind: str
    account_id: str
    resource_id: str

    def encode(self) -> bytes:
        return json.dumps([self.kind, self.account_id, self.resource_id], separators=(",", ":")).encode()


def new_data_key() -> tuple[bytes, bytes]:
    """A fresh (id, key) pair: random id and random 256-bit key."""
    return secrets.token_bytes(DEK_ID_BYTES), AESGCM.generate_key(bit_length=256)


def dek_id_of(sealed: bytes) -> bytes:
    """The data key id a sealed object names; Tampered when it isn't one of ours."""
    if len(sealed) < HEADER_BYTES + TAG_BYTES or not sealed.startswith(MAGIC):
        raise Tampered("not a sealed object (bad magic or truncated)")
    return sealed[len(MAGIC) : len(MAGIC) + DEK_ID_BYTES]


def encrypt(dek_id: bytes, dek: bytes, binding: Binding, plaintext: bytes) -> bytes:
    header = MAGIC + dek_id + secrets.token_bytes(NONCE_BYTES)
    nonce = header[-NONCE_BYTES:]
    return header + AESGCM(dek).encrypt(nonce, plaintext, header + binding.encode())


def decrypt(dek: bytes, binding: Binding, sealed: bytes) -> bytes:
    dek_id_of(sealed)
    header = sealed[:HEADER_BYTES]
    try:
        return AESGCM(dek).decrypt(header[-NONCE_BYTES:], sealed[HEADER_BYTES:], header + binding.encode())
    except InvalidTag as exc:
        raise Tampered(f"sealed {binding.kind} failed authentication (edited, or not this object)") from exc


def to_text(sealed: bytes) -> str:
    return TEXT_PREFIX + base64.urlsafe_b64encode(sealed).decode()


def from_text(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith(TEXT_PREFIX):
        raise Tampered("not a sealed value")
    encoded = text[len(TEXT_PREFIX) :]
    try:
        sealed = base64.b64decode(encoded.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise Tampered("sealed value is not valid base64") from exc
    # Base64 has spare bits in its last group; only the canonical spelling counts, so any edit is refused.
    if base64.urlsafe_b64encode(sealed).decode() != encoded:
        raise Tampered("sealed value is not canonical base64")
    return sealed
