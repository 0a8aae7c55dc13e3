"""Scale-out store: jobs and access keys in PostgreSQL, shared by many API and worker processes.

Workers lease jobs with `FOR UPDATE SKIP LOCKED`, so no two take the same one; a lease that
lapses (its worker died) puts the job back within reach of every worker.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from service.store.base import JobExists, TooManyJobs
from service.store.records import AccessKey, JobPage, JobRecord

MIGRATIONS = (
    """
    CREATE TABLE jobs (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        creation_time DOUBLE PRECISION NOT NULL,
        start_time DOUBLE PRECISION,
        completion_time DOUBLE PRECISION,
        failure_reason TEXT,
        transcript_uri TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        output_location TEXT NOT NULL DEFAULT '{}',
        lease_owner TEXT,
        lease_expires DOUBLE PRECISION,
        PRIMARY KEY (account_id, name)
    );
    CREATE INDEX jobs_by_time ON jobs (account_id, creation_time DESC, name DESC);
    CREATE INDEX jobs_queue ON jobs (status, creation_time);
    CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        secret_access_key TEXT NOT NULL,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        created DOUBLE PRECISION NOT NULL,
        revoked BOOLEAN NOT NULL DEFAULT FALSE
    );
    """,
    """
    CREATE TABLE medical_vocabularies (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        language_code TEXT NOT NULL,
        file_uri TEXT NOT NULL,
        state TEXT NOT NULL,
        last_modified_time DOUBLE PRECISION NOT NULL,
        failure_reason TEXT,
        content BYTEA,
        download_location TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, name)
    );
    CREATE INDEX medical_vocabularies_pending ON medical_vocabularies (state, last_modified_time);
    """,
)
# Any constant: it only has to be the same for every clinscribe process on one database.
_MIGRATION_LOCK = 0x636C696E

_JOB_COLUMNS = (
    "account_id, name, status, request, creation_time, start_time, completion_time, "
    "failure_reason, transcript_uri, attempts, output_location"
)


def _job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(
        account_id=row["account_id"],
        name=row["name"],
        request=json.loads(row["request"]),
        status=row["status"],
        creation_time=row["creation_time"],
        start_time=row["start_time"],
        completion_time=row["completion_time"],
        failure_reason=row["failure_reason"],
        transcript_uri=row["transcript_uri"],
        attempts=row["attempts"],
        output_location=json.loads(row["output_location"]),
    )


class PostgresDatabase:
    """One connection per thread (psycopg connections are not shared across threads here)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._migrate()

    def connection(self) -> psycopg.Connection[dict[str, Any]]:
        conn: psycopg.Connection[dict[str, Any]] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        conn = self.connection()
        with conn.transaction():
            yield conn

    def _migrate(self) -> None:
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS clinscribe_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) AS version FROM clinscribe_schema").fetchone()
            version = (row or {}).get("version") or 0
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO clinscribe_schema (version) VALUES (%s)", (number,))


