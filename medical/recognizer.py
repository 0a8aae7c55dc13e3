"""The recognizer interface: 16 kHz mono float32 audio in, timed words out.

Engines are swappable by configuration; every engine yields `Segment`s lazily so callers
can report progress on long files and stream partial work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from medical.items import Word

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """What shapes one decoding run; defaults suit a primary-care dictation."""

    specialty: str = "PRIMARYCARE"
    type: str = "DICTATION"
    # Terms to bias toward (specialty lexicon and custom vocabulary phrases).
    hotwords: tuple[str, ...] = ()
    beam_size: int = 5
    vad_filter: bool = True
    # Seconds of context already decoded; stream decoders pass the previous text here.
    prompt: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech the engine decoded as a unit, times in seconds from audio start."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0


class Recognizer(Protocol):
    """Anything that turns audio into segments of timed words."""

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        """Decode `audio` (float32, mono, SAMPLE_RATE) lazily, segment by segment."""
        ...
