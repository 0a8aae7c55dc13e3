"""Data keys in PostgreSQL, beside the jobs, under the sealing room's own schema version.

A deleted row stays in its heap page until vacuum reclaims it; `delete` asks for nothing more, so shredding
on PostgreSQL is complete only once autovacuum (or an operator's VACUUM of data_keys) has run.
"""

from __future__ import annotations

from typing import Any

from service.sealing.datakeys import DataKey
from service.store.postgres import PostgresDatabase

MIGRATIONS = (
    """
    CREATE TABLE data_keys (
        seq BIGSERIAL PRIMARY KEY,
        dek_id BYTEA NOT NULL UNIQUE,
        resource TEXT NOT NULL,
        kind TEXT NOT NULL,
        account_id TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped BYTEA NOT NULL,
        created DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX data_keys_by_resource ON data_keys (resource, seq);
    CREATE INDEX data_keys_by_kek ON data_keys (kek_id, seq);
    """,
)
# Distinct from the job store's migration lock: the two schemas migrate independently.
_MIGRATION_LOCK = 0x7365616C

_COLUMNS = "seq, dek_id, resource, kind, account_id, kek_id, wrapped, created"


def _key(row: dict[str, Any]) -> DataKey:
    return DataKey(
        bytes(row["dek_id"]), row["resource"], row["kind"], row["account_id"], row["kek_id"], bytes(row["wrapped"]),
        row["created"], row["seq"],
    )


class PostgresDataKeys:
    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db
        self._migrate()

    def _migrate(self) -> None:
        with self.db.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS sealing_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT coalesce(max(version), 0) AS version FROM sealing_schema").fetchone()
            version = (row or {}).get("version") or 0
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO sealing_schema (version) VALUES (%s)", (number,))

    def insert(self, key: DataKey) -> None:
        self.db.connection().execute(
            "INSERT INTO data_keys (dek_id, resource, kind, account_id, kek_id, wrapped, created) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (key.dek_id, key.resource, key.kind, key.account_id, key.kek_id, key.wrapped, key.created),
        )

    def get(self, dek_id: bytes) -> DataKey | None:
        row = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM data_keys WHERE dek_id = %s", (dek_id,)
        ).fetchone()
        return _key(row) if row else None

    def delete(self, dek_id: bytes) -> bool:
        return self.db.connection().execute("DELETE FROM data_keys WHERE dek_id = %s", (dek_id,)).rowcount == 1

    def delete_resource(self, resource: str, before: bytes | None = None) -> int:
        if before is None:
            return self.db.connection().execute("DELETE FROM data_keys WHERE resource = %s", (resource,)).rowcount
        return self.db.connection().execute(
            "DELETE FROM data_keys WHERE resource = %s AND seq < (SELECT seq FROM data_keys WHERE dek_id = %s)",
            (resource, before),
        ).rowcount

    def stale(self, kek_id: str, after_seq: int, limit: int) -> list[DataKey]:
        rows = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM data_keys WHERE kek_id <> %s AND seq > %s ORDER BY seq LIMIT %s",
            (kek_id, after_seq, limit),
        ).fetchall()
        return [_key(r) for r in rows]

    def rewrap(self, dek_id: bytes, old_kek_id: str, new_kek_id: str, wrapped: bytes) -> bool:
        return self.db.connection().execute(
            "UPDATE data_keys SET kek_id = %s, wrapped = %s WHERE dek_id = %s AND kek_id = %s",
            (new_kek_id, wrapped, dek_id, old_kek_id),
        ).rowcount == 1

    def counts(self) -> dict[str, int]:
        rows = self.db.connection().execute("SELECT kek_id, count(*) AS n FROM data_keys GROUP BY kek_id").fetchall()
        return {r["kek_id"]: r["n"] for r in rows}
