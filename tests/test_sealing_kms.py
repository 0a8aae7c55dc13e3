"""AWS KMS as the key-encryption key, against moto's KMS in this process (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from service.sealing import envelope
from service.sealing.errors import KekUnavailable, SealError, Tampered
from service.sealing.kms import AwsKmsKek
from service.sealing.sealer import Sealer
from service.sealing.setup import open_data_keys, open_kek
from service.store.sqlite import SqliteDatabase

ACCOUNT = "111122223333"
CONTEXT = {"clinscribe:dek": "ab", "clinscribe:kind": "object", "clinscribe:account": ACCOUNT}


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("kms", region_name="us-east-1")


def test_wrap_unwrap_bound_to_context(kms: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kek = AwsKmsKek(key_id, client=kms)
    assert kek.key_id == f"kms:{key_id}"
    dek = bytes(range(32))
    wrapped = kek.wrap(dek, CONTEXT)
    assert dek not in wrapped
    assert kek.unwrap(wrapped, CONTEXT) == dek
    with pytest.raises(Tampered):
        kek.unwrap(wrapped, {**CONTEXT, "clinscribe:account": "444455556666"})
    edited = bytearray(wrapped)
    edited[-1] ^= 1
    with pytest.raises(Tampered):
        kek.unwrap(bytes(edited), CONTEXT)


def test_unknown_key_is_unavailable_not_tampered(kms: Any) -> None:
    kek = AwsKmsKek("alias/does-not-exist", client=kms)
    with pytest.raises(KekUnavailable):
        kek.wrap(bytes(32), CONTEXT)


def test_sealer_on_kms_and_rewrap_onto_a_new_key(kms: Any, tmp_path: Path) -> None:
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    second = kms.create_key()["KeyMetadata"]["Arn"]
    keys = open_data_keys(SqliteDatabase(tmp_path / "clinscribe.sqlite3"))
    sealer = Sealer(AwsKmsKek(first, client=kms), keys)
    sealed = sealer.seal("transcript", "job-1", ACCOUNT, b"Jane Roe, hypertension")
    assert sealer.open("transcript", "job-1", ACCOUNT, sealed) == b"Jane Roe, hypertension"
    with pytest.raises(Tampered):
        sealer.open("transcript", "job-2", ACCOUNT, sealed)
    for i in range(len(sealed)):
        edited = bytearray(sealed)
        edited[i] ^= 0x10
        with pytest.raises(SealError):
            sealer.open("transcript", "job-1", ACCOUNT, bytes(edited))
    # Moving to another KMS key: rewrap every data key, the ciphertext stays as it is.
    moved = Sealer(AwsKmsKek(second, client=kms), keys)
    assert moved.rotate().rewrapped == 1
    assert moved.status() == {f"kms:{second}": 1}
    assert moved.open("transcript", "job-1", ACCOUNT, sealed) == b"Jane Roe, hypertension"
    row = keys.get(envelope.dek_id_of(sealed))
    assert row is not None and row.kek_id == f"kms:{second}"


def test_open_kek_chooses_kms_when_given_a_key(kms: Any, tmp_path: Path) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kek = open_kek(tmp_path, kms_key_id=key_id)
    assert isinstance(kek, AwsKmsKek) and kek.key_id == f"kms:{key_id}"
    assert kek.unwrap(kek.wrap(bytes(32), CONTEXT), CONTEXT) == bytes(32)
    assert not (tmp_path / "keyring.json").exists()
    local = open_kek(tmp_path)
    assert local.key_id == "local:1" and (tmp_path / "keyring.json").exists()
