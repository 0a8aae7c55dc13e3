"""PHI labelling of transcript items for the service: entities in both wire shapes, optional redaction.

The detector loads once per process on first use; spaCy pipelines are not safe to call from several
threads at once, so calls are serialized.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from medical.items import Item, transcript_text
from phi.detector import PhiDetector
from phi.mapping import PhiEntity, entities_for_items
from phi.redact import redact_items


@dataclass(frozen=True, slots=True)
class Labelled:
    entities: list[PhiEntity]
    # The items with each PHI span replaced by one "[PHI]" item, when redaction was asked for.
    redacted: list[Item] | None


class PhiLabeller:
    def __init__(self) -> None:
        self._detector: PhiDetector | None = None
        self._lock = threading.Lock()

    def label(self, items: Sequence[Item], redact: bool = False) -> Labelled:
        with self._lock:
            if self._detector is None:
                self._detector = PhiDetector()
            spans = self._detector.find(transcript_text(items))
        entities = entities_for_items(items, spans)
        return Labelled(entities, redact_items(items, spans) if redact else None)


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def batch_entities(entities: Sequence[PhiEntity]) -> list[dict[str, Any]]:
    """results.entities[] as the guide's batch example writes them (numbers, not strings), plus the type."""
    return [
        {"content": e.content, "category": str(e.category), "type": str(e.type),
         "startTime": _round(e.start_time, 3), "endTime": _round(e.end_time, 3),
         "confidence": round(e.confidence, 4)}
        for e in entities
    ]


def stream_entities(entities: Sequence[PhiEntity]) -> list[dict[str, Any]]:
    """Entities of a stream result's alternative, with the streaming API's member names."""
    return [
        {"StartTime": _round(e.start_time, 3), "EndTime": _round(e.end_time, 3), "Category": str(e.category),
         "Type": str(e.type), "Content": e.content, "Confidence": round(e.confidence, 4)}
        for e in entities
    ]
