"""Synthetic medical dictation (espeak-ng, several voices) through jobs: written in the guide's conventions."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
import soundfile

from bench.synth import synthesize
from tests.harness import Server, fetch_transcript, put_media, start_job, wait_for_job

DICTATIONS = [
    ("en-us", "The blood pressure was one hundred twenty over eighty.", ["BP", "120/80"]),
    ("en-gb-x-rp+m7", "Blood pressure is one thirty over eighty five.", ["BP", "130/85"]),
    ("en-us+f2", "Start lisinopril ten milligrams once daily.", ["10 mg"]),
    ("en-us+f3", "The temperature was thirty eight point five degrees Celsius.", ["38.5 C"]),
]

def _wav(text: str, voice: str) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, synthesize(text, voice), 16000, format="WAV", subtype="PCM_16")
    return out.getvalue()


@pytest.mark.parametrize(("voice", "spoken", "expected"), DICTATIONS, ids=[d[0] for d in DICTATIONS])
def test_dictation_is_written_in_medical_conventions(transcribe: Any, s3: Any, server: Server, voice: str,
                                                     spoken: str, expected: list[str]) -> None:
    name = f"dictation-{uuid.uuid4().hex[:8]}"
    put_media(server, _wav(spoken, voice), f"s3://clinscribe-media/{name}.wav")
    start_job(transcribe, name, f"s3://clinscribe-media/{name}.wav")
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    document = fetch_transcript(s3, job)
    text = document["results"]["transcripts"][0]["transcript"]
    for written in expected:
        assert written in text, text
    # A merged token ("120/80") is one item spanning its words, with times that never run backwards.
    words = [i for i in document["results"]["items"] if i["type"] == "pronunciation"]
    ends = [float(i["end_time"]) for i in words]
    assert ends == sorted(ends)
    assert all(float(i["start_time"]) <= float(i["end_time"]) for i in words)
