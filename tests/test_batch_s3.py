"""An S3-compatible endpoint (moto_server on loopback) for media in and transcripts out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import MOTO_ENV, Server, moto_client, start_job, start_server, wait_for_job


@pytest.fixture(scope="module")
def s3_backed(tmp_path_factory: pytest.TempPathFactory, moto_url: str) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("s3"), CLINSCRIBE_S3_ENDPOINT_URL=moto_url, **MOTO_ENV)
    yield server
    server.stop()


def test_media_from_s3_and_transcript_to_s3(s3_backed: Server, moto_url: str, fixtures_dir: Path) -> None:
    s3 = moto_client(moto_url)
    s3.create_bucket(Bucket="hospital-media")
    s3.create_bucket(Bucket="hospital-transcripts")
    s3.put_object(Bucket="hospital-media", Key="visits/2026/en-gb.ogg",
                  Body=(fixtures_dir / "audio" / "en-gb.ogg").read_bytes())
    client = s3_backed.client("transcribe")
    start_job(client, "from-s3", "s3://hospital-media/visits/2026/en-gb.ogg", OutputBucketName="hospital-transcripts",
              OutputKey="out/")
    job = wait_for_job(client, "from-s3")
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    assert job["Transcript"]["TranscriptFileUri"] == f"{moto_url}/hospital-transcripts/out/from-s3.json"
    document = json.loads(s3.get_object(Bucket="hospital-transcripts", Key="out/from-s3.json")["Body"].read())
    assert "my name is" in document["results"]["transcripts"][0]["transcript"].lower()
    # Nothing was written to local buckets.
    assert not (s3_backed.data_dir / "buckets").exists() or not any((s3_backed.data_dir / "buckets").rglob("*.json"))


def test_missing_s3_object_and_bucket_fail_the_job(s3_backed: Server, moto_url: str, short_clip: bytes) -> None:
    s3 = moto_client(moto_url)
    s3.create_bucket(Bucket="media-two")
    client = s3_backed.client("transcribe")
    start_job(client, "no-object", "s3://media-two/absent.wav", OutputBucketName="hospital-transcripts")
    job = wait_for_job(client, "no-object")
    assert job["TranscriptionJobStatus"] == "FAILED"
    assert "doesn't point to an S3 object" in job["FailureReason"]
    s3.put_object(Bucket="media-two", Key="short.wav", Body=short_clip)
    start_job(client, "no-output-bucket", "s3://media-two/short.wav", OutputBucketName="bucket-that-is-absent")
    job = wait_for_job(client, "no-output-bucket")
    assert job["TranscriptionJobStatus"] == "FAILED"
    assert "couldn't be written" in job["FailureReason"]
