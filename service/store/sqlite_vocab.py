"""Medical custom vocabularies in the embedded SQLite database (table from sqlite.MIGRATIONS)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from service.store.base import TooManyVocabularies, VocabularyBusy, VocabularyExists
from service.store.records import VocabularyPage, VocabularyRecord
from service.store.sqlite import SqliteDatabase

_COLUMNS = (
    "account_id, name, language_code, file_uri, state, last_modified_time, failure_reason, content, "
    "download_location, tags"
)


def _vocabulary(row: sqlite3.Row) -> VocabularyRecord:
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


def _check_room(conn: sqlite3.Connection, account_id: str, max_total: int | None, max_pending: int) -> None:
    counts = conn.execute(
        "SELECT count(*) AS total, coalesce(sum(state = 'PENDING'), 0) AS pending "
        "FROM medical_vocabularies WHERE account_id = ?",
        (account_id,),
    ).fetchone()
    if max_total is not None and counts["total"] >= max_total:
        raise TooManyVocabularies(pending=False)
    if counts["pending"] >= max_pending:
        raise TooManyVocabularies(pending=True)


class SqliteVocabularyStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def create(self, vocabulary: VocabularyRecord, max_total: int, max_pending: int) -> None:
        with self.db.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM medical_vocabularies WHERE account_id = ? AND name = ?",
                (vocabulary.account_id, vocabulary.name),
            ).fetchone():
                raise VocabularyExists(vocabulary.name)
            _check_room(conn, vocabulary.account_id, max_total, max_pending)
            v = vocabulary
            conn.execute(
                f"INSERT INTO medical_vocabularies ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (v.account_id, v.name, v.language_code, v.file_uri, v.state, v.last_modified_time,
                 v.failure_reason, v.content, json.dumps(v.download_location), json.dumps(v.tags)),
            )

    def get(self, account_id: str, name: str) -> VocabularyRecord | None:
        row = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE account_id = ? AND name = ?", (account_id, name)
        ).fetchone()
        return _vocabulary(row) if row else None

    def list(
        self, account_id: str, state: str | None, name_contains: str | None, after: str | None, limit: int
    ) -> VocabularyPage:
        clauses, args = ["account_id = ?"], [account_id]
        if state:
            clauses.append("state = ?")
            args.append(state)
        if name_contains:
            # instr(), not LIKE: "_" is a legal name character and would be a wildcard.
            clauses.append("instr(lower(name), lower(?)) > 0")
            args.append(name_contains)
        if after is not None:
            clauses.append("name > ?")
            args.append(after)
        rows = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE {' AND '.join(clauses)} ORDER BY name LIMIT ?",
            (*args, limit + 1),
        ).fetchall()
        page = [_vocabulary(r) for r in rows[:limit]]
        return VocabularyPage(page, page[-1].name if len(rows) > limit else None)

    def replace_file(
        self, account_id: str, name: str, file_uri: str, now: float, max_pending: int
    ) -> VocabularyRecord | None:
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE account_id = ? AND name = ?", (account_id, name)
            ).fetchone()
            if row is None:
                return None
            if row["state"] == "PENDING":
                raise VocabularyBusy(name)
            _check_room(conn, account_id, None, max_pending)
            conn.execute(
                "UPDATE medical_vocabularies SET file_uri = ?, state = 'PENDING', last_modified_time = ?, "
                "failure_reason = NULL WHERE account_id = ? AND name = ?",
                (file_uri, now, account_id, name),
            )
            record = _vocabulary(row)
            record.file_uri, record.state, record.last_modified_time, record.failure_reason = (
                file_uri, "PENDING", now, None
            )
            return record

    def settle(self, vocabulary: VocabularyRecord, pending_since: float) -> bool:
        v = vocabulary
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE medical_vocabularies SET state = ?, last_modified_time = ?, failure_reason = ?, "
                "content = ?, download_location = ? WHERE account_id = ? AND name = ? AND state = 'PENDING' "
                "AND last_modified_time = ?",
                (v.state, v.last_modified_time, v.failure_reason, v.content, json.dumps(v.download_location),
                 v.account_id, v.name, pending_since),
            ).rowcount == 1

    def delete(self, account_id: str, name: str) -> VocabularyRecord | None:
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE account_id = ? AND name = ?", (account_id, name)
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM medical_vocabularies WHERE account_id = ? AND name = ?", (account_id, name))
            return _vocabulary(row)

    def pending(self) -> Sequence[VocabularyRecord]:
        rows = self.db.connection().execute(
            f"SELECT {_COLUMNS} FROM medical_vocabularies WHERE state = 'PENDING' ORDER BY last_modified_time"
        ).fetchall()
        return [_vocabulary(r) for r in rows]
