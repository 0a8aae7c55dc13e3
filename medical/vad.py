"""Speech regions of a whole recording: silero-vad probabilities turned into (start, end) stretches.

Uses the same ONNX model and per-window state as the stream path (`medical.stream_vad`), so batch
and stream agree on what counts as speech and neither needs torch for voice activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medical.recognizer import SAMPLE_RATE
from medical.stream_vad import WINDOW, SpeechDetector


@dataclass(frozen=True, slots=True)
class VadConfig:
    speech_threshold: float = 0.5
    # Hysteresis: once in speech, only a probability under this counts as silence.
    silence_threshold: float = 0.35
    # Shorter pauses stay inside a region. Conversation turns are usually further apart than this.
    min_silence_s: float = 0.25
    # Shorter bursts are clicks or breaths.
    min_speech_s: float = 0.2
    # Silero marks speech a little late and ends it a little early.
    pad_s: float = 0.05


@dataclass(frozen=True, slots=True)
class SpeechRegion:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    """One probability per WINDOW samples (32 ms) of 16 kHz mono float32 audio."""
    return SpeechDetector().probabilities(np.asarray(audio, dtype=np.float32).reshape(-1))


def speech_regions(audio: np.ndarray, config: VadConfig | None = None) -> list[SpeechRegion]:
    """Stretches of speech in time order, times in seconds from the start of `audio`."""
    cfg = config or VadConfig()
    probabilities = speech_probabilities(audio)
    return regions_from_probabilities(probabilities, len(audio) / SAMPLE_RATE, cfg)


def regions_from_probabilities(
    probabilities: np.ndarray, duration: float, config: VadConfig | None = None
) -> list[SpeechRegion]:
    cfg = config or VadConfig()
    step = WINDOW / SAMPLE_RATE
    min_silence = max(1, round(cfg.min_silence_s / step))
    raw: list[tuple[int, int]] = []
    start: int | None = None
    silent = 0
    for index, probability in enumerate(probabilities):
        if start is None:
            if probability >= cfg.speech_threshold:
                start, silent = index, 0
            continue
        silent = silent + 1 if probability < cfg.silence_threshold else 0
        if silent >= min_silence:
            raw.append((start, index - silent + 1))
            start = None
    if start is not None:
        raw.append((start, len(probabilities) - silent))
    regions: list[SpeechRegion] = []
    for first, stop in raw:
        if (stop - first) * step < cfg.min_speech_s:
            continue
        begin = max(0.0, first * step - cfg.pad_s)
        end = min(duration, stop * step + cfg.pad_s)
        if regions and begin <= regions[-1].end:
            regions[-1] = SpeechRegion(regions[-1].start, end)
        else:
            regions.append(SpeechRegion(begin, end))
    return regions
