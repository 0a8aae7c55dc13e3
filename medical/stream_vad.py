"""Speech probability per 32 ms window, for streams: silero-vad's ONNX model, state kept per stream.

One ONNX session is shared by every stream in the process (sessions are safe to run from
several threads); each `SpeechDetector` keeps its own recurrent state and 64-sample context,
as silero's own wrapper does, so streams never disturb each other.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from medical.recognizer import SAMPLE_RATE

WINDOW = 512  # samples at 16 kHz: the only window silero-vad takes at this rate
_CONTEXT = 64


@lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(
        str(model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )


def model_path() -> Path:
    # Found without importing silero_vad, whose __init__ pulls in torch (seconds, hundreds of MB).
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("silero-vad is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "silero_vad.onnx"


class SpeechDetector:
    """Feed 16 kHz float32 audio in any chunk sizes; get one speech probability per WINDOW samples."""

    def __init__(self) -> None:
        self._session = _session()
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, _CONTEXT), dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)

    def probabilities(self, audio: np.ndarray) -> np.ndarray:
        """Probabilities for each whole window completed by `audio`; the remainder waits for more."""
        samples = np.concatenate([self._pending, audio.astype(np.float32, copy=False)])
        count = len(samples) // WINDOW
        self._pending = samples[count * WINDOW :]
        out = np.empty(count, dtype=np.float32)
        for i in range(count):
            window = samples[i * WINDOW : (i + 1) * WINDOW].reshape(1, WINDOW)
            frame = np.concatenate([self._context, window], axis=1)
            prob, self._state = self._session.run(None, {"input": frame, "state": self._state, "sr": self._sr})
            self._context = window[:, -_CONTEXT:]
            out[i] = float(prob[0][0])
        return out

    @property
    def pending(self) -> int:
        return len(self._pending)
