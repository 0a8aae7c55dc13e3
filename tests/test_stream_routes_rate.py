"""The sample-rate check streams rely on: real speech at the right rate passes, slowed speech is reported."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from medical.stream_rate import SampleRateCheck, frame_pitch
from tests.stream_client import pcm16


def _as_streamed(pcm: bytes, declared: int) -> np.ndarray:
    """What the server hands the check: the PCM taken at the declared rate, resampled to 16 kHz."""
    samples = np.frombuffer(pcm, dtype="<i2").reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
    frame.sample_rate = declared
    resampler = av.AudioResampler(format="flt", layout="mono", rate=16_000)
    parts = [f.to_ndarray().reshape(-1) for f in [*resampler.resample(frame), *resampler.resample(None)]]
    return np.concatenate(parts)


def _verdict(audio: np.ndarray, declared: int) -> object:
    check = SampleRateCheck(declared)
    found = None
    for start in range(0, len(audio), 1_600):
        found = check.feed(audio[start : start + 1_600]) or found
    return found


@pytest.mark.parametrize(("clip", "recorded", "declared"), [
    ("jfk.flac", 16_000, 16_000), ("jfk.flac", 8_000, 8_000), ("en-gb.wav", 48_000, 48_000),
])
def test_matching_rates_pass(fixtures_dir: Path, clip: str, recorded: int, declared: int) -> None:
    audio = _as_streamed(pcm16(fixtures_dir / "audio" / clip, rate=recorded), declared)
    assert _verdict(audio, declared) is None


@pytest.mark.parametrize(("clip", "recorded"), [("jfk.flac", 48_000), ("en-gb.wav", 44_100)])
def test_slowed_speech_is_reported(fixtures_dir: Path, clip: str, recorded: int) -> None:
    audio = _as_streamed(pcm16(fixtures_dir / "audio" / clip, rate=recorded), 16_000)
    verdict = _verdict(audio, 16_000)
    assert verdict is not None
    assert verdict.likely >= 32_000  # type: ignore[attr-defined]
    assert "16000 Hz" in verdict.describe()  # type: ignore[attr-defined]


def test_tone_is_not_judged_as_wrong_rate() -> None:
    # Strongly voiced but not speech at any rate: no verdict rather than a false alarm.
    t = np.arange(16_000 * 8) / 16_000
    tone = (0.3 * np.sign(np.sin(2 * np.pi * 150 * t))).astype(np.float32)
    assert _verdict(tone, 16_000) is None


def test_frame_pitch_finds_the_fundamental() -> None:
    t = np.arange(1024) / 16_000
    voiced = (np.sin(2 * np.pi * 120 * t) + 0.5 * np.sin(2 * np.pi * 240 * t)).astype(np.float32) * 0.3
    pitch = frame_pitch(voiced)
    assert pitch is not None and abs(pitch - 120) < 3
    assert frame_pitch(np.zeros(1024, dtype=np.float32)) is None
    rng = np.random.default_rng(0)
    assert frame_pitch((rng.standard_normal(1024) * 0.1).astype(np.float32)) is None
