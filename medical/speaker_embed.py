"""Speaker embeddings: resemblyzer's packaged torch encoder (GE2E LSTM, 256 dims) on spans of audio.

The encoder's input is resemblyzer's 40-band mel power spectrogram (25 ms window, 10 ms hop). It is
computed here in numpy, identical to resemblyzer's librosa call to 1e-6, because librosa's first call
pays a numba JIT of 11-13 s per process, which a service cannot spend on its first diarized job.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from medical.recognizer import SAMPLE_RATE

EMBEDDING_SIZE = 256
_N_FFT = 400  # 25 ms
_HOP = 160  # 10 ms
_N_MELS = 40
FRAMES_PER_SECOND = SAMPLE_RATE / _HOP
# resemblyzer normalizes utterances to -30 dBFS; its mel is power, so loudness would otherwise
# look like identity.
_TARGET_RMS = 10 ** (-30 / 20)
# Shorter spans say little about the voice; the encoder was trained on 1.6 s partials.
MIN_SPAN_S = 0.3


@lru_cache(maxsize=1)
def _mel_filters() -> np.ndarray:
    import librosa.filters  # the filter bank is plain numpy; no JIT

    return np.asarray(librosa.filters.mel(sr=SAMPLE_RATE, n_fft=_N_FFT, n_mels=_N_MELS), dtype=np.float32)


def mel_power(audio: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram, frame i centered on sample i * 160, as resemblyzer computes it."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), (_N_FFT // 2, _N_FFT // 2))
    count = 1 + max(0, len(padded) - _N_FFT) // _HOP
    index = np.arange(_N_FFT)[None, :] + _HOP * np.arange(count)[:, None]
    window = np.hanning(_N_FFT + 1)[:-1].astype(np.float32)  # periodic Hann, as librosa
    spectrum = np.abs(np.fft.rfft(padded[index] * window, axis=1)) ** 2
    return (spectrum.astype(np.float32) @ _mel_filters().T).astype(np.float32)


class SpeakerEncoder:
    """Thread-safe wrapper of resemblyzer's VoiceEncoder on CPU; load once per process."""

    def __init__(self, threads: int = 1) -> None:
        import torch
        from resemblyzer import VoiceEncoder

        self._torch = torch
        self._model: Any = VoiceEncoder("cpu", verbose=False)
        self._model.eval()
        self._lock = threading.Lock()
        # One thread: the LSTM steps are small, and on a busy machine torch's second OpenMP thread
        # spins waiting for a core (measured: 3.1 s CPU / 6.9 s wall on two threads, 0.43 / 0.95 on one).
        self.threads = threads

    def embed(self, audio: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
        """One L2-normalized embedding per (start, end) span of `audio` (seconds); shape (len(spans), 256)."""
        out = np.zeros((len(spans), EMBEDDING_SIZE), dtype=np.float32)
        if not spans:
            return out
        mel = mel_power(audio)
        pieces = []
        for start, end in spans:
            if end - start < MIN_SPAN_S - 1e-6:
                raise ValueError(f"span {start:.2f}-{end:.2f} s is shorter than {MIN_SPAN_S} s")
            first = round(start * FRAMES_PER_SECOND)
            stop = min(len(mel), round(end * FRAMES_PER_SECOND))
            pieces.append(mel[first:stop] * _loudness_gain(audio, start, end))
        torch = self._torch
        from torch.nn.utils.rnn import pack_sequence

        # One packed LSTM pass over every span: each span's final state is its own (no padding
        # reaches it), and the work is one pass over the speech rather than one per span.
        packed = pack_sequence([torch.from_numpy(p) for p in pieces], enforce_sorted=False)
        with self._lock, torch.inference_mode():
            # torch's thread count is process-wide; the encoder is this process's only torch user.
            previous = torch.get_num_threads()
            torch.set_num_threads(self.threads)
            try:
                _, (hidden, _) = self._model.lstm(packed)
                raw = self._model.relu(self._model.linear(hidden[-1]))
            finally:
                torch.set_num_threads(previous)
            out[:] = (raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-8)).numpy()
        return out


def _loudness_gain(audio: np.ndarray, start: float, end: float) -> float:
    piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    rms = float(np.sqrt(np.mean(np.square(piece, dtype=np.float64)))) if len(piece) else 0.0
    if rms < 1e-5:
        return 1.0
    return float((_TARGET_RMS / rms) ** 2)


@lru_cache(maxsize=1)
def default_encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / denominator) if denominator else 0.0
