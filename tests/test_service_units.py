"""Plumbing of the service room with a fake recognizer: the job store, workers and SigV4 edge cases."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from medical.items import Word
from medical.recognizer import DecodeOptions, Segment
from service.runner import JobRunner
from service.store.base import JobExists, JobStore, TooManyJobs
from service.store.blobs import InvalidLocation, LocalBlobStore, LocalBuckets, parse_s3_uri
from service.store.postgres import PostgresDatabase, PostgresJobStore
from service.store.records import JobRecord
from service.store.sqlite import SqliteDatabase, SqliteJobStore
from service.workers import WorkerPool
from tests.pg import fresh_schema

ACCOUNT = "111122223333"


class SlowFakeRecognizer:
    """Plumbing only: says one word after a pause the test controls."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.done = threading.Event()

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        self.started.set()
        self.release.wait(10)
        yield Segment(0.0, 0.5, "word", [Word(" word.", 0.0, 0.5, 0.9)])
        self.done.set()


def _job(name: str, created: float = 0.0) -> JobRecord:
    request = {"MedicalTranscriptionJobName": name, "LanguageCode": "en-US", "Specialty": "PRIMARYCARE",
               "Type": "DICTATION", "Media": {"MediaFileUri": "s3://media-bucket/a.wav"},
               "OutputBucketName": "out-bucket"}
    return JobRecord(ACCOUNT, name, request, creation_time=created or time.time())


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    """The same behaviour is required of the embedded and the scale-out job store."""
    if request.param == "sqlite":
        yield SqliteJobStore(SqliteDatabase(tmp_path / "db.sqlite3"))
        return
    with fresh_schema() as url:
        yield PostgresJobStore(PostgresDatabase(url))


def test_store_claims_oldest_first_once(store: JobStore) -> None:
    for i in range(20):
        store.create(_job(f"j{i:02d}", created=1000.0 + i), max_active=250)
    claimed: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        while (job := store.claim_next(time.time(), threading.current_thread().name, 60)) is not None:
            with lock:
                claimed.append(job.name)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == [f"j{i:02d}" for i in range(20)]
    if isinstance(store, SqliteJobStore):
        assert store.requeue_interrupted() == 20
        assert store.claim_next(time.time(), "w", 60).name == "j00"  # type: ignore[union-attr]


def test_expired_lease_is_taken_over(store: JobStore) -> None:
    store.create(_job("leased", created=1.0), max_active=250)
    first = store.claim_next(1000.0, "worker-a", 60)
    assert first is not None and store.claim_next(1030.0, "worker-b", 60) is None
    assert store.heartbeat(first, "worker-a", 1050.0, 60)  # renewed until 1110
    assert store.claim_next(1100.0, "worker-b", 60) is None
    second = store.claim_next(1111.0, "worker-b", 60)
    assert second is not None and second.attempts == 2
    first.status = "COMPLETED"
    assert not store.finish(first, "worker-a")  # no longer its lease
    assert not store.heartbeat(first, "worker-a", 1112.0, 60)
    second.status = "COMPLETED"
    assert store.finish(second, "worker-b")


def test_store_refuses_duplicates_and_over_limit(store: JobStore) -> None:
    store.create(_job("a"), max_active=2)
    with pytest.raises(JobExists):
        store.create(_job("a"), max_active=2)
    store.create(_job("b"), max_active=2)
    with pytest.raises(TooManyJobs):
        store.create(_job("c"), max_active=2)
    # The same name in another account is a different job.
    other = _job("a")
    other.account_id = "444455556666"
    store.create(other, max_active=2)


def test_schema_migrates_once(tmp_path: Path) -> None:
    SqliteDatabase(tmp_path / "db.sqlite3")
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    from service.store.sqlite import MIGRATIONS

    assert db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def _wav() -> bytes:
    out = io.BytesIO()
    soundfile.write(out, np.zeros(16000, dtype=np.float32), 16000, format="WAV")
    return out.getvalue()


