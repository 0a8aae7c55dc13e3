"""Properties of normalization over generated input: no exceptions, a second pass changes nothing,
item times stay ordered, items and transcript text agree."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medical.items import Item, transcript_text
from medical.normalize import normalize_items, normalize_text

# Words that trigger rules, mixed with plain words, so generated sentences exercise the rules.
VOCAB = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "nineteen", "twenty", "thirty", "sixty", "ninety", "hundred", "thousand",
    "million", "billion", "a", "an", "and", "oh", "o", "point", "dot", "over", "to", "of", "at", "the",
    "first", "second", "third", "fifth", "twelfth", "half", "quarter", "quarters", "sixteenths",
    "hundredth", "percent", "per", "cent", "dollars", "dollar", "cents", "USD", "rupees", "paise",
    "pounds", "milligrams", "mg", "grams", "kilos", "liters", "minute", "deciliter", "c", "cc", "C",
    "F", "L", "T", "S", "Celsius", "degrees", "feet", "units", "blood", "pressure", "b", "p", "BP",
    "beats", "pulse", "respiration", "post", "op", "cat", "scan", "in", "out", "May", "may", "March",
    "June", "am", "pm", "m", "a.m.", "p.m.", "o'clock", "patient", "is", "was", "sixty-five", "year-old",
    "forty-two", "5mg", "120/80", "120", "80", "5", "37.4", "1,000", "2012", "$5", "10%", "43rd", "12:30",
    "-", "x-ray", "COVID-19", "mmHg", "millimeters", "mercury",
]
PUNCT = [".", ",", "?"]

words = st.lists(st.sampled_from(VOCAB), max_size=14)
sentences = st.lists(st.sampled_from(VOCAB + PUNCT), max_size=14).map(
    lambda ws: " ".join(ws).replace(" .", ".").replace(" ,", ",").replace(" ?", "?")
)


@given(st.text(max_size=80))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_string_is_accepted(text: str) -> None:
    assert isinstance(normalize_text(text), str)


@given(st.text(max_size=80))
@settings(max_examples=300)
def test_any_string_normalizes_once(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(sentences)
@settings(max_examples=800)
def test_rule_words_normalize_once(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@st.composite
def timed_items(draw: st.DrawFn, ordered: bool = True) -> list[Item]:
    items: list[Item] = []
    t = 0.0
    for word in draw(words):
        if ordered:
            t += draw(st.floats(0.0, 0.5))
            start = t
            t += draw(st.floats(0.0, 0.8))
            end = t
        else:
            start = draw(st.floats(0.0, 10.0))
            end = draw(st.floats(0.0, 10.0))
        conf = draw(st.floats(0.0, 1.0))
        items.append(Item(word, "pronunciation", start, end, conf, speaker=draw(st.sampled_from(["spk_0", None]))))
        if draw(st.integers(0, 5)) == 0:
            items.append(Item(draw(st.sampled_from(PUNCT)), "punctuation", confidence=0.0))
    return items


def _assert_ordered(out: list[Item]) -> None:
    last_end = float("-inf")
    for item in out:
        if item.is_punctuation:
            continue
        assert item.start is not None and item.end is not None
        assert item.start <= item.end
        assert item.start >= last_end
        last_end = item.end


@given(timed_items())
@settings(max_examples=800)
def test_item_times_never_overlap_or_run_backwards(items: list[Item]) -> None:
    out = normalize_items(items)
    _assert_ordered(out)
    # Each output item spans exactly the input items it came from.
    times = [t for it in items if not it.is_punctuation for t in (it.start, it.end) if t is not None]
    for it in out:
        if not it.is_punctuation:
            assert it.start is not None and it.end is not None
            assert min(times) <= it.start <= it.end <= max(times)


@given(timed_items(ordered=False))
@settings(max_examples=300)
def test_overlapping_recognizer_times_come_out_ordered(items: list[Item]) -> None:
    _assert_ordered(normalize_items(items))


@given(timed_items())
@settings(max_examples=500)
def test_items_keep_punctuation_confidence_and_agree_with_text(items: list[Item]) -> None:
    out = normalize_items(items)
    assert [it.content for it in out if it.is_punctuation] == [it.content for it in items if it.is_punctuation]
    spoken = [it for it in items if not it.is_punctuation]
    if spoken:
        assert min(it.confidence for it in out if not it.is_punctuation) == min(it.confidence for it in spoken)
    assert transcript_text(out).replace("..", ".") == normalize_text(transcript_text(items))
    assert normalize_items(out) == out
