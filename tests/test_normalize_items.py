"""Normalization of recognizer items: merged tokens keep the span of their words, the lowest
confidence and the first word's speaker; punctuation and untouched words stay as they were."""

from __future__ import annotations

from medical.items import Item, Word, items_from_words, transcript_text
from medical.normalize import normalize_items, normalize_text


def _items(text: str, step: float = 0.5, speaker: str | None = None) -> list[Item]:
    """Whisper-style items: one word every `step` seconds, confidence falling word by word."""
    # Whisper starts every word with a space.
    words = [Word(" " + w, k * step, k * step + step * 0.8, 0.99 - 0.01 * k) for k, w in enumerate(text.split())]
    items = items_from_words(words)
    return [Item(it.content, it.type, it.start, it.end, it.confidence, speaker=speaker) for it in items]


def _pron(items: list[Item]) -> list[Item]:
    return [it for it in items if not it.is_punctuation]


def test_blood_pressure_merges_words_into_two_items() -> None:
    items = _items("blood pressure one twenty over eighty.")
    out = normalize_items(items)
    assert [it.content for it in out] == ["BP", "120/80", "."]
    bp, reading, dot = out
    assert (bp.start, bp.end) == (items[0].start, items[1].end)
    assert (reading.start, reading.end) == (items[2].start, items[5].end)
    assert reading.confidence == min(it.confidence for it in items[2:6])
    assert dot == items[6]


def test_whisper_digits_over_digits() -> None:
    items = _items("BP of 120 over 80.")
    out = normalize_items(items)
    assert [it.content for it in out] == ["BP", "of", "120/80", "."]
    assert out[2].start == items[2].start and out[2].end == items[4].end
    assert out[0] == items[0] and out[1] == items[1]


def test_number_and_unit_stay_separate_items() -> None:
    items = _items("forty-five milligrams daily")
    out = normalize_items(items)
    assert [it.content for it in out] == ["45", "mg", "daily"]
    assert [(it.start, it.end) for it in out] == [(it.start, it.end) for it in items]


def test_glued_unit_stays_one_item() -> None:
    items = _items("take 5mg now")
    out = normalize_items(items)
    assert [it.content for it in out] == ["take", "5 mg", "now"]
    assert (out[1].start, out[1].end, out[1].confidence) == (items[1].start, items[1].end, items[1].confidence)


def test_hyphenated_item_keeps_its_own_times() -> None:
    items = _items("a sixty-five-year-old male")
    out = normalize_items(items)
    assert [it.content for it in out] == ["a", "65-year-old", "male"]
    assert (out[1].start, out[1].end) == (items[1].start, items[1].end)


def test_number_across_an_item_and_part_of_a_hyphenated_one() -> None:
    items = _items("a twenty three-year-old woman")
    out = normalize_items(items)
    assert [it.content for it in out] == ["a", "23-year-old", "woman"]
    assert (out[1].start, out[1].end) == (items[1].start, items[2].end)


def test_phone_number_is_one_item_spanning_all_digits() -> None:
    items = _items("call four two five five five five one two one two please")
    out = normalize_items(items)
    assert [it.content for it in out] == ["call", "4255551212", "please"]
    assert (out[1].start, out[1].end) == (items[1].start, items[10].end)
    assert out[1].confidence == items[10].confidence


def test_punctuation_separates_tokens() -> None:
    items = _items("Vitals: pulse eighty, respiration seventeen.")
    out = normalize_items(items)
    assert transcript_text(out) == "Vitals: P 80, R 17."
    assert [it.content for it in out if it.is_punctuation] == [":", ",", "."]
    assert [it.type for it in out].count("punctuation") == 3


def test_money_and_time_become_single_items() -> None:
    items = _items("paid one dollar and fifteen cents at twelve thirty p m")
    out = normalize_items(items)
    assert [it.content for it in out] == ["paid", "$1.15", "at", "12:30", "p.m."]
    assert (out[1].start, out[1].end) == (items[1].start, items[5].end)
    assert (out[3].start, out[3].end) == (items[7].start, items[8].end)
    assert (out[4].start, out[4].end) == (items[9].start, items[10].end)


def test_speaker_and_channel_come_from_the_first_word() -> None:
    items = [
        Item("twenty", start=0.0, end=0.4, confidence=0.9, speaker="spk_0", channel="ch_0"),
        Item("three", start=0.4, end=0.8, confidence=0.7, speaker="spk_1", channel="ch_1"),
        Item("percent", start=0.8, end=1.2, confidence=0.8, speaker="spk_1", channel="ch_1"),
    ]
    [merged] = normalize_items(items)
    assert merged == Item("23%", "pronunciation", 0.0, 1.2, 0.7, "spk_0", "ch_0")


def test_words_that_stay_are_returned_unchanged() -> None:
    items = _items("one of the patients had a second opinion and two views of the chest.", speaker="spk_2")
    assert normalize_items(items) == items


def test_whisper_mixed_sentence() -> None:
    text = "He takes 5mg daily, 25 milligrams at night, $5 copay, 10% off, BP of 120 over 80."
    out = normalize_items(_items(text))
    assert transcript_text(out) == "He takes 5 mg daily, 25 mg at night, $5 copay, 10% off, BP of 120/80."
    assert transcript_text(out) == normalize_text(text)


def test_overlapping_recognizer_times_are_made_monotonic() -> None:
    items = [
        Item("fever", start=1.0, end=2.0),
        Item("twenty", start=1.5, end=1.8),  # starts before the previous word ended
        Item("one", start=1.7, end=1.6),  # ends before it starts
        Item("days", start=2.5, end=3.0),
    ]
    out = normalize_items(items)
    assert [it.content for it in out] == ["fever", "21", "days"]
    assert [(it.start, it.end) for it in out] == [(1.0, 2.0), (2.0, 2.0), (2.5, 3.0)]


def test_items_without_times_and_empty_input() -> None:
    assert normalize_items([]) == []
    items = [Item("eleven"), Item("patients"), Item(".", "punctuation")]
    out = normalize_items(items)
    assert [(it.content, it.start, it.end) for it in out] == [("11", None, None), ("patients", None, None),
                                                              (".", None, None)]


def test_input_is_not_modified() -> None:
    items = _items("blood pressure one twenty over eighty")
    before = list(items)
    normalize_items(items)
    assert items == before


def test_only_punctuation() -> None:
    items = [Item(",", "punctuation", confidence=0.0), Item(".", "punctuation", confidence=0.0)]
    assert normalize_items(items) == items


def test_odd_item_contents_pass_through() -> None:
    for content in ["", "-", "--", "5-", "-5", "twenty-", "one--two", "—"]:
        items = [Item(content, start=0.0, end=1.0), Item("milligrams", start=1.0, end=2.0)]
        out = normalize_items(items)
        assert out[0] == items[0]
        assert [it.start for it in out] == [0.0, 1.0]
