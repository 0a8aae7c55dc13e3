"""Alternative transcriptions (ShowAlternatives, MaxAlternatives 2-10): per segment, distinct readings, best first.

The first alternative of each segment is the reading the transcript itself shows (the recognizer's
decode); the others are the runner-up hypotheses of an n-best beam search over the same speech, kept
only when they read differently (case and punctuation aside) from every reading before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from medical.batch import ItemStage, Progress
from medical.items import Item, Word, items_from_words, transcript_text
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Segment
from medical.transcript import decimal_text
from medical.whisper_nbest import MAX_WINDOW_S, Hypothesis

MIN_ALTERNATIVES = 2
MAX_ALTERNATIVES = 10
# Context either side of a segment's words when it is decoded again for its n-best.
_PAD_S = 0.2


class AlternativesCountError(ValueError):
    """MaxAlternatives outside 2-10 (the service answers BadRequestException)."""


class NBestDecoder(Protocol):
    def hypotheses(
        self, audio: np.ndarray, options: DecodeOptions, count: int, offset: float = 0.0
    ) -> list[Hypothesis]: ...


class SegmentRecognizer(Protocol):
    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterable[Segment]: ...


@dataclass(frozen=True, slots=True)
class Alternative:
    items: tuple[Item, ...]

    @property
    def transcript(self) -> str:
        return transcript_text(self.items)


@dataclass(frozen=True, slots=True)
class AlternativeSegment:
    start: float
    end: float
    alternatives: tuple[Alternative, ...]


def check_max_alternatives(max_alternatives: int) -> None:
    if not MIN_ALTERNATIVES <= max_alternatives <= MAX_ALTERNATIVES:
        raise AlternativesCountError(
            f"MaxAlternatives must be between {MIN_ALTERNATIVES} and {MAX_ALTERNATIVES}; got {max_alternatives}."
        )


def recognize_with_alternatives(
    recognizer: SegmentRecognizer,
    nbest: NBestDecoder,
    audio: np.ndarray,
    options: DecodeOptions,
    max_alternatives: int,
    stages: Sequence[ItemStage] = (),
    progress: Progress | None = None,
) -> tuple[list[Item], list[AlternativeSegment]]:
    """The transcript's items (as `medical.batch.recognize` gives them) and its segments' alternatives."""
    check_max_alternatives(max_alternatives)
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    total = len(audio) / SAMPLE_RATE
    # Consumed whole first: the recognizer holds its model while its generator is open.
    segments: list[Segment] = [s for s in recognizer.transcribe(audio, options) if s.words]
    items: list[Item] = []
    out: list[AlternativeSegment] = []
    for segment in segments:
        best = _staged(items_from_words(segment.words), stages)
        readings = [best]
        seen = {_reading_key(best)}
        start = max(0.0, segment.words[0].start - _PAD_S)
        end = min(total, segment.words[-1].end + _PAD_S, start + MAX_WINDOW_S)
        piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        # Ask for a few more than needed: some runner-ups differ only in punctuation or case.
        for hypothesis in nbest.hypotheses(piece, options, min(MAX_ALTERNATIVES, max_alternatives + 2), start):
            if len(readings) == max_alternatives:
                break
            candidate = _staged(items_from_words(_clamped(hypothesis.words, start, end)), stages)
            key = _reading_key(candidate)
            if key and key not in seen:
                seen.add(key)
                readings.append(candidate)
        items.extend(best)
        spoken = [i for i in best if not i.is_punctuation and i.start is not None]
        seg_start = spoken[0].start if spoken else segment.start
        seg_end = spoken[-1].end if spoken else segment.end
        out.append(
            AlternativeSegment(
                float(seg_start or 0.0), float(seg_end or 0.0), tuple(Alternative(tuple(r)) for r in readings)
            )
        )
        if progress:
            progress(min(segment.end, total), total)
    if progress:
        progress(total, total)
    return items, out


def _staged(items: list[Item], stages: Sequence[ItemStage]) -> list[Item]:
    for stage in stages:
        items = stage(items)
    return items


def _clamped(words: Sequence[Word], start: float, end: float) -> list[Word]:
    return [
        Word(w.text, min(max(w.start, start), end), min(max(w.end, w.start, start), end), w.confidence)
        for w in words
    ]


def _reading_key(items: Sequence[Item]) -> str:
    """What makes two readings the same: their words, ignoring case and punctuation."""
    words = (re.sub(r"[^\w'%/.-]", "", i.content.lower()).strip(".") for i in items if not i.is_punctuation)
    return " ".join(w for w in words if w)


def segments_json(segments: Sequence[AlternativeSegment]) -> list[dict[str, Any]]:
    """`results.segments` of the batch output."""
    return [
        {
            "start_time": decimal_text(segment.start, 3),
            "end_time": decimal_text(segment.end, 3),
            "alternatives": [
                {"transcript": alternative.transcript, "items": [_segment_item(i) for i in alternative.items]}
                for alternative in segment.alternatives
            ],
        }
        for segment in segments
    ]


def _segment_item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not item.is_punctuation and item.start is not None and item.end is not None:
        out["start_time"] = decimal_text(item.start, 3)
        out["end_time"] = decimal_text(item.end, 3)
    out["confidence"] = decimal_text(item.confidence, 4)
    out["content"] = item.content
    out["type"] = item.type
    return out
