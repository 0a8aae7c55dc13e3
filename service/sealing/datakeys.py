"""The data-key table: one wrapped key per sealed object; deleting a row crypto-shreds its object.

Rows name their resource only by a digest of (kind, account, resource id), so the table itself says
nothing about what was sealed; `seq` orders keys of one resource so an overwrite can retire older ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from service.sealing.envelope import Binding


@dataclass(frozen=True, slots=True)
class DataKey:
    dek_id: bytes
    resource: str
    kind: str
    account_id: str
    kek_id: str
    wrapped: bytes
    created: float
    seq: int = 0


def resource_digest(binding: Binding) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


class DataKeyTable(Protocol):
    def insert(self, key: DataKey) -> None: ...

    def get(self, dek_id: bytes) -> DataKey | None: ...

    def delete(self, dek_id: bytes) -> bool:
        """Destroy one key (and scrub it from the database files where the backend can)."""

    def delete_resource(self, resource: str, before: bytes | None = None) -> int:
        """Destroy the resource's keys; with `before`, only those inserted before that key (an overwrite)."""

    def stale(self, kek_id: str, after_seq: int, limit: int) -> list[DataKey]:
        """Keys wrapped by another key-encryption key than `kek_id`, in seq order after `after_seq`."""

    def rewrap(self, dek_id: bytes, old_kek_id: str, new_kek_id: str, wrapped: bytes) -> bool:
        """Replace the wrapped key, only if it is still wrapped by `old_kek_id` (another rotator may have won)."""

    def counts(self) -> dict[str, int]:
        """Number of keys per key-encryption key id."""
