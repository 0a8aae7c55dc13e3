"""The two databases the sealing tests run on: a SQLite file, and a fresh PostgreSQL schema on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.store.postgres import PostgresDatabase
from service.store.sqlite import SqliteDatabase
from tests.pg import fresh_schema

BACKENDS = ["sqlite", "postgres"]


@contextmanager
def open_database(backend: str, directory: Path) -> Iterator[SqliteDatabase | PostgresDatabase]:
    if backend == "sqlite":
        yield SqliteDatabase(directory / "clinscribe.sqlite3")
        return
    with fresh_schema() as url:
        db = PostgresDatabase(url)
        try:
            yield db
        finally:
            db.connection().close()
