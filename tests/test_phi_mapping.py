"""Mapping PHI character spans back to transcript items and times, and redaction."""

from __future__ import annotations

import pytest

from medical.items import Item, transcript_text
from phi.categories import PhiCategory, PhiType
from phi.mapping import entities_for_items, item_offsets
from phi.redact import MARKER, redact_items, redact_text
from phi.spans import PhiSpan


def _items() -> list[Item]:
    return [
        Item("The", start=0.0, end=0.37, confidence=0.99),
        Item("patient's", start=0.37, end=0.44),
        Item("name", start=0.44, end=0.52),
        Item("is", start=0.52, end=0.92),
        Item("Bertrand", start=0.92, end=1.1, confidence=0.9989),
        Item("Russell", start=1.1, end=1.2, confidence=0.95),
        Item(",", "punctuation", confidence=0.0),
        Item("born", start=1.3, end=1.5),
        Item("May", start=1.5, end=1.7),
        Item("5th", start=1.7, end=1.9),
        Item(".", "punctuation", confidence=0.0),
    ]


def _span(text: str, content: str, kind: PhiType, confidence: float = 1.0) -> PhiSpan:
    start = text.index(content)
    return PhiSpan(start, start + len(content), kind, confidence)


def test_offsets_follow_transcript_text() -> None:
    items = _items()
    text = transcript_text(items)
    assert [text[a:b] for a, b in item_offsets(items)] == [item.content for item in items]
    leading = [Item(",", "punctuation"), Item("Hi", start=0.0, end=0.1)]
    text = transcript_text(leading)
    assert [text[a:b] for a, b in item_offsets(leading)] == [",", "Hi"]


def test_entities_carry_items_times_and_confidence() -> None:
    items = _items()
    text = transcript_text(items)
    name, date = _span(text, "Bertrand Russell", PhiType.NAME, 0.9), _span(text, "May 5th", PhiType.DATE)
    first, second = entities_for_items(items, [name, date])
    assert first.content == "Bertrand Russell"
    assert first.category is PhiCategory.PERSONAL
    assert first.item_indexes == (4, 5)
    assert (first.start_time, first.end_time) == (0.92, 1.2)
    assert first.confidence == pytest.approx(0.9 * 0.95)
    assert second.item_indexes == (8, 9)
    assert (second.start_time, second.end_time) == (1.5, 1.9)


def test_partial_word_span_takes_the_whole_item() -> None:
    items = _items()
    text = transcript_text(items)
    start = text.index("Bertrand") + 2
    (entity,) = entities_for_items(items, [PhiSpan(start, start + 3, PhiType.NAME, 1.0)])
    assert entity.item_indexes == (4,)
    assert entity.start_time == 0.92


def test_span_outside_text_is_rejected() -> None:
    with pytest.raises(ValueError):
        entities_for_items(_items(), [PhiSpan(5, 500, PhiType.NAME, 1.0)])


def test_untimed_items_give_no_times() -> None:
    items = [Item("Bertrand", start=None, end=None)]
    (entity,) = entities_for_items(items, [PhiSpan(0, 8, PhiType.NAME, 1.0)])
    assert (entity.start_time, entity.end_time) == (None, None)


def test_redacted_text_and_items() -> None:
    items = _items()
    text = transcript_text(items)
    spans = [_span(text, "Bertrand Russell", PhiType.NAME), _span(text, "May 5th", PhiType.DATE)]
    assert redact_text(text, spans) == f"The patient's name is {MARKER}, born {MARKER}."
    redacted = redact_items(items, spans)
    assert transcript_text(redacted) == f"The patient's name is {MARKER}, born {MARKER}."
    marker = redacted[4]
    assert (marker.content, marker.start, marker.end, marker.confidence) == (MARKER, 0.92, 1.2, 0.95)
    assert len(redacted) == len(items) - 2


def test_redaction_joins_overlapping_spans_and_keeps_clean_text() -> None:
    text = "Call Ann Lee now"
    spans = [PhiSpan(5, 8, PhiType.NAME, 1.0), PhiSpan(7, 12, PhiType.NAME, 1.0)]
    assert redact_text(text, spans) == "Call [PHI] now"
    assert redact_text(text, []) == text
    assert redact_text(text, spans, marker="***") == "Call *** now"
