"""Vocabularies and specialties in batch jobs: a vocabulary changes the words a job produces, and every
specialty runs."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile

from bench.synth import synthesize
from tests.harness import Server, fetch_transcript, start_job, start_server, wait_for_job

# The base model hears the drug as "case entry" (found by trying brand names on espeak-ng's en-us voice).
SENTENCE = "The patient received Kcentra for warfarin reversal before surgery."
VOCABULARY = "Phrase\tIPA\tSoundsLike\tDisplayAs\nkcentra\t\tkay-sen-tra\tKCENTRA\n"
SPECIALTIES = ("PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    media = tmp_path_factory.mktemp("vocab-jobs-media")
    srv = start_server(tmp_path_factory.mktemp("vocab-jobs-server"), CLINSCRIBE_MEDIA_ROOT=str(media))
    yield srv
    srv.stop()


def _file(server: Server, data: bytes, suffix: str) -> str:
    path = Path(server.env["CLINSCRIBE_MEDIA_ROOT"]) / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(data)
    return f"file://{path}"


def _wav(audio: Any) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, audio, 16000, format="WAV", subtype="PCM_16")
    return out.getvalue()


def _transcript(server: Server, name: str) -> str:
    job = wait_for_job(server.client("transcribe"), name)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    text: str = fetch_transcript(server.client("s3"), job)["results"]["transcripts"][0]["transcript"]
    return text


def _ready(transcribe: Any, name: str) -> None:
    deadline = time.monotonic() + 30
    while transcribe.get_medical_vocabulary(VocabularyName=name)["VocabularyState"] == "PENDING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert transcribe.get_medical_vocabulary(VocabularyName=name)["VocabularyState"] == "READY"


def test_a_vocabulary_writes_a_term_the_model_misses(server: Server) -> None:
    transcribe = server.client("transcribe")
    media = _file(server, _wav(synthesize(SENTENCE, "en-us")), ".wav")
    vocabulary = f"drugs-{uuid.uuid4().hex[:8]}"
    transcribe.create_medical_vocabulary(
        VocabularyName=vocabulary, LanguageCode="en-US", VocabularyFileUri=_file(server, VOCABULARY.encode(), ".txt")
    )
    _ready(transcribe, vocabulary)
    plain, tuned = f"plain-{uuid.uuid4().hex[:8]}", f"tuned-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, plain, media)
    started = start_job(transcribe, tuned, media, Settings={"VocabularyName": vocabulary})
    assert started["Settings"] == {"VocabularyName": vocabulary}
    without = _transcript(server, plain)
    with_vocabulary = _transcript(server, tuned)
    assert "kcentra" not in without.lower()
    assert "KCENTRA" in with_vocabulary.split()
    for word in ("patient", "received", "reversal", "surgery"):
        assert word in with_vocabulary.lower()


def test_a_job_fails_when_its_vocabulary_is_deleted_before_it_runs(server: Server) -> None:
    transcribe = server.client("transcribe")
    vocabulary = f"gone-{uuid.uuid4().hex[:8]}"
    transcribe.create_medical_vocabulary(
        VocabularyName=vocabulary, LanguageCode="en-US", VocabularyFileUri=_file(server, VOCABULARY.encode(), ".txt")
    )
    _ready(transcribe, vocabulary)
    # A long job first keeps the worker busy, so the vocabulary goes before the second job starts.
    busy = f"busy-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, busy, _file(server, _wav(synthesize(SENTENCE, "en-us")), ".wav"))
    name = f"orphan-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, name, _file(server, _wav(synthesize("Short.", "en-us")), ".wav"),
              Settings={"VocabularyName": vocabulary})
    transcribe.delete_medical_vocabulary(VocabularyName=vocabulary)
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "FAILED"
    assert job["FailureReason"].startswith("The requested vocabulary couldn't be found.")
    wait_for_job(transcribe, busy)


@pytest.mark.parametrize("specialty", SPECIALTIES)
def test_every_specialty_runs_as_a_batch_job(server: Server, short_clip: bytes, specialty: str) -> None:
    transcribe = server.client("transcribe")
    name = f"{specialty.lower()}-{uuid.uuid4().hex[:8]}"
    started = start_job(transcribe, name, _file(server, short_clip, ".wav"), Specialty=specialty)
    assert started["Specialty"] == specialty
    text = _transcript(server, name)
    assert "name" in text.lower()


def test_unknown_specialty_is_refused(server: Server, short_clip: bytes) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        start_job(server.client("transcribe"), f"x-{uuid.uuid4().hex[:8]}", _file(server, short_clip, ".wav"),
                  Specialty="DERMATOLOGY")
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
