"""Every API call leaves an audit entry at the edge (ids and outcomes only), and the chain verifies."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from audit.entry import SUCCESS
from tests.harness import ACCOUNT, CLINSCRIBE, KEY_ID, Server, raw_call, start_job


def _query(server: Server, *args: str) -> list[dict[str, Any]]:
    result = subprocess.run([str(CLINSCRIBE), "audit", "query", "--data-dir", str(server.data_dir), *args],
                            env=server.env, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_api_calls_are_audited(server: Server, transcribe: Any) -> None:
    start_job(transcribe, "audited-job", "s3://clinscribe-media/absent.wav")
    raw_call(server, "ListMedicalTranscriptionJobs", {}, key_id="CLINUNKNOWNKEY000000")
    raw_call(server, "StartMedicalTranscriptionJob", {"MedicalTranscriptionJobName": "bad name"})
    starts = _query(server, "--action", "StartMedicalTranscriptionJob", "--account", ACCOUNT)
    mine = [e for e in starts if e["resource"] == "medical-transcription-job/audited-job"]
    assert len(mine) == 1
    assert mine[0]["outcome"] == SUCCESS
    assert mine[0]["actor"] == KEY_ID and mine[0]["source_address"] == "127.0.0.1" and mine[0]["request_id"]
    refused = _query(server, "--outcome", "UnrecognizedClientException")
    assert refused and refused[-1]["account_id"] == "unauthenticated"
    assert any(e["outcome"] == "BadRequestException" for e in starts)
    verify = subprocess.run([str(CLINSCRIBE), "audit", "verify", "--data-dir", str(server.data_dir)],
                            env=server.env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The log carries ids, not content: the media URI of the job is nowhere in it.
    text = "".join(p.read_text() for p in (server.data_dir / "audit").glob("*.jsonl"))
    assert "absent.wav" not in text
