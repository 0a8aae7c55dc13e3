"""What the detector returns: a labelled stretch of the input text."""

from __future__ import annotations

from dataclasses import dataclass

from phi.categories import CATEGORY_OF, PhiCategory, PhiType


@dataclass(frozen=True, slots=True)
class PhiSpan:
    """PHI at text[start:end]. The text itself is not held, so a span can be logged or counted safely."""

    start: int
    end: int
    type: PhiType
    confidence: float
    section: str | None = None

    @property
    def category(self) -> PhiCategory:
        return CATEGORY_OF[self.type]

    def overlaps(self, other: PhiSpan) -> bool:
        return self.start < other.end and other.start < self.end
