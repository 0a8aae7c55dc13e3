"""Embedded default: jobs and access keys in one SQLite file (WAL, one connection per thread)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from service.store.base import JobExists, TooManyJobs
from service.store.records import AccessKey, JobPage, JobRecord

# Each entry moves the schema one version forward; PRAGMA user_version records where a file is.
MIGRATIONS = (
    """
    CREATE TABLE jobs (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        creation_time REAL NOT NULL,
        start_time REAL,
        completion_time REAL,
        failure_reason TEXT,
        transcript_uri TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        output_location TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (account_id, name)
    );
    CREATE INDEX jobs_by_time ON jobs (account_id, creation_time DESC, name DESC);
    CREATE INDEX jobs_queue ON jobs (status, creation_time);
    CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        secret_access_key TEXT NOT NULL,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        created REAL NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    );
    """,
    """
    ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
    ALTER TABLE jobs ADD COLUMN lease_expires REAL;
    """,
    """
    CREATE TABLE medical_vocabularies (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        language_code TEXT NOT NULL,
        file_uri TEXT NOT NULL,
        state TEXT NOT NULL,
        last_modified_time REAL NOT NULL,
        failure_reason TEXT,
        content BLOB,
        download_location TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, name)
    );
    CREATE INDEX medical_vocabularies_pending ON medical_vocabularies (state, last_modified_time);
    """,
)

_JOB_COLUMNS = (
    "account_id, name, status, request, creation_time, start_time, completion_time, "
    "failure_reason, transcript_uri, attempts, output_location"
)


def _job(row: sqlite3.Row) -> JobRecord:
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


class SqliteDatabase:
    """Opens (and migrates) the database file; hands each thread its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._migrate()

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")


class SqliteJobStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def create(self, job: JobRecord, max_active: int) -> None:
        with self.db.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM jobs WHERE account_id = ? AND name = ?", (job.account_id, job.name)
            ).fetchone():
                raise JobExists(job.name)
            active = conn.execute(
                "SELECT count(*) FROM jobs WHERE account_id = ? AND status IN ('QUEUED', 'IN_PROGRESS')",
                (job.account_id,),
            ).fetchone()[0]
            if active >= max_active:
                raise TooManyJobs(job.account_id)
            conn.execute(
                f"INSERT INTO jobs ({_JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._values(job),
            )

    @staticmethod
    def _values(job: JobRecord) -> tuple[Any, ...]:
        return (
            job.account_id, job.name, job.status, json.dumps(job.request), job.creation_time, job.start_time,
            job.completion_time, job.failure_reason, job.transcript_uri, job.attempts,
            json.dumps(job.output_location),
        )

    def get(self, account_id: str, name: str) -> JobRecord | None:
        row = self.db.connection().execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE account_id = ? AND name = ?", (account_id, name)
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
        clauses, args = ["account_id = ?"], [account_id]
        if status:
            clauses.append("status = ?")
            args.append(status)
        if name_contains:
            # Case-insensitive, as the real filter; instr() because LIKE would treat _ in names as a wildcard.
            clauses.append("instr(lower(name), lower(?)) > 0")
            args.append(name_contains)
        if after:
            clauses.append("(creation_time < ? OR (creation_time = ? AND name < ?))")
            args.extend([after[0], after[0], after[1]])  # type: ignore[list-item]
        rows = self.db.connection().execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE {' AND '.join(clauses)} "
            "ORDER BY creation_time DESC, name DESC LIMIT ?",
            (*args, limit + 1),
        ).fetchall()
        jobs = [_job(r) for r in rows[:limit]]
        last = (jobs[-1].creation_time, jobs[-1].name) if len(rows) > limit else None
        return JobPage(jobs, last)

    def delete(self, account_id: str, name: str) -> JobRecord | None:
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE account_id = ? AND name = ?", (account_id, name)
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM jobs WHERE account_id = ? AND name = ?", (account_id, name))
            return _job(row)

    def claim_next(self, now: float, owner: str, lease_s: float) -> JobRecord | None:
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status = 'QUEUED' "
                "OR (status = 'IN_PROGRESS' AND lease_expires < ?) ORDER BY creation_time LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                return None
            job = _job(row)
            job.status, job.attempts = "IN_PROGRESS", job.attempts + 1
            job.start_time = job.start_time or now
            conn.execute(
                "UPDATE jobs SET status = ?, start_time = ?, attempts = ?, lease_owner = ?, lease_expires = ? "
                "WHERE account_id = ? AND name = ?",
                (job.status, job.start_time, job.attempts, owner, now + lease_s, job.account_id, job.name),
            )
            return job

    def heartbeat(self, job: JobRecord, owner: str, now: float, lease_s: float) -> bool:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE jobs SET lease_expires = ? WHERE account_id = ? AND name = ? AND lease_owner = ? "
                "AND status = 'IN_PROGRESS'",
                (now + lease_s, job.account_id, job.name, owner),
            ).rowcount == 1

    def finish(self, job: JobRecord, owner: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET status = ?, completion_time = ?, failure_reason = ?, transcript_uri = ?, "
                "output_location = ?, lease_owner = NULL, lease_expires = NULL "
                "WHERE account_id = ? AND name = ? AND status = 'IN_PROGRESS' AND lease_owner = ?",
                (job.status, job.completion_time, job.failure_reason, job.transcript_uri,
                 json.dumps(job.output_location), job.account_id, job.name, owner),
            )
            return cursor.rowcount == 1

    def requeue_interrupted(self) -> int:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE jobs SET status = 'QUEUED', lease_owner = NULL, lease_expires = NULL "
                "WHERE status = 'IN_PROGRESS'"
            ).rowcount


class SqliteKeyStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def add(self, key: AccessKey) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, role, created, revoked) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key.access_key_id, key.secret_access_key, key.account_id, key.role, key.created, int(key.revoked)),
            )

    def get(self, access_key_id: str) -> AccessKey | None:
        row = self.db.connection().execute(
            "SELECT * FROM access_keys WHERE access_key_id = ?", (access_key_id,)
        ).fetchone()
        return self._key(row) if row else None

    def list(self) -> list[AccessKey]:
        rows = self.db.connection().execute("SELECT * FROM access_keys ORDER BY created").fetchall()
        return [self._key(r) for r in rows]

    def revoke(self, access_key_id: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE access_keys SET revoked = 1 WHERE access_key_id = ?", (access_key_id,)
            ).rowcount == 1

    @staticmethod
    def _key(row: sqlite3.Row) -> AccessKey:
        return AccessKey(
            row["access_key_id"], row["secret_access_key"], row["account_id"], row["role"], row["created"],
            bool(row["revoked"]),
        )
