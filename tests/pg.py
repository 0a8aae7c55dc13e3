"""A throwaway PostgreSQL schema on the machine's server (127.0.0.1:5432, trust auth) for one test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

ADMIN_URL = os.environ.get("CLINSCRIBE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Yield a database URL whose search_path is a new, empty schema; drop it afterwards."""
    schema = f"clinscribe_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in ADMIN_URL else "?"
    try:
        yield f"{ADMIN_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
