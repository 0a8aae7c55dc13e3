"""A job store whose sensitive fields are sealed: the request (media URIs, output keys, tags, settings), where
the output went, the transcript URI and the failure reason (which may quote a URI).

The account, name, status and times stay in the clear: the store queries and leases by them. Each field is
sealed with kind "job-field" bound to (account, "<name>#<field>"), so fields can't be swapped between jobs,
accounts or each other. Deleting a job shreds every data key its fields were sealed under.
"""

from __future__ import annotations

import builtins
import dataclasses
from typing import Any

from service.sealing.envelope import from_text
from service.sealing.errors import Tampered
from service.sealing.sealer import Sealer
from service.store.base import JobStore
from service.store.records import JobPage, JobRecord

KIND = "job-field"
# Dict fields keep their column type (JSON object): the sealed text goes under this one member.
_SEALED = "Sealed"
_DICT_FIELDS = ("request", "output_location")
_TEXT_FIELDS = ("transcript_uri", "failure_reason")


def _resource(job: JobRecord, field: str) -> str:
    return f"{job.name}#{field}"


class SealedJobStore:
    def __init__(self, inner: JobStore, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def create(self, job: JobRecord, max_active: int) -> None:
        sealed, tokens = self._seal(job, ("request", "output_location", *_TEXT_FIELDS))
        try:
            self.inner.create(sealed, max_active)
        except BaseException:
            self._discard(tokens)
            raise

    def get(self, account_id: str, name: str) -> JobRecord | None:
        job = self.inner.get(account_id, name)
        return self._open(job) if job else None

    def list(
        self,
        account_id: str,
        status: str | None,
        name_contains: str | None,
        after: tuple[float, str] | None,
        limit: int,
    ) -> JobPage:
        page = self.inner.list(account_id, status, name_contains, after, limit)
        return JobPage([self._open(j) for j in page.jobs], page.last)

    def delete(self, account_id: str, name: str) -> JobRecord | None:
        job = self.inner.delete(account_id, name)
        if job is None:
            return None
        try:
            return self._open(job)
        finally:
            self.shred(job)

    def claim_next(self, now: float, owner: str, lease_s: float) -> JobRecord | None:
        job = self.inner.claim_next(now, owner, lease_s)
        return self._open(job) if job else None

    def heartbeat(self, job: JobRecord, owner: str, now: float, lease_s: float) -> bool:
        return self.inner.heartbeat(job, owner, now, lease_s)

    def finish(self, job: JobRecord, owner: str) -> bool:
        # finish writes the outcome columns only; the request stays as sealed at create.
        fields = ("output_location", *_TEXT_FIELDS)
        sealed, tokens = self._seal(job, fields)
        try:
            done = self.inner.finish(sealed, owner)
        except BaseException:
            self._discard(tokens)
            raise
        if not done:
            self._discard(tokens)
            return False
        for field, token in tokens.items():
            self.sealer.retire_older(KIND, _resource(job, field), job.account_id, from_text(token))
        return True

    def requeue_interrupted(self) -> int:
        return self.inner.requeue_interrupted()

    def list_expired(self, before: float, limit: int) -> builtins.list[JobRecord]:
        """For stores that offer it (see service/sealing/retention.py)."""
        inner: Any = self.inner
        return [self._open(j) for j in inner.list_expired(before, limit)]

    def shred(self, job: JobRecord) -> None:
        for field in (*_DICT_FIELDS, *_TEXT_FIELDS):
            self.sealer.shred(KIND, _resource(job, field), job.account_id)

    def _seal(self, job: JobRecord, fields: tuple[str, ...]) -> tuple[JobRecord, dict[str, str]]:
        tokens: dict[str, str] = {}
        changes: dict[str, Any] = {}
        for field in fields:
            value = getattr(job, field)
            if not value:  # nothing to hide: None, or the empty output location of a queued job
                continue
            token = self.sealer.seal_json(KIND, _resource(job, field), job.account_id, value)
            tokens[field] = token
            changes[field] = {_SEALED: token} if field in _DICT_FIELDS else token
        return dataclasses.replace(job, **changes), tokens

    def _open(self, job: JobRecord) -> JobRecord:
        changes: dict[str, Any] = {}
        for field in (*_DICT_FIELDS, *_TEXT_FIELDS):
            value = getattr(job, field)
            if not value:
                continue
            if field in _DICT_FIELDS:
                if set(value) != {_SEALED}:
                    raise Tampered(f"job {field} is not sealed")
                value = value[_SEALED]
            changes[field] = self.sealer.open_json(KIND, _resource(job, field), job.account_id, value)
        return dataclasses.replace(job, **changes)

    def _discard(self, tokens: dict[str, str]) -> None:
        for token in tokens.values():
            self.sealer.discard(from_text(token))
