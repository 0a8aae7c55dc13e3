"""Does streamed PCM match its declared sample rate? Asked of the voice activity detector.

Raw PCM carries no rate of its own, so a client that declares 16 kHz for 48 kHz microphone audio
gets its speech played three times too slow (8 kHz telephony declared as 16 kHz: twice too fast),
and Whisper turns it into confident garbage or nothing. The check waits until the audio holds
clearly voiced sound (periodic frames at speech level, by YIN), then asks silero-vad whether the
recent audio is speech at the declared rate. Only if it mostly is not does it try the audio as if
recorded at each common rate at least 1.5x away from the declared one; when one of those is clearly speech, the
mismatch is reported with the likely rate. Voiced sound that is speech at no rate (music, tones)
is left alone.

Chosen over comparing audio seconds received with wall-clock time because clients legitimately
stream files faster than real time or in bursts, and over pitch bounds alone because voices span
more than an octave (a raised adult voice slowed 3x still has a plausible pitch).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from medical.recognizer import SAMPLE_RATE
from medical.stream_vad import SpeechDetector

FRAME = 1024  # 64 ms at 16 kHz: two periods of the lowest pitch looked for
MIN_F0, MAX_F0 = 30.0, 800.0
VOICED_FRAMES_NEEDED = 40  # about 2.5 s of voiced sound before judging
JUDGED_S = 10.0  # the most recent audio judged
GIVE_UP_S = 120.0  # no judgement after this much audio: stop looking
# Fractions of 32 ms windows silero calls speech (p >= 0.5).
SPEECH_AT_DECLARED = 0.15
SPEECH_AT_ALTERNATIVE = 0.4
# Recording rates tried instead of the declared one (those at least 1.5x away from it).
COMMON_RATES = (8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000)
_YIN_THRESHOLD = 0.15
_MIN_LAG = int(SAMPLE_RATE / MAX_F0)
_MAX_LAG = int(SAMPLE_RATE / MIN_F0)
_MIN_LEVEL = 10 ** (-40 / 20)  # frames quieter than -40 dBFS RMS are not voiced


@dataclass(frozen=True, slots=True)
class RateVerdict:
    declared: int
    likely: int
    speech_at_declared: float
    speech_at_likely: float

    def describe(self) -> str:
        pace = "slow" if self.likely > self.declared else "fast"
        return (
            f"The audio doesn't match the declared sample rate of {self.declared} Hz: at that rate it plays too "
            f"{pace} to be recognized as speech ({self.speech_at_declared:.0%} speech), while at about "
            f"{self.likely} Hz it is {self.speech_at_likely:.0%} speech. Declare the sample rate the audio was "
            "recorded at."
        )


class SampleRateCheck:
    """Feed the stream's 16 kHz mono audio as it arrives; returns a verdict once, when the rate is wrong."""

    def __init__(self, declared_rate: int) -> None:
        self.declared_rate = declared_rate
        self._recent = np.zeros(0, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._voiced = 0
        self._seen = 0
        self.done = False
        self.verdict: RateVerdict | None = None

    def feed(self, audio: np.ndarray) -> RateVerdict | None:
        if self.done:
            return None
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        self._seen += len(audio)
        keep = int(JUDGED_S * SAMPLE_RATE)
        self._recent = np.concatenate([self._recent, audio])[-keep:]
        samples = np.concatenate([self._pending, audio])
        count = len(samples) // FRAME
        self._pending = samples[count * FRAME :]
        self._voiced += sum(frame_pitch(samples[i * FRAME : (i + 1) * FRAME]) is not None for i in range(count))
        if self._voiced >= VOICED_FRAMES_NEEDED:
            self.done = True
            self.verdict = self._judge()
        elif self._seen > GIVE_UP_S * SAMPLE_RATE:
            self.done = True
        return self.verdict

    def _judge(self) -> RateVerdict | None:
        at_declared = speech_fraction(self._recent)
        if at_declared >= SPEECH_AT_DECLARED:
            return None
        best: tuple[float, int] = (0.0, 0)
        for rate in COMMON_RATES:
            if 1 / 1.5 < rate / self.declared_rate < 1.5:
                continue
            # As if the samples were taken at `rate`: the buffer then holds 16 kHz * rate / declared.
            ratio = Fraction(self.declared_rate, rate)
            resampled = resample_poly(self._recent, ratio.numerator, ratio.denominator)
            best = max(best, (speech_fraction(resampled.astype(np.float32)), rate))
        fraction, rate = best
        if fraction >= SPEECH_AT_ALTERNATIVE and fraction >= 3 * at_declared:
            return RateVerdict(self.declared_rate, rate, at_declared, fraction)
        return None


def speech_fraction(audio: np.ndarray) -> float:
    probabilities = SpeechDetector().probabilities(audio)
    return float(np.mean(probabilities >= 0.5)) if len(probabilities) else 0.0


def frame_pitch(frame: np.ndarray) -> float | None:
    """YIN fundamental of one voiced frame in Hz, or None when quiet or unvoiced."""
    if float(np.sqrt(np.mean(frame * frame))) < _MIN_LEVEL:
        return None
    width = len(frame) - _MAX_LAG
    head = frame[:width]
    lags = np.arange(1, _MAX_LAG + 1)
    # windows[k] starts at lag k + 1
    windows = np.lib.stride_tricks.sliding_window_view(frame[1:], width)[:_MAX_LAG]
    diff = np.sum((windows - head) ** 2, axis=1)
    normalized = diff * lags / np.maximum(np.cumsum(diff), 1e-12)
    candidates = np.nonzero(normalized[_MIN_LAG - 1 :] < _YIN_THRESHOLD)[0]
    if not len(candidates):
        return None
    lag = int(candidates[0]) + _MIN_LAG - 1
    # Walk down to the bottom of the dip.
    while lag + 1 < _MAX_LAG and normalized[lag + 1] < normalized[lag]:
        lag += 1
    return SAMPLE_RATE / (lag + 1)
