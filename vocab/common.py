"""Words the correction step must never change: common English, numbers, doses and units."""

from __future__ import annotations

from functools import cache
from importlib import resources

# Spoken numbers, dose units and frequencies. A near-miss fix must never touch how much of a
# drug is given: these stay as heard even where they look like a lexicon term.
_NUMBER_AND_DOSE_TEXT = """
    zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    thousand million half quarter point percent first second third once twice thrice times
    mg mgs milligram milligrams mcg microgram micrograms gram grams g kg kilogram kilograms ml mls
    milliliter milliliters millilitre millilitres cc ccs liter liters unit units iu meq millimole
    millimoles mmol tablet tablets tab tabs capsule capsules cap caps puff puffs drop drops patch
    daily nightly weekly monthly hourly bid tid qid qd qhs prn po iv im sc subq sq
"""
_NUMBER_AND_DOSE_WORDS = frozenset(_NUMBER_AND_DOSE_TEXT.split())


@cache
def common_words() -> frozenset[str]:
    """The common English word list shipped beside this module, lowercase."""
    text = resources.files("vocab").joinpath("common_words.txt").read_text(encoding="utf-8")
    words = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return frozenset(words | {"a", "i"})


def is_common_word(word: str) -> bool:
    """True for an everyday English word (case-insensitive, apostrophes and hyphens ignored)."""
    key = "".join(ch for ch in word.lower() if ch.isalpha())
    return key in common_words() or key in _NUMBER_AND_DOSE_WORDS


def is_protected(word: str) -> bool:
    """True for a token the correction step must leave alone: it has a digit, or is a number or dose word."""
    if any(ch.isdigit() for ch in word):
        return True
    key = "".join(ch for ch in word.lower() if ch.isalpha())
    return key in _NUMBER_AND_DOSE_WORDS
