"""Scale-out on one machine: PostgreSQL (127.0.0.1:5432) and moto S3, two API and three worker processes."""

from __future__ import annotations

import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.harness import MOTO_ENV, Server, moto_client, start_job, start_server, wait_for_job
from tests.pg import fresh_schema


def test_two_api_three_workers_fifty_jobs_exactly_once(tmp_path: Path, moto_url: str, short_clip: bytes) -> None:
    s3 = moto_client(moto_url)
    s3.create_bucket(Bucket="scale-media")
    s3.create_bucket(Bucket="scale-out")
    s3.put_object(Bucket="scale-media", Key="clip.wav", Body=short_clip)
    with fresh_schema() as database_url:
        # One keyring for all: every process must open what any other sealed.
        env = {**MOTO_ENV, "CLINSCRIBE_DATABASE_URL": database_url, "CLINSCRIBE_S3_ENDPOINT_URL": moto_url,
               "CLINSCRIBE_KEYRING_PATH": str(tmp_path / "keyring.json"), "CLINSCRIBE_CPU_THREADS": "1",
               "CLINSCRIBE_LEASE_SECONDS": "6"}
        servers: list[Server] = []
        try:
            apis = [start_server(tmp_path / f"api-{i}", "--role", "api", **env) for i in range(2)]
            servers += apis
            workers = [start_server(tmp_path / f"worker-{i}", "--role", "worker", **env) for i in range(3)]
            servers += workers
            clients = [api.client("transcribe") for api in apis]
            names = [f"scale-{i:02d}" for i in range(50)]
            for index, name in enumerate(names):
                start_job(clients[index % 2], name, "s3://scale-media/clip.wav", OutputBucketName="scale-out")
            # Kill one worker mid-job: its lease lapses and another worker finishes the job.
            deadline = time.monotonic() + 60
            while not any(clients[0].get_medical_transcription_job(MedicalTranscriptionJobName=n)[
                    "MedicalTranscriptionJob"]["TranscriptionJobStatus"] == "IN_PROGRESS" for n in names[:6]):
                assert time.monotonic() < deadline
                time.sleep(0.1)
            workers[0].stop(signal.SIGKILL)
            jobs = [wait_for_job(clients[i % 2], name, timeout=600) for i, name in enumerate(names)]
            assert [j["TranscriptionJobStatus"] for j in jobs] == ["COMPLETED"] * 50, [
                j.get("FailureReason") for j in jobs if j["TranscriptionJobStatus"] != "COMPLETED"]
            keys = {o["Key"] for o in s3.list_objects_v2(Bucket="scale-out", MaxKeys=1000).get("Contents", [])}
            assert keys == {f"medical/{name}.json" for name in names}
            # Each API process sees every job; the API processes loaded no model and run no jobs.
            listed = clients[1].list_medical_transcription_jobs(MaxResults=100, JobNameContains="scale-")
            assert len(listed["MedicalTranscriptionJobSummaries"]) == 50
            with urllib.request.urlopen(f"{workers[1].url}/ready", timeout=5) as response:
                assert response.status == 200
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{workers[1].url}/", data=b"{}", timeout=5)
            # Exactly once: only the job the killed worker held was run a second time.
            with psycopg.connect(database_url) as conn:
                rerun = conn.execute("SELECT count(*) FROM jobs WHERE attempts > 1").fetchone()
            assert rerun is not None and rerun[0] <= 1
        finally:
            for server in servers:
                server.stop()
