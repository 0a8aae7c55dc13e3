"""A key store that keeps access-key secrets sealed (SigV4 needs the secret itself, so it can't be hashed)."""

from __future__ import annotations

import dataclasses

from service.sealing.envelope import from_text
from service.sealing.sealer import Sealer
from service.store.base import KeyStore
from service.store.records import AccessKey

KIND = "access-key"


class SealedKeyStore:
    def __init__(self, inner: KeyStore, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def add(self, key: AccessKey) -> None:
        sealed = self.sealer.seal_text(KIND, key.access_key_id, key.account_id, key.secret_access_key)
        try:
            self.inner.add(dataclasses.replace(key, secret_access_key=sealed))
        except BaseException:
            self.sealer.discard(from_text(sealed))
            raise
        stored = self.inner.get(key.access_key_id)
        if stored is None or stored.secret_access_key != sealed:
            # The id was already there (a backend may ignore the duplicate): our sealed copy is unused.
            self.sealer.discard(from_text(sealed))

    def get(self, access_key_id: str) -> AccessKey | None:
        key = self.inner.get(access_key_id)
        return self._open(key) if key else None

    def list(self) -> list[AccessKey]:
        return [self._open(k) for k in self.inner.list()]

    def revoke(self, access_key_id: str) -> bool:
        return self.inner.revoke(access_key_id)

    def _open(self, key: AccessKey) -> AccessKey:
        secret = self.sealer.open_text(KIND, key.access_key_id, key.account_id, key.secret_access_key)
        return dataclasses.replace(key, secret_access_key=secret)
