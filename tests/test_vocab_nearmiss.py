"""Near-miss rules: slips are near misses; affixes that change meaning or form are not."""

from __future__ import annotations

import pytest

from vocab.nearmiss import is_different_word, min_ratio, near_miss_score
from vocab.phonetic import sound_key


def score(heard: str, term: str, *, common_edge: bool = False) -> float | None:
    return near_miss_score(heard, sound_key(heard), term, (sound_key(term),), (), common_edge=common_edge)


@pytest.mark.parametrize(
    ("heard", "term"),
    [("metoprolal", "metoprolol"), ("lisinoprel", "lisinopril"), ("amiodorone", "amiodarone"), ("ascitis", "ascites")],
)
def test_slips_are_near_misses(heard: str, term: str) -> None:
    assert score(heard, term) is not None


@pytest.mark.parametrize(
    ("heard", "term"),
    [
        ("febrile", "afebrile"),
        ("afebrile", "febrile"),
        ("bibasilar", "basilar"),
        ("effusions", "effusion"),
        ("bradycardic", "bradycardia"),
        ("anginal", "angina"),
        ("hypotension", "hypertension"),
        ("andcoagulation", "anticoagulation"),
    ],
)
def test_affix_differences_are_different_words(heard: str, term: str) -> None:
    assert is_different_word(heard, term)
    assert score(heard, term) is None


def test_short_words_need_closer_spelling() -> None:
    assert min_ratio(6) > min_ratio(8) > min_ratio(12)
    assert score("plavex", "plavix") is None  # 83: too far for six letters
    assert score("sputum", "septum") is None


def test_merging_past_an_everyday_word_needs_a_closer_spelling() -> None:
    assert score("atorvastaten", "atorvastatin", common_edge=True) is not None
    assert score("metforman", "metformin") is not None
    assert score("metforman", "metformin", common_edge=True) is None


def test_pronunciation_hints_loosen_the_spelling() -> None:
    key = sound_key("zofeego")
    assert near_miss_score("zofeego", key, "xofigo", ("XXX",), (key,)) is not None
    assert near_miss_score("zofeego", key, "xofigo", ("XXX",), ()) is None
