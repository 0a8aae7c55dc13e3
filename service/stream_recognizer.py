"""The recognizer streams decode with: its own engine instance, loaded on the first stream.

Batch jobs hold their engine for a whole file (the engine's semaphore covers the segment
generator), so a stream sharing it would wait minutes behind a long job. Streams get a replica
of their own with one decoder: stream decodes queue only behind each other (they are short,
at most one segment), and compete with a running batch job for CPU rather than for the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import numpy as np

from medical.recognizer import DecodeOptions, Recognizer, Segment


class LazyRecognizer:
    """A Recognizer that builds the real one on first use, so servers that never stream never load it."""

    def __init__(self, load: Callable[[], Recognizer]) -> None:
        self._load = load
        self._engine: Recognizer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def engine(self) -> Recognizer:
        with self._lock:
            if self._engine is None:
                self._engine = self._load()
            return self._engine

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        return self.engine().transcribe(audio, options)