def test_job_deleted_while_running_leaves_no_output(tmp_path: Path) -> None:
    store = SqliteJobStore(SqliteDatabase(tmp_path / "db.sqlite3"))
    buckets = LocalBuckets(tmp_path / "buckets", "http://127.0.0.1:1")
    buckets(ACCOUNT).put("media-bucket", "a.wav", _wav())
    recognizer = SlowFakeRecognizer()
    pool = WorkerPool(store, JobRunner(recognizer, buckets), size=1, poll_seconds=0.05)
    store.create(_job("doomed"), max_active=250)
    pool.start()
    try:
        assert recognizer.started.wait(10)
        store.delete(ACCOUNT, "doomed")
        recognizer.release.set()
        assert recognizer.done.wait(10)
    finally:
        # stop() lets the worker finish the job in hand, so its outcome is settled after this.
        pool.stop(timeout=10)
    output_dir = tmp_path / "buckets" / ACCOUNT / "out-bucket"
    assert not list(output_dir.rglob("*.json")) if output_dir.exists() else True
    assert store.get(ACCOUNT, "doomed") is None


def test_completed_job_writes_output(tmp_path: Path) -> None:
    store = SqliteJobStore(SqliteDatabase(tmp_path / "db.sqlite3"))
    buckets = LocalBuckets(tmp_path / "buckets", "http://127.0.0.1:1")
    buckets(ACCOUNT).put("media-bucket", "a.wav", _wav())
    recognizer = SlowFakeRecognizer()
    recognizer.release.set()
    store.create(_job("kept"), max_active=250)
    job = store.claim_next(time.time(), "w", 60)
    assert job is not None
    finished = JobRunner(recognizer, buckets).run(job)
    assert finished.status == "COMPLETED" and store.finish(finished, "w")
    assert (tmp_path / "buckets" / ACCOUNT / "out-bucket" / "medical" / "kept.json").is_file()
    assert finished.transcript_uri == "http://127.0.0.1:1/out-bucket/medical/kept.json"


@pytest.mark.parametrize(("bucket", "key"), [("ok-bucket", "../escape"), ("ok-bucket", "a/../../b"),
                                              ("Bad_Bucket", "k"), ("ok-bucket", ""), ("ok-bucket", "dir/")])
def test_local_bucket_paths_cannot_escape(tmp_path: Path, bucket: str, key: str) -> None:
    with pytest.raises(InvalidLocation):
        LocalBlobStore(tmp_path, "http://x").put(bucket, key, b"data")


def test_parse_s3_uri() -> None:
    assert parse_s3_uri("s3://bucket-a/dir/file name.wav") == ("bucket-a", "dir/file name.wav")
    for bad in ("s3://bucket-a", "https://bucket-a/k", "s3:///k"):
        with pytest.raises(InvalidLocation):
            parse_s3_uri(bad)


def test_store_lists_newest_first_with_filters(store: JobStore) -> None:
    for i in range(6):
        job = _job(f"{'alpha' if i % 2 else 'beta'}_{i}", created=100.0 + i)
        store.create(job, max_active=250)
    page = store.list(ACCOUNT, None, None, None, 4)
    assert [j.name for j in page.jobs] == ["alpha_5", "beta_4", "alpha_3", "beta_2"]
    rest = store.list(ACCOUNT, None, None, page.last, 4)
    assert [j.name for j in rest.jobs] == ["alpha_1", "beta_0"] and rest.last is None
    # "_" is a literal, not a wildcard; the match ignores case.
    assert [j.name for j in store.list(ACCOUNT, None, "ALPHA_", None, 10).jobs] == ["alpha_5", "alpha_3", "alpha_1"]
    assert store.list(ACCOUNT, "COMPLETED", None, None, 10).jobs == []
    assert store.delete(ACCOUNT, "alpha_5") is not None and store.delete(ACCOUNT, "alpha_5") is None
