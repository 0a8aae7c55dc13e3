"""Batch pipeline figures: real-time factor, WER on the dev set, peak RSS, Get/List latency under load.

Runs a real server (plain HTTP on 127.0.0.1, a temporary data directory), submits the dev set
(synthetic medical dictation in several espeak-ng voices, plus the real-speech fixtures) as
jobs through boto3, and prints figures against the targets of the batch issue:
RTF <= 0.15, RSS <= 1.5 GB, Get/List p99 <= 10 ms at 100 requests/s.

    .venv/bin/python -m bench.batch [--limit N] [--rate 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import jiwer
import soundfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.devset import build_dictations  # noqa: E402
from tests.harness import fetch_transcript, put_media, start_job, start_server, wait_for_job  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "audio"
REAL_SPEECH = {
    "en-gb.wav": "Hello, my name is Stephen Fry, I was born in London and I've been in the entertainment business "
    "since, well, I suppose about 1981.",
    "jfk.flac": "And so my fellow Americans, ask not what your country can do for you, ask what you can do for "
    "your country.",
}
_TEXT = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(), jiwer.Strip(),
                       jiwer.ReduceToListOfListOfWords()])


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _corpus(limit: int | None) -> list[tuple[str, Path, str, float]]:
    """(id, audio path, reference transcript, duration) for every item of the dev set."""
    items = [(d.dictation.id, d.path, d.dictation.reference, d.duration) for d in build_dictations()]
    items = items[:limit] if limit else items
    for name, reference in REAL_SPEECH.items():
        items.append((name.replace(".", "-"), FIXTURES / name, reference, soundfile.info(FIXTURES / name).duration))
    return items


def _signed_calls(server: Any, names: list[str]) -> list[tuple[bytes, dict[str, str]]]:
    """Get and List requests signed once up front: a SigV4 signature stays valid for 5 minutes, so replaying
    them measures the server, not boto3's per-call signing and parsing (several ms of client CPU each)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from tests.harness import KEY_ID, SECRET

    signer = SigV4Auth(Credentials(KEY_ID, SECRET), "transcribe", "us-east-1")
    calls = []
    for index, name in enumerate(names):
        operation, body = (("ListMedicalTranscriptionJobs", {"MaxResults": 20}) if index % 2 else
                           ("GetMedicalTranscriptionJob", {"MedicalTranscriptionJobName": name}))
        request = AWSRequest(method="POST", url=server.url + "/", data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": f"Transcribe.{operation}"})
        signer.add_auth(request)
        calls.append((request.body, dict(request.prepare().headers)))
    return calls


def _latency(server: Any, names: list[str], rate: float, seconds: float, threads: int = 4) -> list[float]:
    """Paced Get and List calls over keep-alive connections from several threads; latency of each in ms."""
    import http.client

    calls = _signed_calls(server, names)
    samples: list[float] = []
    lock = threading.Lock()
    interval = threads / rate

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        local: list[float] = []
        deadline = time.monotonic() + seconds
        next_at = time.monotonic() + offset * interval / threads
        count = offset
        while time.monotonic() < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            body, headers = calls[count % len(calls)]
            began = time.perf_counter()
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            local.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                raise RuntimeError(f"Get/List answered {response.status}")
            count += 1
            next_at += interval
        connection.close()
        with lock:
            samples.extend(local)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return samples


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="use only the first N dictations")
    parser.add_argument("--rate", type=float, default=100.0, help="Get/List requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the latency run")
    args = parser.parse_args()

    corpus = _corpus(args.limit)
    with tempfile.TemporaryDirectory(prefix="clinscribe-bench-") as tmp:
        server = start_server(Path(tmp) / "data")
        try:
            client, s3 = server.client("transcribe"), server.client("s3")
            for ident, path, _, _ in corpus:
                put_media(server, path, f"s3://bench-media/{ident}{path.suffix}")
            began = time.monotonic()
            for ident, path, _, _ in corpus:
                start_job(client, ident, f"s3://bench-media/{ident}{path.suffix}")
            jobs = {ident: wait_for_job(client, ident, timeout=3600) for ident, *_ in corpus}
            wall = time.monotonic() - began
            audio_s = sum(duration for *_, duration in corpus)
            refs, hyps, failed = [], [], []
            per_job_rtf = []
            for ident, _, reference, duration in corpus:
                job = jobs[ident]
                if job["TranscriptionJobStatus"] != "COMPLETED":
                    failed.append(ident)
                    continue
                text = fetch_transcript(s3, job)["results"]["transcripts"][0]["transcript"]
                refs.append(reference)
                hyps.append(text)
                per_job_rtf.append((job["CompletionTime"] - job["StartTime"]).total_seconds() / duration)
            measures = jiwer.process_words(refs, hyps, reference_transform=_TEXT, hypothesis_transform=_TEXT)
            synthetic = [i for i, (ident, *_) in enumerate(corpus) if ident not in ("en-gb-wav", "jfk-flac")]
            synthetic_wer = jiwer.wer([refs[i] for i in synthetic if i < len(refs)],
                                      [hyps[i] for i in synthetic if i < len(hyps)],
                                      reference_transform=_TEXT, hypothesis_transform=_TEXT)
            latencies = _latency(server, list(jobs), args.rate, args.seconds)
            rss = _peak_rss_mb(server.process.pid)
        finally:
            server.stop()

    report = {
        "items": len(corpus),
        "failed": failed,
        "audio_seconds": round(audio_s, 1),
        "rtf_wall": round(wall / audio_s, 3),
        "rtf_per_job_median": round(statistics.median(per_job_rtf), 3),
        "wer_all": round(measures.wer, 3),
        "wer_synthetic_dictation": round(synthetic_wer, 3),
        "peak_rss_mb": round(rss, 0),
        "get_list_requests": len(latencies),
        "get_list_achieved_rps": round(len(latencies) / args.seconds, 1),
        "get_list_p50_ms": round(_percentile(latencies, 50), 2),
        "get_list_p99_ms": round(_percentile(latencies, 99), 2),
    }
    print(json.dumps(report, indent=2))
    print(f"targets: RTF <= 0.15 ({report['rtf_wall']}), RSS <= 1536 MB ({report['peak_rss_mb']}), "
          f"Get/List p99 <= 10 ms at {args.rate:.0f}/s ({report['get_list_p99_ms']})")


if __name__ == "__main__":
    main()
