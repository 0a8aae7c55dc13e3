"""Sealed wrappers of the blob, job and key stores, retention, and what an attacker with the raw files gets."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.sealing.blobs import SealedBuckets
from service.sealing.errors import SealError, Shredded, Tampered
from service.sealing.expiry_postgres import PostgresExpiringJobStore
from service.sealing.expiry_sqlite import SqliteExpiringJobStore
from service.sealing.jobs import SealedJobStore
from service.sealing.keyring import LocalKeyring
from service.sealing.keys import SealedKeyStore
from service.sealing.retention import DAY_S, expire
from service.sealing.sealer import Sealer
from service.sealing.setup import open_data_keys
from service.store.base import BlobNotFound, JobExists, TooManyJobs
from service.store.blobs import LocalBuckets
from service.store.postgres import PostgresDatabase, PostgresKeyStore
from service.store.records import AccessKey, JobRecord
from service.store.sqlite import SqliteDatabase, SqliteKeyStore
from tests.sealing_dbs import BACKENDS, open_database

ACCOUNT, OTHER = "111122223333", "444455556666"
WORDS = ["Bartholomew", "Okonkwo", "hydrochlorothiazide", "cholecystectomy", "Winnemucca"]
TRANSCRIPT = json.dumps({"results": {"transcripts": [{"transcript": " ".join(WORDS)}]}}).encode()


@dataclass
class Sealed:
    root: Path
    db: SqliteDatabase | PostgresDatabase
    sealer: Sealer
    buckets: SealedBuckets
    jobs: SealedJobStore
    keys: SealedKeyStore


@pytest.fixture(params=BACKENDS)
def sealed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sealed]:
    with open_database(request.param, tmp_path) as db:
        yield _stores(tmp_path, db)


def _stores(root: Path, db: SqliteDatabase | PostgresDatabase) -> Sealed:
    sealer = Sealer(LocalKeyring(root / "keyring.json"), open_data_keys(db))
    buckets = SealedBuckets(LocalBuckets(root / "buckets", "http://127.0.0.1:1"), sealer)
    if isinstance(db, SqliteDatabase):
        jobs = SealedJobStore(SqliteExpiringJobStore(db), sealer)
        keys = SealedKeyStore(SqliteKeyStore(db), sealer)
    else:
        jobs = SealedJobStore(PostgresExpiringJobStore(db), sealer)
        keys = SealedKeyStore(PostgresKeyStore(db), sealer)
    return Sealed(root, db, sealer, buckets, jobs, keys)


def _job(name: str, account: str = ACCOUNT, created: float = 1000.0) -> JobRecord:
    request = {"MedicalTranscriptionJobName": name, "LanguageCode": "en-US", "Specialty": "PRIMARYCARE",
               "Type": "DICTATION", "Media": {"MediaFileUri": f"s3://media/{WORDS[1]}-visit.wav"},
               "OutputBucketName": "out-bucket", "Tags": [{"Key": "patient", "Value": WORDS[0]}]}
    return JobRecord(account, name, request, creation_time=created)


def _object_path(s: Sealed, account: str, bucket: str, key: str) -> Path:
    return s.root / "buckets" / account / bucket / key


# Blobs


def test_blob_round_trip_and_nothing_in_the_clear(sealed: Sealed) -> None:
    store = sealed.buckets(ACCOUNT)
    store.put("out-bucket", "job-1.json", TRANSCRIPT, "application/json")
    raw = _object_path(sealed, ACCOUNT, "out-bucket", "job-1.json").read_bytes()
    assert all(w.encode() not in raw for w in WORDS)
    assert store.get("out-bucket", "job-1.json") == TRANSCRIPT
    assert store.url("out-bucket", "job-1.json") == "http://127.0.0.1:1/out-bucket/job-1.json"
    with pytest.raises(BlobNotFound):
        store.get("out-bucket", "missing.json")


def test_every_flipped_byte_of_a_stored_object_is_an_error(sealed: Sealed) -> None:
    store = sealed.buckets(ACCOUNT)
    store.put("media", "a.wav", b"RIFF....WAVEfmt " + bytes(40))
    path = _object_path(sealed, ACCOUNT, "media", "a.wav")
    original = path.read_bytes()
    for i in range(len(original)):
        edited = bytearray(original)
        edited[i] ^= 0x04
        path.write_bytes(bytes(edited))
        with pytest.raises(SealError):
            store.get("media", "a.wav")
    path.write_bytes(original)
    assert store.get("media", "a.wav").startswith(b"RIFF")


def test_objects_swapped_between_keys_or_accounts_fail(sealed: Sealed) -> None:
    sealed.buckets(ACCOUNT).put("media", "a.wav", b"mine")
    sealed.buckets(ACCOUNT).put("media", "b.wav", b"also mine")
    sealed.buckets(OTHER).put("media", "a.wav", b"theirs")
    mine = _object_path(sealed, ACCOUNT, "media", "a.wav")
    shutil.copy(_object_path(sealed, ACCOUNT, "media", "b.wav"), mine)
    with pytest.raises(Tampered):
        sealed.buckets(ACCOUNT).get("media", "a.wav")
    shutil.copy(_object_path(sealed, OTHER, "media", "a.wav"), mine)
    with pytest.raises(Tampered):
        sealed.buckets(ACCOUNT).get("media", "a.wav")
    # A plaintext file dropped into the bucket directory is refused, not served.
    mine.write_bytes(b"plain bytes")
    with pytest.raises(Tampered):
        sealed.buckets(ACCOUNT).get("media", "a.wav")


def test_deleted_object_cannot_be_opened_from_a_copy_of_the_raw_file(sealed: Sealed) -> None:
    store = sealed.buckets(ACCOUNT)
    store.put("out-bucket", "job-1.json", TRANSCRIPT)
    path = _object_path(sealed, ACCOUNT, "out-bucket", "job-1.json")
    copy = path.read_bytes()
    store.delete("out-bucket", "job-1.json")
    assert not path.exists()
    path.write_bytes(copy)  # the attacker restores the raw file from a backup
    with pytest.raises(Shredded):
        store.get("out-bucket", "job-1.json")
    with pytest.raises(Shredded):
        sealed.sealer.open("object", "out-bucket/job-1.json", ACCOUNT, copy)


def test_overwrite_shreds_the_previous_version(sealed: Sealed) -> None:
    store = sealed.buckets(ACCOUNT)
    store.put("out-bucket", "k.json", b"version one")
    old = _object_path(sealed, ACCOUNT, "out-bucket", "k.json").read_bytes()
    store.put("out-bucket", "k.json", b"version two")
    assert store.get("out-bucket", "k.json") == b"version two"
    with pytest.raises(Shredded):
        sealed.sealer.open("object", "out-bucket/k.json", ACCOUNT, old)
    assert sum(sealed.sealer.status().values()) == 1


def test_a_failed_put_leaves_no_data_key(sealed: Sealed) -> None:
    with pytest.raises(ValueError):
        sealed.buckets(ACCOUNT).put("Bad_Bucket", "k", b"x")
    assert sealed.sealer.status() == {}


# Jobs


def test_job_fields_sealed_on_write_and_opened_on_read(sealed: Sealed) -> None:
    job = _job("job-1")
    sealed.jobs.create(job, max_active=10)
    got = sealed.jobs.get(ACCOUNT, "job-1")
    assert got is not None and got.request == job.request and got.output_location == {}
    inner_row = sealed.jobs.inner.get(ACCOUNT, "job-1")
    assert inner_row is not None and set(inner_row.request) == {"Sealed"}
    assert WORDS[0] not in json.dumps(inner_row.request)
    page = sealed.jobs.list(ACCOUNT, None, "JOB", None, 10)
    assert [j.request for j in page.jobs] == [job.request]
    claimed = sealed.jobs.claim_next(2000.0, "w", 60)
    assert claimed is not None and claimed.request == job.request
    assert sealed.jobs.heartbeat(claimed, "w", 2010.0, 60)
    claimed.status, claimed.completion_time = "COMPLETED", 2020.0
    claimed.transcript_uri = "http://127.0.0.1:1/out-bucket/job-1.json"
    claimed.output_location = {"store": "local", "bucket": "out-bucket", "key": f"{WORDS[1]}.json"}
    assert sealed.jobs.finish(claimed, "w")
    done = sealed.jobs.get(ACCOUNT, "job-1")
    assert done is not None and done.output_location == claimed.output_location
    assert done.transcript_uri == claimed.transcript_uri and done.status == "COMPLETED"
    raw = sealed.jobs.inner.get(ACCOUNT, "job-1")
    assert raw is not None and WORDS[1] not in json.dumps(raw.output_location)
    assert "127.0.0.1" not in (raw.transcript_uri or "")
    # A second finish (lease gone) stores nothing and leaves no orphan data key.
    before = sum(sealed.sealer.status().values())
    assert not sealed.jobs.finish(claimed, "w")
    assert sum(sealed.sealer.status().values()) == before


def test_refused_create_leaves_no_data_key_and_keeps_the_existing_job(sealed: Sealed) -> None:
    sealed.jobs.create(_job("job-1"), max_active=1)
    keys = sealed.sealer.status()
    with pytest.raises(JobExists):
        sealed.jobs.create(_job("job-1"), max_active=5)
    with pytest.raises(TooManyJobs):
        sealed.jobs.create(_job("job-2"), max_active=1)
    assert sealed.sealer.status() == keys
    assert sealed.jobs.get(ACCOUNT, "job-1").request == _job("job-1").request  # type: ignore[union-attr]


def test_job_fields_swapped_between_jobs_fail(sealed: Sealed) -> None:
    sealed.jobs.create(_job("job-1"), max_active=10)
    sealed.jobs.create(_job("job-2"), max_active=10)
    theirs = sealed.jobs.inner.get(ACCOUNT, "job-2")
    assert theirs is not None
    _set_request(sealed, ACCOUNT, "job-1", json.dumps(theirs.request))
    with pytest.raises(Tampered):
        sealed.jobs.get(ACCOUNT, "job-1")
    _set_request(sealed, ACCOUNT, "job-1", json.dumps(_job("job-1").request))  # plaintext injected
    with pytest.raises(Tampered):
        sealed.jobs.get(ACCOUNT, "job-1")


def test_deleted_job_cannot_be_opened_from_a_copy_of_its_row(sealed: Sealed) -> None:
    sealed.jobs.create(_job("job-1"), max_active=10)
    row = sealed.jobs.inner.get(ACCOUNT, "job-1")
    assert row is not None
    deleted = sealed.jobs.delete(ACCOUNT, "job-1")
    assert deleted is not None and deleted.request == _job("job-1").request
    assert sealed.jobs.delete(ACCOUNT, "job-1") is None
    with pytest.raises(Shredded):
        sealed.sealer.open_json("job-field", "job-1#request", ACCOUNT, row.request["Sealed"])
    assert sealed.sealer.status() == {}


def _set_request(s: Sealed, account: str, name: str, request: str) -> None:
    if isinstance(s.db, SqliteDatabase):
        s.db.connection().execute("UPDATE jobs SET request = ? WHERE account_id = ? AND name = ?",
                                  (request, account, name))
    else:
        s.db.connection().execute("UPDATE jobs SET request = %s WHERE account_id = %s AND name = %s",
                                  (request, account, name))


# Access keys


def test_key_secrets_sealed(sealed: Sealed) -> None:
    key = AccessKey("AKIAEXAMPLE0000001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ACCOUNT, "admin", 1.0)
    sealed.keys.add(key)
    assert sealed.keys.get(key.access_key_id) == key
    assert sealed.keys.list() == [key]
    raw = sealed.keys.inner.get(key.access_key_id)
    assert raw is not None and key.secret_access_key not in raw.secret_access_key
    assert sealed.keys.revoke(key.access_key_id)
    assert sealed.keys.get(key.access_key_id).revoked  # type: ignore[union-attr]
    assert sealed.keys.get("AKIAMISSING") is None


def test_duplicate_key_leaves_one_data_key_and_the_first_secret(sealed: Sealed) -> None:
    first = AccessKey("AKIAEXAMPLE0000001", "first-secret", ACCOUNT)
    sealed.keys.add(first)
    again = AccessKey("AKIAEXAMPLE0000001", "second-secret", ACCOUNT)
    if isinstance(sealed.db, SqliteDatabase):
        with pytest.raises(sqlite3.IntegrityError):
            sealed.keys.add(again)
    else:
        sealed.keys.add(again)  # two API processes installing one bootstrap key: the second is ignored
    assert sealed.keys.get(first.access_key_id) == first
    assert sum(sealed.sealer.status().values()) == 1


def test_key_secret_moved_to_another_key_fails(sealed: Sealed) -> None:
    a = AccessKey("AKIAEXAMPLE000000A", "secret-a", ACCOUNT)
    b = AccessKey("AKIAEXAMPLE000000B", "secret-b", ACCOUNT)
    sealed.keys.add(a)
    sealed.keys.add(b)
    stolen = sealed.keys.inner.get(a.access_key_id).secret_access_key  # type: ignore[union-attr]
    if isinstance(sealed.db, SqliteDatabase):
        sealed.db.connection().execute("UPDATE access_keys SET secret_access_key = ? WHERE access_key_id = ?",
                                       (stolen, b.access_key_id))
    else:
        sealed.db.connection().execute("UPDATE access_keys SET secret_access_key = %s WHERE access_key_id = %s",
                                       (stolen, b.access_key_id))
    with pytest.raises(Tampered):
        sealed.keys.get(b.access_key_id)


# Retention


def test_expire_shreds_old_finished_jobs_and_their_output(sealed: Sealed) -> None:
    now = 1000.0 + 200 * DAY_S
    for name, created, finished in [("old-done", 1000.0, 2000.0), ("recent", now - 10 * DAY_S, now - 10 * DAY_S),
                                    ("old-queued", 1500.0, None)]:
        sealed.jobs.create(_job(name, created=created), max_active=10)
        if finished is None:
            continue
        job = sealed.jobs.claim_next(created, "w", 60)
        assert job is not None and job.name == name
        sealed.buckets(ACCOUNT).put("out-bucket", f"{name}.json", TRANSCRIPT)
        job.status, job.completion_time = "COMPLETED", finished
        job.output_location = {"store": "local", "bucket": "out-bucket", "key": f"{name}.json"}
        assert sealed.jobs.finish(job, "w")
    raw = _object_path(sealed, ACCOUNT, "out-bucket", "old-done.json").read_bytes()
    assert [j.name for j in sealed.jobs.list_expired(now - 90 * DAY_S, 10)] == ["old-done"]
    assert expire(sealed.jobs, sealed.buckets, now, days=90, batch=1) == 1
    assert sealed.jobs.get(ACCOUNT, "old-done") is None
    assert sealed.jobs.get(ACCOUNT, "recent") is not None and sealed.jobs.get(ACCOUNT, "old-queued") is not None
    assert not _object_path(sealed, ACCOUNT, "out-bucket", "old-done.json").exists()
    with pytest.raises(Shredded):
        sealed.sealer.open("object", "out-bucket/old-done.json", ACCOUNT, raw)
    assert sealed.buckets(ACCOUNT).get("out-bucket", "recent.json") == TRANSCRIPT
    assert expire(sealed.jobs, sealed.buckets, now, days=90) == 0
    assert expire(sealed.jobs, sealed.buckets, now, days=5) == 1  # a shorter window takes "recent" too


# The whole data directory


def _scan(root: Path, words: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            found += [(str(path), w) for w in words if w.lower().encode() in data]
    return found


def _fill(s: Sealed) -> None:
    job = _job("visit-1")
    s.jobs.create(job, max_active=10)
    claimed = s.jobs.claim_next(time.time(), "w", 60)
    assert claimed is not None
    s.buckets(ACCOUNT).put("media", f"{WORDS[1]}-visit.wav", b"RIFF" + TRANSCRIPT)
    s.buckets(ACCOUNT).put("out-bucket", "visit-1.json", TRANSCRIPT, "application/json")
    claimed.status, claimed.completion_time = "FAILED", time.time()
    claimed.failure_reason = f"The media file s3://media/{WORDS[1]}-visit.wav is too long."
    claimed.output_location = {"store": "local", "bucket": "out-bucket", "key": "visit-1.json"}
    assert s.jobs.finish(claimed, "w")
    s.keys.add(AccessKey("AKIAEXAMPLE0000001", f"{WORDS[4]}SecretKeyMaterial", ACCOUNT))


def test_data_directory_scan_finds_no_word_in_the_clear(tmp_path: Path) -> None:
    root = tmp_path / "data"
    # Words in object keys name files in the bucket directory; keep those out of the scan's word list.
    words = [WORDS[0], WORDS[2], WORDS[3], WORDS[4]]
    s = _stores(root, SqliteDatabase(root / "clinscribe.sqlite3"))
    _fill(s)
    assert s.buckets(ACCOUNT).get("out-bucket", "visit-1.json") == TRANSCRIPT
    assert _scan(root, words) == []
    # Deletion leaves nothing readable behind either, in the database file or its write-ahead log.
    s.jobs.delete(ACCOUNT, "visit-1")
    s.buckets(ACCOUNT).delete("out-bucket", "visit-1.json")
    assert _scan(root, words) == []


def test_the_scan_would_find_plaintext(tmp_path: Path) -> None:
    """The check above can fail: the same writes without sealing leave every word in the data directory."""
    from service.store.sqlite import SqliteJobStore

    root = tmp_path / "data"
    db = SqliteDatabase(root / "clinscribe.sqlite3")
    plain = LocalBuckets(root / "buckets", "http://127.0.0.1:1")(ACCOUNT)
    plain.put("out-bucket", "visit-1.json", TRANSCRIPT)
    SqliteJobStore(db).create(_job("visit-1"), max_active=10)
    SqliteKeyStore(db).add(AccessKey("AKIAEXAMPLE0000001", f"{WORDS[4]}SecretKeyMaterial", ACCOUNT))
    assert {w for _, w in _scan(root, [WORDS[0], WORDS[2], WORDS[4]])} == {WORDS[0], WORDS[2], WORDS[4]}


def test_shredded_keys_leave_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    s = _stores(tmp_path, SqliteDatabase(tmp_path / "clinscribe.sqlite3"))
    s.buckets(ACCOUNT).put("out-bucket", "k.json", TRANSCRIPT)
    wrapped = [r["wrapped"] for r in s.db.connection().execute("SELECT wrapped FROM data_keys")]
    assert len(wrapped) == 1
    files = lambda: b"".join(p.read_bytes() for p in tmp_path.glob("clinscribe.sqlite3*"))  # noqa: E731
    assert bytes(wrapped[0]) in files()
    s.buckets(ACCOUNT).delete("out-bucket", "k.json")
    assert bytes(wrapped[0]) not in files()


def test_postgres_rows_hold_no_word_in_the_clear(tmp_path: Path) -> None:
    with open_database("postgres", tmp_path) as db:
        s = _stores(tmp_path, db)
        _fill(s)
        assert isinstance(db, PostgresDatabase)
        dump = json.dumps([db.connection().execute(f"SELECT * FROM {t}").fetchall()
                           for t in ("jobs", "access_keys", "data_keys")], default=repr)
        assert all(w.lower() not in dump.lower() for w in WORDS)
    assert _scan(tmp_path, [WORDS[0], WORDS[2], WORDS[3], WORDS[4]]) == []


def test_sqlite_schema_versions_are_independent(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "clinscribe.sqlite3")
    open_data_keys(db)
    open_data_keys(SqliteDatabase(tmp_path / "clinscribe.sqlite3"))
    conn = sqlite3.connect(tmp_path / "clinscribe.sqlite3")
    assert conn.execute("SELECT version FROM sealing_schema").fetchall() == [(1,)]
    from service.store.sqlite import MIGRATIONS

    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
