"""The store interfaces every backend implements (SQLite and local files now; PostgreSQL and S3 later)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from service.store.records import AccessKey, JobPage, JobRecord


class JobExists(Exception):
    """A job with this name already exists in the account."""


class TooManyJobs(Exception):
    """The account already has its quota of jobs in flight."""


class JobStore(Protocol):
    def create(self, job: JobRecord, max_active: int) -> None:
        """Insert a QUEUED job; raise JobExists or TooManyJobs, atomically with the count."""

    def get(self, account_id: str, name: str) -> JobRecord | None: ...

    def list(
        self,
        account_id: str,
        status: str | None,
        name_contains: str | None,
        after: tuple[float, str] | None,
        limit: int,
    ) -> JobPage:
        """Newest first; `after` continues from the last job of the previous page."""

    def delete(self, account_id: str, name: str) -> JobRecord | None: ...

    def claim_next(self, now: float, owner: str, lease_s: float) -> JobRecord | None:
        """Lease the oldest QUEUED job (or one whose lease expired) to `owner`, IN_PROGRESS; or None."""

    def heartbeat(self, job: JobRecord, owner: str, now: float, lease_s: float) -> bool:
        """Extend the lease; False when the job was deleted or its lease passed to another worker."""

    def finish(self, job: JobRecord, owner: str) -> bool:
        """Store the outcome of a leased job; False when it was deleted or is no longer ours."""

    def requeue_interrupted(self) -> int:
        """Embedded single-process mode: put every IN_PROGRESS job back in the queue at start-up."""


class KeyStore(Protocol):
    def add(self, key: AccessKey) -> None: ...

    def get(self, access_key_id: str) -> AccessKey | None: ...

    def list(self) -> list[AccessKey]: ...

    def revoke(self, access_key_id: str) -> bool: ...


class BlobNotFound(Exception):
    """No object at that bucket and key."""


class BlobStore(Protocol):
    def get(self, bucket: str, key: str) -> bytes: ...

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    def delete(self, bucket: str, key: str) -> None: ...

    def url(self, bucket: str, key: str) -> str:
        """Where a client fetches the object (TranscriptFileUri)."""


# The blob store an account's s3:// URIs resolve to.
BlobStores = Callable[[str], BlobStore]
