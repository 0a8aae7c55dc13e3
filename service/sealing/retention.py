"""Retention: finished jobs and the transcripts they wrote expire after a window (90 days by default).

Through the sealed stores, deleting is shredding: the job's sealed fields and its output object lose their
data keys, so nothing of an expired job can be opened again, even from a backup of the raw files.
"""

from __future__ import annotations

from typing import Protocol

from service.store.base import BlobStores, JobStore
from service.store.records import JobRecord

DAY_S = 86_400.0
DEFAULT_DAYS = 90


class ExpiringJobStore(JobStore, Protocol):
    def list_expired(self, before: float, limit: int) -> list[JobRecord]:
        """Finished jobs that completed (or were created, if never run) before `before`, oldest first."""


def expire(
    jobs: ExpiringJobStore, buckets: BlobStores, now: float, days: float = DEFAULT_DAYS, batch: int = 100
) -> int:
    """Delete every finished job older than the window, with the output it left in local buckets; returns the
    number of jobs removed. Safe to run from several processes at once: a job deleted by another is skipped."""
    before = now - days * DAY_S
    removed = 0
    while expired := jobs.list_expired(before, batch):
        for job in expired:
            record = jobs.delete(job.account_id, job.name)
            if record is None:
                continue
            removed += 1
            location = record.output_location
            if location.get("store") == "local":
                buckets(record.account_id).delete(location["bucket"], location["key"])
    return removed
