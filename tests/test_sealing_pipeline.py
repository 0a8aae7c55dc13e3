"""The real job runner and job service over sealed stores: a PHI-rich job leaves no word in the clear, and
deleting it leaves nothing that opens (a fake recognizer stands in for the model; the plumbing is real)."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from medical.items import Word
from medical.recognizer import DecodeOptions, Segment
from service.jobs import JobLimits, JobService
from service.runner import JobRunner
from service.sealing.blobs import SealedBuckets
from service.sealing.errors import Shredded
from service.sealing.expiry_sqlite import SqliteExpiringJobStore
from service.sealing.jobs import SealedJobStore
from service.sealing.keyring import LocalKeyring
from service.sealing.sealer import Sealer
from service.sealing.setup import open_data_keys
from service.store.blobs import LocalBuckets
from service.store.records import JobRecord
from service.store.sqlite import SqliteDatabase

ACCOUNT = "111122223333"
SPOKEN = ["Bartholomew", "Okonkwo", "hydrochlorothiazide", "cholecystectomy"]


class PhiRecognizer:
    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        words = [Word(f" {w}", i * 0.5, i * 0.5 + 0.4, 0.9) for i, w in enumerate(SPOKEN)]
        yield Segment(0.0, 2.0, " ".join(SPOKEN), words)


def _wav() -> bytes:
    out = io.BytesIO()
    soundfile.write(out, np.zeros(16000, dtype=np.float32), 16000, format="WAV")
    return out.getvalue()


def _scan(root: Path) -> list[tuple[str, str]]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            hits += [(path.name, w) for w in SPOKEN if w.lower().encode() in data]
    return hits


def test_transcribed_job_is_sealed_end_to_end_and_delete_shreds_it(tmp_path: Path) -> None:
    root = tmp_path / "data"
    db = SqliteDatabase(root / "clinscribe.sqlite3")
    sealer = Sealer(LocalKeyring(root / "keyring.json"), open_data_keys(db))
    buckets = SealedBuckets(LocalBuckets(root / "buckets", "http://127.0.0.1:1"), sealer)
    store = SealedJobStore(SqliteExpiringJobStore(db), sealer)
    buckets(ACCOUNT).put("media-bucket", "visit.wav", _wav())
    request = {"MedicalTranscriptionJobName": "visit", "LanguageCode": "en-US", "Specialty": "PRIMARYCARE",
               "Type": "DICTATION", "Media": {"MediaFileUri": "s3://media-bucket/visit.wav"},
               "OutputBucketName": "out-bucket"}
    store.create(JobRecord(ACCOUNT, "visit", request, creation_time=time.time()), max_active=10)
    job = store.claim_next(time.time(), "w", 60)
    assert job is not None
    finished = JobRunner(PhiRecognizer(), buckets).run(job)
    assert finished.status == "COMPLETED", finished.failure_reason
    assert store.finish(finished, "w")

    transcript = buckets(ACCOUNT).get("out-bucket", "medical/visit.json")
    assert all(w.encode() in transcript for w in SPOKEN)  # the words are there, sealed
    assert _scan(root) == []

    output = root / "buckets" / ACCOUNT / "out-bucket" / "medical" / "visit.json"
    copy = tmp_path / "stolen.json"
    shutil.copy(output, copy)
    JobService(store, buckets, JobLimits()).delete(ACCOUNT, "visit")
    assert not output.exists() and store.get(ACCOUNT, "visit") is None
    with pytest.raises(Shredded):
        sealer.open("object", "out-bucket/medical/visit.json", ACCOUNT, copy.read_bytes())
    assert _scan(root) == []
