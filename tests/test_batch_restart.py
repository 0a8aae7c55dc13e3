"""Jobs survive the server: killed mid-job, restarted, each job completes exactly once."""

from __future__ import annotations

import io
import signal
import time
from pathlib import Path

import numpy as np
import soundfile

from tests.harness import fetch_transcript, put_media, start_job, start_server, wait_for_job


def _long_clip(fixtures_dir: Path, repeats: int = 3) -> bytes:
    audio, rate = soundfile.read(fixtures_dir / "audio" / "jfk.flac")
    out = io.BytesIO()
    soundfile.write(out, np.concatenate([audio] * repeats), rate, format="FLAC")
    return out.getvalue()


def test_killed_mid_job_then_restarted(tmp_path: Path, fixtures_dir: Path, short_clip: bytes) -> None:
    data_dir = tmp_path / "restart"
    server = start_server(data_dir)
    client = server.client("transcribe")
    put_media(server, short_clip, "s3://clinscribe-media/done.wav")
    start_job(client, "done-before", "s3://clinscribe-media/done.wav")
    finished = wait_for_job(client, "done-before")
    assert finished["TranscriptionJobStatus"] == "COMPLETED"

    put_media(server, _long_clip(fixtures_dir), "s3://clinscribe-media/long.flac")
    put_media(server, short_clip, "s3://clinscribe-media/short.wav")
    start_job(client, "interrupted", "s3://clinscribe-media/long.flac")
    start_job(client, "queued-behind", "s3://clinscribe-media/short.wav")
    deadline = time.monotonic() + 60
    while client.get_medical_transcription_job(MedicalTranscriptionJobName="interrupted")[
        "MedicalTranscriptionJob"
    ]["TranscriptionJobStatus"] != "IN_PROGRESS":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1.0)
    server.stop(signal.SIGKILL)

    server = start_server(data_dir, port=server.port)
    try:
        client = server.client("transcribe")
        for name in ("interrupted", "queued-behind"):
            job = wait_for_job(client, name)
            assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
        text = fetch_transcript(server.client("s3"), job)["results"]["transcripts"][0]["transcript"]
        assert "my name is" in text.lower()
        again = client.get_medical_transcription_job(MedicalTranscriptionJobName="done-before")
        # Completed work is neither lost nor run again.
        assert again["MedicalTranscriptionJob"]["CompletionTime"] == finished["CompletionTime"]
        names = [j["MedicalTranscriptionJobName"] for j in
                 client.list_medical_transcription_jobs(MaxResults=100)["MedicalTranscriptionJobSummaries"]]
        assert sorted(names) == ["done-before", "interrupted", "queued-behind"]
        long_doc = fetch_transcript(server.client("s3"), wait_for_job(client, "interrupted"))
        assert long_doc["results"]["transcripts"][0]["transcript"].lower().count("ask not") >= 3
    finally:
        server.stop()


def test_graceful_stop_keeps_queued_jobs(tmp_path: Path, short_clip: bytes) -> None:
    data_dir = tmp_path / "graceful"
    server = start_server(data_dir, CLINSCRIBE_WORKERS="0")
    client = server.client("transcribe")
    put_media(server, short_clip, "s3://clinscribe-media/q.wav")
    start_job(client, "waiting", "s3://clinscribe-media/q.wav")
    server.stop()
    server = start_server(data_dir, port=server.port)
    try:
        job = wait_for_job(server.client("transcribe"), "waiting")
        assert job["TranscriptionJobStatus"] == "COMPLETED"
    finally:
        server.stop()


