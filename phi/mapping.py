"""Map PHI character spans of a transcript back to the items (and so the times) they came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medical.items import Item, transcript_text
from phi.categories import PhiCategory, PhiType
from phi.spans import PhiSpan


@dataclass(frozen=True, slots=True)
class PhiEntity:
    """One labelled stretch of a transcript, as results.entities[] and stream Entities carry it."""

    content: str
    category: PhiCategory
    type: PhiType
    start_time: float | None
    end_time: float | None
    confidence: float
    item_indexes: tuple[int, ...]


def item_offsets(items: Sequence[Item]) -> list[tuple[int, int]]:
    """(start, end) of each item inside transcript_text(items), following its joining rules exactly."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for index, item in enumerate(items):
        if index > 0 and not item.is_punctuation:
            position += 1  # the space before a word, or before punctuation that opens the transcript
        offsets.append((position, position + len(item.content)))
        position += len(item.content)
    return offsets


def items_in_span(offsets: Sequence[tuple[int, int]], span: PhiSpan) -> list[int]:
    """Indexes of the items a span touches, in order."""
    return [i for i, (start, end) in enumerate(offsets) if start < span.end and span.start < end]


def entities_for_items(items: Sequence[Item], spans: Sequence[PhiSpan]) -> list[PhiEntity]:
    """Entities for spans found in transcript_text(items): content, item indexes and times.

    Times run from the start of the first timed item to the end of the last; confidence is the span's
    confidence times the lowest recognition confidence among its words.
    """
    text = transcript_text(items)
    offsets = item_offsets(items)
    entities: list[PhiEntity] = []
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError("span lies outside the transcript text")
        indexes = items_in_span(offsets, span)
        words = [items[i] for i in indexes if not items[i].is_punctuation]
        timed = [item for item in words if item.start is not None and item.end is not None]
        word_confidence = min((item.confidence for item in words), default=1.0)
        entities.append(
            PhiEntity(
                content=text[span.start : span.end],
                category=span.category,
                type=span.type,
                start_time=timed[0].start if timed else None,
                end_time=timed[-1].end if timed else None,
                confidence=round(span.confidence * word_confidence, 4),
                item_indexes=tuple(indexes),
            )
        )
    return entities
