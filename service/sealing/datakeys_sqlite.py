"""Data keys in the embedded SQLite database, beside the jobs, under the sealing room's own schema version."""

from __future__ import annotations

import sqlite3

from service.sealing.datakeys import DataKey
from service.store.sqlite import SqliteDatabase

# The sealing room's schema, versioned apart from the job store's (which owns PRAGMA user_version).
MIGRATIONS = (
    """
    CREATE TABLE data_keys (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        dek_id BLOB NOT NULL UNIQUE,
        resource TEXT NOT NULL,
        kind TEXT NOT NULL,
        account_id TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped BLOB NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX data_keys_by_resource ON data_keys (resource, seq);
    CREATE INDEX data_keys_by_kek ON data_keys (kek_id, seq);
    """,
)

_CHECKPOINT_WAIT_MS = 200

_COLUMNS = "seq, dek_id, resource, kind, account_id, kek_id, wrapped, created"


def _key(row: sqlite3.Row) -> DataKey:
    return DataKey(
        bytes(row["dek_id"]), row["resource"], row["kind"], row["account_id"], row["kek_id"], bytes(row["wrapped"]),
        row["created"], row["seq"],
    )


class SqliteDataKeys:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db
        self._migrate()

    def _connection(self) -> sqlite3.Connection:
        conn = self.db.connection()
        # Deleted rows are overwritten with zeros, so a shredded key doesn't linger in free pages.
        conn.execute("PRAGMA secure_delete = ON")
        return conn

    def _migrate(self) -> None:
        self._connection()
        with self.db.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS sealing_schema (version INTEGER NOT NULL)")
            version = conn.execute("SELECT coalesce(max(version), 0) FROM sealing_schema").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO sealing_schema (version) VALUES (?)", (number,))

    def insert(self, key: DataKey) -> None:
        self._connection()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO data_keys (dek_id, resource, kind, account_id, kek_id, wrapped, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key.dek_id, key.resource, key.kind, key.account_id, key.kek_id, key.wrapped, key.created),
            )

    def get(self, dek_id: bytes) -> DataKey | None:
        row = self._connection().execute(f"SELECT {_COLUMNS} FROM data_keys WHERE dek_id = ?", (dek_id,)).fetchone()
        return _key(row) if row else None

    def delete(self, dek_id: bytes) -> bool:
        self._connection()
        with self.db.transaction() as conn:
            deleted = conn.execute("DELETE FROM data_keys WHERE dek_id = ?", (dek_id,)).rowcount
        self._scrub_wal()
        return deleted == 1

    def delete_resource(self, resource: str, before: bytes | None = None) -> int:
        self._connection()
        with self.db.transaction() as conn:
            if before is None:
                deleted = conn.execute("DELETE FROM data_keys WHERE resource = ?", (resource,)).rowcount
            else:
                deleted = conn.execute(
                    "DELETE FROM data_keys WHERE resource = ? AND seq < (SELECT seq FROM data_keys WHERE dek_id = ?)",
                    (resource, before),
                ).rowcount
        if deleted:
            self._scrub_wal()
        return deleted

    def stale(self, kek_id: str, after_seq: int, limit: int) -> list[DataKey]:
        rows = self._connection().execute(
            f"SELECT {_COLUMNS} FROM data_keys WHERE kek_id != ? AND seq > ? ORDER BY seq LIMIT ?",
            (kek_id, after_seq, limit),
        ).fetchall()
        return [_key(r) for r in rows]

    def rewrap(self, dek_id: bytes, old_kek_id: str, new_kek_id: str, wrapped: bytes) -> bool:
        self._connection()
        with self.db.transaction() as conn:
            changed = conn.execute(
                "UPDATE data_keys SET kek_id = ?, wrapped = ? WHERE dek_id = ? AND kek_id = ?",
                (new_kek_id, wrapped, dek_id, old_kek_id),
            ).rowcount
        return changed == 1

    def counts(self) -> dict[str, int]:
        rows = self._connection().execute("SELECT kek_id, count(*) AS n FROM data_keys GROUP BY kek_id").fetchall()
        return {r["kek_id"]: r["n"] for r in rows}

    def _scrub_wal(self) -> None:
        # The write-ahead log still holds the page as it was before the delete; copying the pages back and
        # truncating the log leaves the key in neither file. Best effort, and brief: a busy database makes it a
        # no-op (a later shred's checkpoint catches up) rather than stalling the caller for the full timeout.
        conn = self._connection()
        waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout = {_CHECKPOINT_WAIT_MS}")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
