"""Building the sealing layer from what the server already has: its data directory and its database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from service.sealing.datakeys import DataKeyTable
from service.sealing.kek import Kek
from service.sealing.sealer import Sealer

if TYPE_CHECKING:
    from service.store.postgres import PostgresDatabase
    from service.store.sqlite import SqliteDatabase

KEYRING_FILE = "keyring.json"


def keyring_path(data_dir: Path) -> Path:
    return data_dir / KEYRING_FILE


def open_kek(
    data_dir: Path,
    kms_key_id: str | None = None,
    kms_region: str = "us-east-1",
    kms_endpoint_url: str | None = None,
) -> Kek:
    """AWS KMS when a key id is given; otherwise the local keyring in the data directory (created on first use)."""
    if kms_key_id:
        from service.sealing.kms import AwsKmsKek

        return AwsKmsKek(kms_key_id, kms_region, kms_endpoint_url)
    from service.sealing.keyring import LocalKeyring

    return LocalKeyring(keyring_path(data_dir))


def open_data_keys(db: SqliteDatabase | PostgresDatabase) -> DataKeyTable:
    """The data-key table on the job store's own database (migrated on open)."""
    from service.store.sqlite import SqliteDatabase

    if isinstance(db, SqliteDatabase):
        from service.sealing.datakeys_sqlite import SqliteDataKeys

        return SqliteDataKeys(db)
    from service.sealing.datakeys_postgres import PostgresDataKeys

    return PostgresDataKeys(db)


def open_sealer(kek: Kek, db: SqliteDatabase | PostgresDatabase) -> Sealer:
    return Sealer(kek, open_data_keys(db))
