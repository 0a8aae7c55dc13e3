"""Medical custom vocabularies in PostgreSQL (table from postgres.MIGRATIONS), shared by every process."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import psycopg

from service.store.base import TooManyVocabularies, VocabularyBusy, VocabularyExists
from service.store.postgres import PostgresDatabase
from service.store.records import VocabularyPage, VocabularyRecord

_COLUMNS = (
    "account_id, name, language_code, file_uri, state, last_modified_time, failure_reason, content, "
    "download_location, tags"
)


def _vocabulary(row: dict[str, Any]) -> VocabularyRecord:
    return VocabularyRecord(
        account_id=row["account_id"],
        name=row["name"],
        language_code=row["language_code"],
        file_uri=row["file_uri"],
        state=row["state"],
        last_modified_time=row["last_modified_time"],
        failure_reason=row["failure_reason"],
        content=bytes(row["content"]) if row["content"] is not None else None,
        download_location=json.loads(row["download_location"]),
        tags=json.loads(row["tags"]),
    )


def _check_room(
    conn: psycopg.Connection[dict[str, Any]], account_id: str, max_total: int | None, max_pending: int
) -> None:
    # Serializes changes of one account so the counts can't be raced past the limits.
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("vocabularies:" + account_id,))
    counts = conn.execute(
        "SELECT count(*) AS total, count(*) FILTER (WHERE state = 'PENDING') AS pending "
        "FROM medical_vocabularies WHERE account_id = %s",
        (account_id,),
    ).fetchone() or {"total": 0, "pending": 0}
    if max_total is not None and counts["total"] >= max_total:
        raise TooManyVocabularies(pending=False)
    if counts["pending"] >= max_pending:
        raise TooManyVocabularies(pending=True)


class PostgresVocabularyStore:
    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def create(self, vocabulary: VocabularyRecord, max_total: int, max_pending: int) -> None:
        v = vocabulary
        with self.db.transaction() as conn:
            _check_room(conn, v.account_id, None, 1 << 30)
            if conn.execute(
                "SELECT 1 FROM medical_vocabularies WHERE account_id = %s AND name = %s", (v.account_id, v.name)
            ).fetchone():
                raise VocabularyExists(v.name)
            _check_room(conn, v.account_id, max_total, max_pending)
            conn.execute(
                f"INSERT INTO medical_vocabularies ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (v.account_id, v.name, v.language_code, v.file_uri, v.state, v.last_modified_time,
                 v.failure_reason, v.content, json.dumps(v.download_location), json.dumps(v.tags)),
            )

    def get(self, account_id: str, name: str) -> VocabularyRecord | None:
        row = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE account_id = %s AND name = %s", (account_id, name)
        ).fetchone()
        return _vocabulary(row) if row else None

    def list(
        self, account_id: str, state: str | None, name_contains: str | None, after: str | None, limit: int
    ) -> VocabularyPage:
        clauses, args = ["account_id = %s"], [account_id]
        if state:
            clauses.append("state = %s")
            args.append(state)
        if name_contains:
            clauses.append("strpos(lower(name), lower(%s)) > 0")
            args.append(name_contains)
        if after is not None:
            clauses.append("name COLLATE \"C\" > %s")
            args.append(after)
        rows = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE {' AND '.join(clauses)} "
            "ORDER BY name COLLATE \"C\" LIMIT %s",
            (*args, limit + 1),
        ).fetchall()
        page = [_vocabulary(r) for r in rows[:limit]]
        return VocabularyPage(page, page[-1].name if len(rows) > limit else None)

    def replace_file(
        self, account_id: str, name: str, file_uri: str, now: float, max_pending: int
    ) -> VocabularyRecord | None:
        with self.db.transaction() as conn:
            _check_room(conn, account_id, None, 1 << 30)
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE account_id = %s AND name = %s",
                (account_id, name),
            ).fetchone()
            if row is None:
                return None
            if row["state"] == "PENDING":
                raise VocabularyBusy(name)
            _check_room(conn, account_id, None, max_pending)
            conn.execute(
                "UPDATE medical_vocabularies SET file_uri = %s, state = 'PENDING', last_modified_time = %s, "
                "failure_reason = NULL WHERE account_id = %s AND name = %s",
                (file_uri, now, account_id, name),
            )
            record = _vocabulary(row)
            record.file_uri, record.state, record.last_modified_time, record.failure_reason = (
                file_uri, "PENDING", now, None
            )
            return record

    def settle(self, vocabulary: VocabularyRecord, pending_since: float) -> bool:
        v = vocabulary
        cursor = self.db.connection().execute(
            "UPDATE medical_vocabularies SET state = %s, last_modified_time = %s, failure_reason = %s, "
            "content = %s, download_location = %s WHERE account_id = %s AND name = %s AND state = 'PENDING' "
            "AND last_modified_time = %s",
            (v.state, v.last_modified_time, v.failure_reason, v.content, json.dumps(v.download_location),
             v.account_id, v.name, pending_since),
        )
        return cursor.rowcount == 1

    def delete(self, account_id: str, name: str) -> VocabularyRecord | None:
        row = self.db.connection().execute(
            f"DELETE FROM medical_vocabularies WHERE account_id = %s AND name = %s RETURNING {_COLUMNS}",
            (account_id, name),
        ).fetchone()
        return _vocabulary(row) if row else None

    def pending(self) -> Sequence[VocabularyRecord]:
        rows = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE state = 'PENDING' ORDER BY last_modified_time"
        ).fetchall()
        return [_vocabulary(r) for r in rows]
