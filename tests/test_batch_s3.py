"""An S3-compatible endpoint (moto_server on loopback) for media in and transcripts out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.harness import Server, start_job, start_server, wait_for_job

S3_ENV = {"AWS_ACCESS_KEY_ID": "moto-key", "AWS_SECRET_ACCESS_KEY": "moto-secret", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_backed(tmp_path_factory: pytest.TempPathFactory, moto_url: str) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("s3"), CLINSCRIBE_S3_ENDPOINT_URL=moto_url, **S3_ENV)
    yield server
    server.stop()


def _moto(moto_url: str) -> Any:
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id="moto-key",
                        aws_secret_access_key="moto-secret", config=Config(s3={"addressing_style": "path"}))


def test_media_from_s3_and_transcript_to_s3(s3_backed: Server, moto_url: str, fixtures_dir: Path) -> None:
    s3 = _moto(moto_url)
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
    s3 = _moto(moto_url)
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
