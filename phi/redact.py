"""Opt-in redaction: replace labelled PHI with a marker in transcript text and in items."""

from __future__ import annotations

from collections.abc import Sequence

from medical.items import Item
from phi.categories import PhiType
from phi.mapping import item_offsets, items_in_span
from phi.spans import PhiSpan

MARKER = "[PHI]"


def redact_text(text: str, spans: Sequence[PhiSpan], marker: str = MARKER) -> str:
    """`text` with each span replaced by `marker`; overlapping spans are joined first."""
    pieces: list[str] = []
    position = 0
    for start, end in _joined(spans):
        if start < position:
            continue
        pieces.append(text[position:start])
        pieces.append(marker)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def redact_items(items: Sequence[Item], spans: Sequence[PhiSpan], marker: str = MARKER) -> list[Item]:
    """Items with the words of each span replaced by one marker item timed from first to last word.

    Punctuation inside a span goes with it; punctuation after the span's last word stays.
    """
    offsets = item_offsets(items)
    replaced: dict[int, Item] = {}
    dropped: set[int] = set()
    for start, end in _joined(spans):
        touched = items_in_span(offsets, PhiSpan(start, end, PhiType.NAME, 1.0))
        words = [i for i in touched if not items[i].is_punctuation]
        if not words:
            continue
        first, last = items[words[0]], items[words[-1]]
        replaced[words[0]] = Item(
            marker,
            "pronunciation",
            first.start,
            last.end,
            min(items[i].confidence for i in words),
            first.speaker,
            first.channel,
        )
        dropped.update(i for i in touched if i != words[0] and i <= words[-1])
    return [replaced.get(i, item) for i, item in enumerate(items) if i not in dropped]


def _joined(spans: Sequence[PhiSpan]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if joined and span.start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], span.end))
        else:
            joined.append((span.start, span.end))
    return joined
