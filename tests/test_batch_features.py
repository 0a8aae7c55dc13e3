"""Speaker labels, channel identification, alternatives and PHI identification through jobs."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from bench.synth import conversation, synthesize
from tests.harness import Server, fetch_transcript, put_media, start_job, wait_for_job


def _wav(audio: np.ndarray, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, audio, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def _job(transcribe: Any, server: Server, media: bytes | Path, **extra: Any) -> dict[str, Any]:
    name = f"feature-{uuid.uuid4().hex[:10]}"
    put_media(server, media, f"s3://clinscribe-media/features/{name}.wav")
    start_job(transcribe, name, f"s3://clinscribe-media/features/{name}.wav", **extra)
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    return job


def test_channel_identification_gives_each_channel_its_text(transcribe: Any, s3: Any, server: Server,
                                                             fixtures_dir: Path) -> None:
    job = _job(transcribe, server, fixtures_dir / "audio" / "stereo_diarization.wav",
               Settings={"ChannelIdentification": True})
    results = fetch_transcript(s3, job)["results"]
    labels = results["channel_labels"]
    assert labels["number_of_channels"] == 2
    texts = {c["channel_label"]: " ".join(i["alternatives"][0]["content"] for i in c["items"]).lower()
             for c in labels["channels"]}
    assert "wizard" in texts["ch_0"] and "curtain" in texts["ch_0"]
    assert "horizon" in texts["ch_1"] and "distant" in texts["ch_1"]
    starts = [float(i["start_time"]) for i in results["items"] if i["type"] == "pronunciation"]
    assert starts == sorted(starts)


def test_more_than_two_channels_fails_clearly(transcribe: Any, server: Server) -> None:
    audio = np.zeros((16000, 3), dtype=np.float32)
    audio[:, 0] = 0.1 * np.sin(np.arange(16000) / 7)
    name = f"three-{uuid.uuid4().hex[:8]}"
    put_media(server, _wav(audio), f"s3://clinscribe-media/features/{name}.wav")
    start_job(transcribe, name, f"s3://clinscribe-media/features/{name}.wav", Settings={"ChannelIdentification": True})
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "FAILED" and "at most 2 channels" in job["FailureReason"]


def test_speaker_labels_separate_two_voices(transcribe: Any, s3: Any, server: Server) -> None:
    turns = [("doctor", "Good morning, what brings you in today?"),
             ("patient", "I have had a cough and a mild fever for three days."),
             ("doctor", "Any shortness of breath or chest pain?"),
             ("patient", "No, just tired and a sore throat.")]
    audio, placed = conversation(turns, {"doctor": "en-us", "patient": "en-us+f2"})
    job = _job(transcribe, server, _wav(audio), Settings={"ShowSpeakerLabels": True, "MaxSpeakerLabels": 3})
    results = fetch_transcript(s3, job)["results"]
    labels = results["speaker_labels"]
    assert labels["speakers"] == 2
    by_turn = []
    for turn in placed:
        middle = (turn.start + turn.end) / 2
        segment = next(s for s in labels["segments"]
                       if float(s["start_time"]) <= middle <= float(s["end_time"]))
        by_turn.append(segment["speaker_label"])
    assert by_turn[0] == by_turn[2] and by_turn[1] == by_turn[3] and by_turn[0] != by_turn[1]
    assert all(i.get("speaker_label", "").startswith("spk_") for i in results["items"] if i["type"] == "pronunciation")


def test_alternatives_are_distinct_ordered_and_bounded(transcribe: Any, s3: Any, server: Server,
                                                       short_clip: bytes) -> None:
    job = _job(transcribe, server, short_clip, Settings={"ShowAlternatives": True, "MaxAlternatives": 3})
    results = fetch_transcript(s3, job)["results"]
    assert results["segments"]
    for segment in results["segments"]:
        alternatives = segment["alternatives"]
        assert 1 <= len(alternatives) <= 3
        texts = [a["transcript"].lower().strip(".,?! ") for a in alternatives]
        assert len(set(texts)) == len(texts)
    first = " ".join(s["alternatives"][0]["transcript"] for s in results["segments"])
    assert first.split() == results["transcripts"][0]["transcript"].split()


def test_phi_entities_and_opt_in_redaction(transcribe: Any, s3: Any, server: Server) -> None:
    audio = synthesize("The patient's name is John Smith. He lives in Boston.", "en-us")
    job = _job(transcribe, server, _wav(audio), ContentIdentificationType="PHI",
               Tags=[{"Key": "clinscribe:redaction", "Value": "PHI"}])
    assert job["ContentIdentificationType"] == "PHI"
    results = fetch_transcript(s3, job)["results"]
    names = [e for e in results["entities"] if e["category"] == "PHI-Personal" and e["type"] == "NAME"]
    assert names and "Smith" in names[0]["content"]
    assert all(e["startTime"] <= e["endTime"] for e in results["entities"])
    bucket, key = job["Transcript"]["TranscriptFileUri"].split("/", 4)[3:]
    redacted = s3.get_object(Bucket=bucket, Key=key.replace(".json", ".redacted.json"))["Body"].read().decode()
    assert "[PHI]" in redacted and "Smith" not in redacted and "Boston" not in redacted
    # PHI never reaches the server's log.
    log = server.log()
    assert "Smith" not in log and "Boston" not in log
