"""Partial-results stabilization: Stable items never change; levels trade latency for revisions."""

from __future__ import annotations

import pytest

from medical.items import Item
from medical.stabilization import Stabilizer


def words(text: str) -> list[Item]:
    out = []
    for i, word in enumerate(text.split()):
        mark = word[-1] if word[-1] in ".,?" else ""
        core = word.rstrip(".,?")
        out.append(Item(core, "pronunciation", i * 0.5, i * 0.5 + 0.4, 0.9))
        if mark:
            out.append(Item(mark, "punctuation"))
    return out


def texts(items: list[Item]) -> list[str]:
    return [i.content for i in items]


def test_high_locks_after_two_agreeing_partials_keeping_last_word_open() -> None:
    s = Stabilizer("high")
    _, flags = s.apply(words("Welcome to"))
    assert flags == [False, False]
    items, flags = s.apply(words("Welcome to Amas."))
    assert texts(items) == ["Welcome", "to", "Amas", "."]
    assert flags == [True, True, False, False]
    items, flags = s.apply(words("Welcome to Amazon."))
    assert flags == [True, True, False, False]


def test_stable_items_never_change_even_if_decoder_revises() -> None:
    s = Stabilizer("high")
    s.apply(words("the patient was seen"))
    s.apply(words("the patient was seen today"))
    locked = [i.content for i in s.locked]
    assert locked[:3] == ["the", "patient", "was"]
    # The decoder now hears the start differently; the locked words stay.
    items, flags = s.apply(words("a patient was seen today for"))
    assert texts(items)[: len(locked)] == locked
    assert flags[: len(locked)] == [True] * len(locked)
    final, final_flags = s.apply(words("a patient was seen today for pain."), final=True)
    assert texts(final)[: len(locked)] == locked
    assert all(final_flags)


def test_disagreement_resets_the_count() -> None:
    s = Stabilizer("high")
    s.apply(words("patient was I/O"))
    _, flags = s.apply(words("patient has in and out of"))
    assert flags[0] is True  # "patient" agreed twice
    assert not any(flags[1:])


@pytest.mark.parametrize(("level", "partials_needed"), [("high", 2), ("medium", 3), ("low", 4)])
def test_levels_need_more_agreement_when_lower(level: str, partials_needed: int) -> None:
    s = Stabilizer(level)
    hypothesis = words("one two three four five six seven")
    first_stable = None
    for n in range(1, 6):
        _, flags = s.apply(hypothesis)
        if flags[0] and first_stable is None:
            first_stable = n
    assert first_stable == partials_needed


@pytest.mark.parametrize(("level", "open_words"), [("high", 1), ("medium", 2), ("low", 3)])
def test_last_words_stay_unstable(level: str, open_words: int) -> None:
    s = Stabilizer(level)
    for _ in range(5):
        _items, flags = s.apply(words("one two three four five six"))
    assert flags.count(False) == open_words


def test_reset_between_segments() -> None:
    s = Stabilizer("high")
    s.apply(words("alpha beta gamma"))
    s.apply(words("alpha beta gamma"))
    s.reset()
    _, flags = s.apply(words("delta epsilon"))
    assert flags == [False, False]


def test_unknown_level() -> None:
    with pytest.raises(ValueError):
        Stabilizer("extreme")