class PostgresJobStore:
    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def create(self, job: JobRecord, max_active: int) -> None:
        with self.db.transaction() as conn:
            # Serializes Starts of one account so the in-flight count can't be raced past the limit.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (job.account_id,))
            row = conn.execute(
                "SELECT count(*) AS n FROM jobs WHERE account_id = %s AND status IN ('QUEUED', 'IN_PROGRESS')",
                (job.account_id,),
            ).fetchone()
            if row and row["n"] >= max_active:
                raise TooManyJobs(job.account_id)
            inserted = conn.execute(
                f"INSERT INTO jobs ({_JOB_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (account_id, name) DO NOTHING",
                (job.account_id, job.name, job.status, json.dumps(job.request), job.creation_time, job.start_time,
                 job.completion_time, job.failure_reason, job.transcript_uri, job.attempts,
                 json.dumps(job.output_location)),
            )
            if inserted.rowcount == 0:
                raise JobExists(job.name)

    def get(self, account_id: str, name: str) -> JobRecord | None:
        row = self.db.connection().execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE account_id = %s AND name = %s", (account_id, name)
        ).fetchone()
        return _job(row) if row else None

    def list(
        self,
        account_id: str,
        status: str | None,
        name_contains: str | None,
        after: tuple[float, str] | None,
        limit: int,
    ) -> JobPage:
        clauses, args = ["account_id = %s"], [account_id]
        if status:
            clauses.append("status = %s")
            args.append(status)
        if name_contains:
            clauses.append("strpos(lower(name), lower(%s)) > 0")
            args.append(name_contains)
        if after:
            clauses.append("(creation_time, name) < (%s, %s)")
            args.extend([after[0], after[1]])  # type: ignore[list-item]
        rows = self.db.connection().execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE {' AND '.join(clauses)} "
            "ORDER BY creation_time DESC, name DESC LIMIT %s",
            (*args, limit + 1),
        ).fetchall()
        jobs = [_job(r) for r in rows[:limit]]
        last = (jobs[-1].creation_time, jobs[-1].name) if len(rows) > limit else None
        return JobPage(jobs, last)

    def delete(self, account_id: str, name: str) -> JobRecord | None:
        row = self.db.connection().execute(
            f"DELETE FROM jobs WHERE account_id = %s AND name = %s RETURNING {_JOB_COLUMNS}", (account_id, name)
        ).fetchone()
        return _job(row) if row else None

    def claim_next(self, now: float, owner: str, lease_s: float) -> JobRecord | None:
        row = self.db.connection().execute(
            f"""
            UPDATE jobs SET status = 'IN_PROGRESS', attempts = attempts + 1,
                start_time = coalesce(start_time, %s), lease_owner = %s, lease_expires = %s
            WHERE (account_id, name) = (
                SELECT account_id, name FROM jobs
                WHERE status = 'QUEUED' OR (status = 'IN_PROGRESS' AND lease_expires < %s)
                ORDER BY creation_time LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            RETURNING {_JOB_COLUMNS}
            """,
            (now, owner, now + lease_s, now),
        ).fetchone()
        return _job(row) if row else None

    def heartbeat(self, job: JobRecord, owner: str, now: float, lease_s: float) -> bool:
        cursor = self.db.connection().execute(
            "UPDATE jobs SET lease_expires = %s WHERE account_id = %s AND name = %s AND lease_owner = %s "
            "AND status = 'IN_PROGRESS'",
            (now + lease_s, job.account_id, job.name, owner),
        )
        return cursor.rowcount == 1

    def finish(self, job: JobRecord, owner: str) -> bool:
        cursor = self.db.connection().execute(
            "UPDATE jobs SET status = %s, completion_time = %s, failure_reason = %s, transcript_uri = %s, "
            "output_location = %s, lease_owner = NULL, lease_expires = NULL "
            "WHERE account_id = %s AND name = %s AND status = 'IN_PROGRESS' AND lease_owner = %s",
            (job.status, job.completion_time, job.failure_reason, job.transcript_uri,
             json.dumps(job.output_location), job.account_id, job.name, owner),
        )
        return cursor.rowcount == 1

    def requeue_interrupted(self) -> int:
        # Other processes may be mid-job on a shared database: expired leases bring jobs back instead.
        return 0


class PostgresKeyStore:
    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def add(self, key: AccessKey) -> None:
        self.db.connection().execute(
            "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, role, created, revoked) "
            # Two API processes may install the same bootstrap key at once.
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (access_key_id) DO NOTHING",
            (key.access_key_id, key.secret_access_key, key.account_id, key.role, key.created, key.revoked),
        )

    def get(self, access_key_id: str) -> AccessKey | None:
        row = self.db.connection().execute(
            "SELECT * FROM access_keys WHERE access_key_id = %s", (access_key_id,)
        ).fetchone()
        return self._key(row) if row else None

    def list(self) -> list[AccessKey]:
        return [self._key(r) for r in self.db.connection().execute(
            "SELECT * FROM access_keys ORDER BY created").fetchall()]

    def revoke(self, access_key_id: str) -> bool:
        cursor = self.db.connection().execute(
            "UPDATE access_keys SET revoked = TRUE WHERE access_key_id = %s", (access_key_id,)
        )
        return cursor.rowcount == 1

    @staticmethod
    def _key(row: dict[str, Any]) -> AccessKey:
        return AccessKey(row["access_key_id"], row["secret_access_key"], row["account_id"], row["role"],
                         row["created"], bool(row["revoked"]))
