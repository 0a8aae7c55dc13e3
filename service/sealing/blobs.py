"""Blob stores that never hold plaintext: every object is sealed on put and opened on get.

Objects are bound to (kind, account, bucket/key), so a file copied over another, or into another account's
bucket, fails to open. Delete removes the object and destroys its data key, so a copy of the raw file taken
before the delete can never be opened again.
"""

from __future__ import annotations

from service.sealing.sealer import Sealer
from service.store.base import BlobStore, BlobStores

# Bucket objects hold media, transcripts and vocabulary files alike; the bucket store can't tell them apart.
OBJECT_KIND = "object"


class SealedBlobStore:
    def __init__(self, inner: BlobStore, sealer: Sealer, account_id: str, kind: str = OBJECT_KIND) -> None:
        self.inner = inner
        self.sealer = sealer
        self.account_id = account_id
        self.kind = kind

    def get(self, bucket: str, key: str) -> bytes:
        return self.sealer.open(self.kind, f"{bucket}/{key}", self.account_id, self.inner.get(bucket, key))

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        resource = f"{bucket}/{key}"
        sealed = self.sealer.seal(self.kind, resource, self.account_id, data)
        try:
            self.inner.put(bucket, key, sealed, content_type)
        except BaseException:
            self.sealer.discard(sealed)
            raise
        # Two writers racing on one key can, rarely, leave the surviving object's key retired (it then reads
        # as Shredded, never as the other version); S3 gives no stronger promise for concurrent puts.
        self.sealer.retire_older(self.kind, resource, self.account_id, sealed)

    def delete(self, bucket: str, key: str) -> None:
        try:
            self.inner.delete(bucket, key)
        finally:
            # Even when the object couldn't be removed, its content must become unreadable.
            self.sealer.shred(self.kind, f"{bucket}/{key}", self.account_id)

    def url(self, bucket: str, key: str) -> str:
        return self.inner.url(bucket, key)


class SealedBuckets:
    """A BlobStores factory whose per-account stores seal (wrap LocalBuckets: objects in our data directory)."""

    def __init__(self, inner: BlobStores, sealer: Sealer, kind: str = OBJECT_KIND) -> None:
        self.inner = inner
        self.sealer = sealer
        self.kind = kind

    def __call__(self, account_id: str) -> SealedBlobStore:
        return SealedBlobStore(self.inner(account_id), self.sealer, account_id, self.kind)
