"""The one interface every key-encryption key (local keyring, AWS KMS) offers to the sealer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Protocol


class Kek(Protocol):
    @property
    def key_id(self) -> str:
        """The key (and version) new wraps use; recorded with each data key so rotation finds the stale ones."""

    def wrap(self, dek: bytes, context: Mapping[str, str]) -> bytes:
        """Encrypt a data key; `context` must be given again, unchanged, to unwrap it."""

    def unwrap(self, blob: bytes, context: Mapping[str, str]) -> bytes:
        """Decrypt a wrapped data key made by any version of this key; raise Tampered when it doesn't verify."""


def context_bytes(context: Mapping[str, str]) -> bytes:
    """One canonical encoding, so equal contexts authenticate equally whatever the dict order."""
    return json.dumps(sorted(context.items()), separators=(",", ":")).encode()
