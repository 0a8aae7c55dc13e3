"""The envelope-encryption layer every store goes through: seal, open, shred, rotate.

Each sealed object gets its own random data key, wrapped by the key-encryption key and kept in the data-key
table under a random id that the object's header names. Opening checks that the key row belongs to the same
(kind, account) and that the ciphertext authenticates against (kind, account, resource id): an edited,
truncated or swapped object raises Tampered; one whose key was deleted raises Shredded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.sealing import envelope
from service.sealing.datakeys import DataKey, DataKeyTable, resource_digest
from service.sealing.envelope import Binding
from service.sealing.errors import SealError, Shredded, Tampered
from service.sealing.kek import Kek


@dataclass(frozen=True, slots=True)
class RotationResult:
    rewrapped: int
    # Keys that no longer unwrap (their row was edited); left as they are, and reported.
    failed: int


def _wrap_context(dek_id: bytes, kind: str, account_id: str) -> dict[str, str]:
    # Ids only: with KMS this context is logged in CloudTrail, and resource names may carry PHI.
    return {"clinscribe:dek": dek_id.hex(), "clinscribe:kind": kind, "clinscribe:account": account_id}


class Sealer:
    def __init__(self, kek: Kek, keys: DataKeyTable, clock: Callable[[], float] = time.time) -> None:
        self.kek = kek
        self.keys = keys
        self.clock = clock

    def seal(self, kind: str, resource_id: str, account_id: str, plaintext: bytes) -> bytes:
        binding = Binding(kind, account_id, resource_id)
        dek_id, dek = envelope.new_data_key()
        kek_id = self.kek.key_id
        wrapped = self.kek.wrap(dek, _wrap_context(dek_id, kind, account_id))
        self.keys.insert(DataKey(dek_id, resource_digest(binding), kind, account_id, kek_id, wrapped, self.clock()))
        return envelope.encrypt(dek_id, dek, binding, plaintext)

    def open(self, kind: str, resource_id: str, account_id: str, sealed: bytes) -> bytes:
        binding = Binding(kind, account_id, resource_id)
        key = self.keys.get(envelope.dek_id_of(sealed))
        if key is None:
            raise Shredded(f"the data key of this {kind} is gone (deleted, or the header was edited)")
        if (key.kind, key.account_id, key.resource) != (kind, account_id, resource_digest(binding)):
            raise Tampered(f"sealed {kind} names a data key of another object")
        dek = self.kek.unwrap(key.wrapped, _wrap_context(key.dek_id, key.kind, key.account_id))
        return envelope.decrypt(dek, binding, sealed)

    def discard(self, sealed: bytes) -> bool:
        """Shred one object (its data key), e.g. one sealed for a write that didn't happen."""
        return self.keys.delete(envelope.dek_id_of(sealed))

    def shred(self, kind: str, resource_id: str, account_id: str) -> int:
        """Shred every object sealed for this resource; returns how many data keys were destroyed."""
        return self.keys.delete_resource(resource_digest(Binding(kind, account_id, resource_id)))

    def retire_older(self, kind: str, resource_id: str, account_id: str, sealed: bytes) -> int:
        """After an overwrite, shred the resource's earlier versions, keeping `sealed`."""
        binding = Binding(kind, account_id, resource_id)
        return self.keys.delete_resource(resource_digest(binding), before=envelope.dek_id_of(sealed))

    def seal_text(self, kind: str, resource_id: str, account_id: str, text: str) -> str:
        return envelope.to_text(self.seal(kind, resource_id, account_id, text.encode()))

    def open_text(self, kind: str, resource_id: str, account_id: str, sealed: str) -> str:
        data = self.open(kind, resource_id, account_id, envelope.from_text(sealed))
        try:
            return data.decode()
        except UnicodeDecodeError as exc:  # authenticated, so only a sealing bug gets here
            raise SealError(f"sealed {kind} is not text") from exc

    def seal_json(self, kind: str, resource_id: str, account_id: str, obj: Any) -> str:
        return self.seal_text(kind, resource_id, account_id, json.dumps(obj, separators=(",", ":")))

    def open_json(self, kind: str, resource_id: str, account_id: str, sealed: str) -> Any:
        return json.loads(self.open_text(kind, resource_id, account_id, sealed))

    def rotate(self, batch: int = 500) -> RotationResult:
        """Rewrap every data key not yet under the current key-encryption key; no data is re-encrypted."""
        target = self.kek.key_id
        rewrapped = failed = 0
        after = 0
        while rows := self.keys.stale(target, after, batch):
            for key in rows:
                context = _wrap_context(key.dek_id, key.kind, key.account_id)
                try:
                    dek = self.kek.unwrap(key.wrapped, context)
                except Tampered:
                    failed += 1
                    continue
                if self.keys.rewrap(key.dek_id, key.kek_id, target, self.kek.wrap(dek, context)):
                    rewrapped += 1
            after = rows[-1].seq
        return RotationResult(rewrapped, failed)

    def status(self) -> dict[str, int]:
        """Data keys per key-encryption key id; after a complete rotation, only the current one."""
        return self.keys.counts()
