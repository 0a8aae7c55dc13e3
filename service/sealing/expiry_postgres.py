"""The retention query on the PostgreSQL job store (proposed for JobStore; kept here until the store has it)."""

from __future__ import annotations

from service.store.postgres import _JOB_COLUMNS, PostgresJobStore, _job
from service.store.records import JobRecord

LIST_EXPIRED = (
    f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status NOT IN ('QUEUED', 'IN_PROGRESS') "
    "AND coalesce(completion_time, creation_time) < %s ORDER BY creation_time LIMIT %s"
)


class PostgresExpiringJobStore(PostgresJobStore):
    def list_expired(self, before: float, limit: int) -> list[JobRecord]:
        """Finished jobs that completed (or, never started, were created) before `before`, oldest first."""
        rows = self.db.connection().execute(LIST_EXPIRED, (before, limit)).fetchall()
        return [_job(r) for r in rows]
