"""The store interfaces every backend implements (SQLite and local files now; PostgreSQL and S3 later)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from service.store.records import AccessKey, JobPage, JobRecord, VocabularyPage, VocabularyRecord


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


class VocabularyExists(Exception):
    """A vocabulary with this name already exists in the account."""


class TooManyVocabularies(Exception):
    """The account is at its limit; `pending` says whether the pending limit (not the total) was hit."""

    def __init__(self, pending: bool) -> None:
        super().__init__("pending" if pending else "total")
        self.pending = pending


class VocabularyBusy(Exception):
    """The vocabulary is PENDING: it can't be replaced until its current file is processed."""


class VocabularyStore(Protocol):
    def create(self, vocabulary: VocabularyRecord, max_total: int, max_pending: int) -> None:
        """Insert a PENDING vocabulary; raise VocabularyExists or TooManyVocabularies, atomically with the counts."""

    def get(self, account_id: str, name: str) -> VocabularyRecord | None: ...

    def list(
        self, account_id: str, state: str | None, name_contains: str | None, after: str | None, limit: int
    ) -> VocabularyPage:
        """By name; `after` continues from the last name of the previous page."""

    def replace_file(
        self, account_id: str, name: str, file_uri: str, now: float, max_pending: int
    ) -> VocabularyRecord | None:
        """Back to PENDING with a new file; None when unknown; VocabularyBusy or TooManyVocabularies."""

    def settle(self, vocabulary: VocabularyRecord, pending_since: float) -> bool:
        """Store READY or FAILED for the file submitted at `pending_since`; False when it was replaced
        or deleted meanwhile (the newer request decides the state)."""

    def delete(self, account_id: str, name: str) -> VocabularyRecord | None: ...

    def pending(self) -> Sequence[VocabularyRecord]:
        """Every PENDING vocabulary, oldest first: what a restarted server still has to validate."""


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
