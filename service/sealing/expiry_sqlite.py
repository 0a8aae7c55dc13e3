"""The retention query on the SQLite job store (proposed for JobStore; kept here until the store has it)."""

from __future__ import annotations

from service.store.records import JobRecord
from service.store.sqlite import _JOB_COLUMNS, SqliteJobStore, _job

# Finished jobs only: a job still queued or leased is never expired under a worker.
LIST_EXPIRED = (
    f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status NOT IN ('QUEUED', 'IN_PROGRESS') "
    "AND coalesce(completion_time, creation_time) < ? ORDER BY creation_time LIMIT ?"
)


class SqliteExpiringJobStore(SqliteJobStore):
    def list_expired(self, before: float, limit: int) -> list[JobRecord]:
        """Finished jobs that completed (or, never started, were created) before `before`, oldest first."""
        rows = self.db.connection().execute(LIST_EXPIRED, (before, limit)).fetchall()
        return [_job(r) for r in rows]
