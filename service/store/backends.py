"""Choosing the backends from settings: SQLite and local buckets by default, PostgreSQL and S3 when set.

Everything that can hold PHI is sealed on the way in (service.sealing): job fields, key secrets
and objects in local buckets. S3 buckets stay as clients wrote them, since clients read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.config import Settings
from service.sealing.blobs import SealedBuckets
from service.sealing.jobs import SealedJobStore
from service.sealing.kek import Kek
from service.sealing.keyring import LocalKeyring
from service.sealing.keys import SealedKeyStore
from service.sealing.sealer import Sealer
from service.sealing.setup import open_kek, open_sealer
from service.store.base import BlobStores, JobStore, KeyStore
from service.store.blobs import LocalBuckets, S3BlobStore


@dataclass(frozen=True, slots=True)
class Stores:
    jobs: JobStore
    keys: KeyStore
    buckets: BlobStores
    sealer: Sealer
    # Whether this process is the only one using the job store (so it may requeue IN_PROGRESS jobs).
    exclusive: bool
    buckets_are_local: bool


def _kek(settings: Settings) -> Kek:
    if settings.keyring_path and not settings.kms_key_id:
        return LocalKeyring(settings.keyring_path)
    return open_kek(settings.data_dir, settings.kms_key_id, settings.kms_region, settings.kms_endpoint_url)


def open_stores(settings: Settings) -> Stores:
    jobs: JobStore
    keys: KeyStore
    if settings.database_url:
        from service.store.postgres import PostgresDatabase, PostgresJobStore, PostgresKeyStore

        pg = PostgresDatabase(settings.database_url)
        sealer = open_sealer(_kek(settings), pg)
        jobs, keys, exclusive = PostgresJobStore(pg), PostgresKeyStore(pg), False
    else:
        from service.store.sqlite import SqliteDatabase, SqliteJobStore, SqliteKeyStore

        db = SqliteDatabase(settings.database_path)
        sealer = open_sealer(_kek(settings), db)
        jobs, keys, exclusive = SqliteJobStore(db), SqliteKeyStore(db), True
    buckets: BlobStores
    if settings.s3_endpoint_url:
        buckets = S3BlobStore(settings.s3_endpoint_url, settings.s3_region)
    else:
        buckets = SealedBuckets(LocalBuckets(settings.buckets_dir, settings.base_url), sealer)
    return Stores(SealedJobStore(jobs, sealer), SealedKeyStore(keys, sealer), buckets, sealer, exclusive,
                  not settings.s3_endpoint_url)
