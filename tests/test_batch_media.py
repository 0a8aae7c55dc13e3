"""Every container the guide lists, through a job; bad media fails its job and nothing else."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
import pytest
import soundfile

from tests.harness import Server, fetch_transcript, put_media, start_job, wait_for_job

ENGB = ["en-gb.wav", "en-gb.flac", "en-gb.mp3", "en-gb.mp4", "en-gb.ogg", "en-gb.webm", "en-gb.amr"]
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def _words(text: str) -> str:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split().__str__()


def _run(transcribe: Any, server: Server, data: bytes | Path, suffix: str, **extra: Any) -> dict[str, Any]:
    name = f"media-{uuid.uuid4().hex[:10]}"
    uri = f"s3://clinscribe-media/media/{name}{suffix}"
    put_media(server, data, uri)
    start_job(transcribe, name, uri, **extra)
    return wait_for_job(transcribe, name)


@pytest.mark.parametrize("filename", ENGB)
def test_every_container_transcribes(transcribe: Any, s3: Any, server: Server, fixtures_dir: Path,
                                     filename: str) -> None:
    job = _run(transcribe, server, fixtures_dir / "audio" / filename, Path(filename).suffix)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    document = fetch_transcript(s3, job)
    text = document["results"]["transcripts"][0]["transcript"]
    assert "my name is" in text.lower()
    items = document["results"]["items"]
    words = [i for i in items if i["type"] == "pronunciation"]
    assert len(words) >= 15
    starts = [float(i["start_time"]) for i in words]
    assert starts == sorted(starts)
    assert all(float(i["start_time"]) <= float(i["end_time"]) for i in words)
    assert all(0.0 <= float(i["alternatives"][0]["confidence"]) <= 1.0 for i in words)
    assert any(i["type"] == "punctuation" and "start_time" not in i for i in items)
    # The transcript is exactly the items joined.
    rebuilt = ""
    for item in items:
        content = item["alternatives"][0]["content"]
        rebuilt += content if item["type"] == "punctuation" or not rebuilt else " " + content
    assert rebuilt == text


def test_jfk_matches_reference(transcribe: Any, s3: Any, server: Server, fixtures_dir: Path) -> None:
    job = _run(transcribe, server, fixtures_dir / "audio" / "jfk.flac", ".flac", MediaFormat="flac",
               MediaSampleRateHertz=44100)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    text = fetch_transcript(s3, job)["results"]["transcripts"][0]["transcript"]
    normalize = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                               jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    errors = jiwer.process_words(JFK, text, reference_transform=normalize, hypothesis_transform=normalize)
    assert errors.substitutions + errors.deletions + errors.insertions <= 1, text
    assert text[0].isupper() and text.endswith(".")


@pytest.mark.parametrize("filename", ["stereo_diarization.wav", "hotwords.mp3"])
def test_other_fixtures_transcribe(transcribe: Any, s3: Any, server: Server, fixtures_dir: Path,
                                   filename: str) -> None:
    job = _run(transcribe, server, fixtures_dir / "audio" / filename, Path(filename).suffix)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    assert len(fetch_transcript(s3, job)["results"]["transcripts"][0]["transcript"].split()) >= 3


def _wav(seconds: float, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    tone = 0.1 * np.sin(np.arange(int(seconds * rate)) * 2 * np.pi * 220 / rate)
    soundfile.write(out, tone.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


FAILURES = [
    ("not audio", b"this is a text file, not audio" * 10, {}, "couldn't be decoded"),
    ("truncated flac", b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, {}, "decoded"),
    ("too short", _wav(0.3), {}, "at least 500 ms"),
    ("declared format differs", _wav(1.0), {"MediaFormat": "mp3"}, "doesn't match the detected media format"),
    ("declared rate differs", _wav(1.0), {"MediaSampleRateHertz": 44100}, "doesn't match the detected sample rate"),
]


@pytest.mark.parametrize(("case", "data", "extra", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_bad_media_fails_the_job_with_a_reason(transcribe: Any, server: Server, case: str, data: bytes,
                                               extra: dict[str, Any], reason: str) -> None:
    job = _run(transcribe, server, data, ".wav", **extra)
    assert job["TranscriptionJobStatus"] == "FAILED"
    assert reason in job["FailureReason"]
    assert "Transcript" not in job or not job["Transcript"]
    assert job["CompletionTime"] >= job["StartTime"]


def test_missing_object_fails_the_job(transcribe: Any) -> None:
    name = f"missing-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, name, "s3://clinscribe-media/nowhere/at-all.wav")
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "FAILED"
    assert "doesn't point to an S3 object" in job["FailureReason"]


def test_worker_survives_bad_media(transcribe: Any, s3: Any, server: Server, short_clip: bytes) -> None:
    bad = _run(transcribe, server, b"\x00" * 5000, ".wav")
    assert bad["TranscriptionJobStatus"] == "FAILED"
    good = _run(transcribe, server, short_clip, ".wav")
    assert good["TranscriptionJobStatus"] == "COMPLETED"
    assert server.process.poll() is None
