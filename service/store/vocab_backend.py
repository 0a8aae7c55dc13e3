"""The vocabulary store for the configured database: PostgreSQL when set, else the SQLite file.

Vocabularies hold no PHI (the guide tells users to keep it out), so they are not sealed.
"""

from __future__ import annotations

from service.config import Settings
from service.store.base import VocabularyStore


def open_vocabulary_store(settings: Settings) -> VocabularyStore:
    if settings.database_url:
        from service.store.postgres import PostgresDatabase
        from service.store.postgres_vocab import PostgresVocabularyStore

        return PostgresVocabularyStore(PostgresDatabase(settings.database_url))
    from service.store.sqlite import SqliteDatabase
    from service.store.sqlite_vocab import SqliteVocabularyStore

    return SqliteVocabularyStore(SqliteDatabase(settings.database_path))
