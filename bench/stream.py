"""Streaming latency end to end: N concurrent WebSocket streams at real-time pace against a server.

Each stream is a real client (presigned URL, AudioEvent frames of 100 ms sent every 100 ms) playing
dev-set dictations (synthetic medical speech, bench/devset.py) back to back with 1 s pauses; the
server is started here (plain HTTP, temporary data dir) unless --url points at one. Printed per N:
- partial latency: a word's audio sent -> the first partial of its segment that contains the word;
- final latency: the segment's last word sent -> its final result (includes the 0.5 s pause the
  VAD needs to end a segment), and the same after that pause ("after segment end");
p50/p95 of each, and the largest N whose final p95 is at most 2 s.
--decode-timings also prints how long single partial and final decodes take in this process.
Targets (issue 4, 2 cores, base model): N >= 2, final p95 <= 1.5 s at N = 1.
Run: .venv/bin/python bench/stream.py [--streams 1 2 3] [--clips 4] [--device cpu|cuda] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.devset import build_dictations
from tests.harness import KEY_ID, SECRET, Server, start_server
from tests.stream_client import pcm_frames, presign, stream_params, websocket_stream

RATE = 16_000
CHUNK_S = 0.1
SEGMENT_END_PAUSE_S = 0.5  # medical.streaming.StreamConfig.min_silence_s


def _clips(count: int) -> list[bytes]:
    import soundfile

    clips = []
    for rendered in build_dictations()[:count]:
        audio, rate = soundfile.read(str(rendered.path), dtype="int16")
        assert rate == RATE, rendered.path
        clips.append(audio.tobytes())
    return clips


def _program(clips: list[bytes], offset: int) -> bytes:
    pause = np.zeros(RATE, dtype="<i2").tobytes()
    order = clips[offset % len(clips) :] + clips[: offset % len(clips)]
    return b"".join(clip + pause for clip in order)


def _latencies(timeline: list[tuple[float, float, dict[str, Any]]]) -> tuple[list[float], list[float]]:
    partial, final = [], []
    for arrived, _sent, result in timeline:
        if result["IsPartial"]:
            continue
        spoken = [i for i in result["Alternatives"][0]["Items"] if i["Type"] == "pronunciation"]
        if not spoken:
            continue
        # Audio goes out in real time from t = 0, so a word's audio is sent at wall time == its EndTime.
        final.append(arrived - spoken[-1]["EndTime"])
        partials = [(a, r) for a, _, r in timeline if r["IsPartial"] and r["ResultId"] == result["ResultId"]]
        for word in spoken:
            first = next(
                (a for a, r in partials
                 if any(i["Content"].lower() == word["Content"].lower() for i in r["Alternatives"][0]["Items"])),
                arrived,
            )
            partial.append(first - word["EndTime"])
    return partial, final


async def _streams(url: str, key_id: str, secret: str, program: list[bytes]) -> list[Any]:
    async def one(audio: bytes) -> Any:
        return await websocket_stream(
            presign(url, stream_params(), key_id=key_id, secret=secret),
            pcm_frames(audio, CHUNK_S), pace_s=CHUNK_S, frame_audio_s=CHUNK_S, linger_s=len(audio) / RATE / 2 + 600,
        )

    return await asyncio.gather(*(one(audio) for audio in program))


def _start_server(args: argparse.Namespace) -> Server:
    data_dir = Path(tempfile.mkdtemp(prefix="clinscribe-bench-")) / "data"
    return start_server(
        data_dir,
        CLINSCRIBE_DEVICE=args.device,
        CLINSCRIBE_COMPUTE_TYPE=args.compute_type,
    )


def _decode_timings(args: argparse.Namespace, clips: list[bytes]) -> None:
    from dataclasses import replace

    from medical.recognizer import DecodeOptions
    from medical.whisper_engine import EngineConfig, WhisperRecognizer

    recognizer = WhisperRecognizer(EngineConfig(device=args.device, compute_type=args.compute_type))
    audio = np.frombuffer(clips[0], dtype="<i2").astype(np.float32) / 32768
    base = DecodeOptions(vad_filter=False)
    list(recognizer.transcribe(audio[: RATE], base))  # warm-up
    for seconds in (2, 5, 10):
        segment = audio[: int(seconds * RATE)]
        for label, options in (("partial (beam 1)", replace(base, beam_size=1)), ("final (beam 5)", base)):
            started = time.perf_counter()
            list(recognizer.transcribe(segment, options))
            print(f"decode {seconds:>2} s of audio, {label}: {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--clips", type=int, default=4, help="dev-set dictations per stream")
    parser.add_argument("--url", help="a running server (plain http); default: start one")
    parser.add_argument("--key-id", default=KEY_ID)
    parser.add_argument("--secret", default=SECRET)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--decode-timings", action="store_true")
    args = parser.parse_args()
    clips = _clips(args.clips)
    if args.decode_timings:
        _decode_timings(args, clips)
    server = None if args.url else _start_server(args)
    url = args.url or server.url  # type: ignore[union-attr]
    try:
        seconds = sum(len(c) for c in clips) / 2 / RATE + args.clips
        print(f"server {url}, {args.clips} dictations per stream ({seconds:.0f} s), "
              f"device {args.device}/{args.compute_type}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        # One short stream first: the server loads its stream engine on the first one.
        asyncio.run(_streams(url, args.key_id, args.secret, [clips[0][: RATE * 2]]))
        best = 0
        for n in args.streams:
            replies = asyncio.run(_streams(url, args.key_id, args.secret, [_program(clips, i) for i in range(n)]))
            partial: list[float] = []
            final: list[float] = []
            errors = [e for r in replies for e in r.exceptions]
            for reply in replies:
                p, f = _latencies(reply.timeline)
                partial += p
                final += f
            p50, p95 = np.percentile(partial, [50, 95]) if partial else (float("nan"),) * 2
            f50, f95 = np.percentile(final, [50, 95]) if final else (float("nan"),) * 2
            print(
                f"N={n}: partial latency p50 {p50:.2f} s p95 {p95:.2f} s | final latency p50 {f50:.2f} s "
                f"p95 {f95:.2f} s (after segment end: p50 {f50 - SEGMENT_END_PAUSE_S:.2f} s "
                f"p95 {f95 - SEGMENT_END_PAUSE_S:.2f} s) | finals {len(final)} | errors {errors or 'none'}"
            )
            if f95 <= 2.0 and not errors:
                best = n
        print(f"largest N with final p95 <= 2 s: {best}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
