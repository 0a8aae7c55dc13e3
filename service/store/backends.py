"""Choosing the backends from settings: SQLite and local buckets by default, PostgreSQL and S3 when set."""

from __future__ import annotations

from dataclasses import dataclass

from service.config import Settings
from service.store.base import BlobStores, JobStore, KeyStore
from service.store.blobs import LocalBuckets, S3BlobStore


@dataclass(frozen=True, slots=True)
class Stores:
    jobs: JobStore
    keys: KeyStore
    buckets: BlobStores
    # Whether this process is the only one using the job store (so it may requeue IN_PROGRESS jobs).
    exclusive: bool
    buckets_are_local: bool


def open_stores(settings: Settings) -> Stores:
    jobs: JobStore
    keys: KeyStore
    if settings.database_url:
        from service.store.postgres import PostgresDatabase, PostgresJobStore, PostgresKeyStore

        pg = PostgresDatabase(settings.database_url)
        jobs, keys, exclusive = PostgresJobStore(pg), PostgresKeyStore(pg), False
    else:
        from service.store.sqlite import SqliteDatabase, SqliteJobStore, SqliteKeyStore

        db = SqliteDatabase(settings.database_path)
        jobs, keys, exclusive = SqliteJobStore(db), SqliteKeyStore(db), True
    buckets: BlobStores
    if settings.s3_endpoint_url:
        buckets = S3BlobStore(settings.s3_endpoint_url, settings.s3_region)
    else:
        buckets = LocalBuckets(settings.buckets_dir, settings.base_url)
    return Stores(jobs, keys, buckets, exclusive, not settings.s3_endpoint_url)
