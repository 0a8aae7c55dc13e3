"""When is a heard spelling a near miss of a known term? Thresholds and the traps they avoid.

A sound-alike (same vocab.phonetic key) that is also spelled alike is a near miss, except where
the difference carries meaning: a prefix that negates or reverses ("febrile" and "afebrile",
"hypotension" and "hypertension"), a word inside a longer one ("basilar" in "bibasilar"), or an
ending that inflects ("effusions", "bradycardic"). Those are different words, not misspellings.
"""

from __future__ import annotations

from rapidfuzz import fuzz

# rapidfuzz ratio (0-100) a sound-alike needs, by the term's length: a one-letter slip in a
# short word is a different word more often than in a long drug name.
_MIN_RATIO_BY_LENGTH = ((9, 80.0), (7, 85.0), (0, 90.0))
# A window of several words whose first or last is an everyday word ("and coagulation")
# needs a closer spelling before the words are merged.
MERGED_COMMON_EDGE_MIN = 90.0
# With a SoundsLike or IPA given, the sound says more than the spelling.
HINTED_MIN = 60.0
MAX_LENGTH_DIFFERENCE = 2
_MEANINGFUL_PREFIXES = ("anti", "non", "un", "dis", "hypo", "hyper", "a")
_INFLECTIONS = ("ally", "ly", "es", "s", "ic", "ia", "al", "a", "e", "ed", "ing", "y", "ous", "'s")


def min_ratio(length: int) -> float:
    return next(ratio for floor, ratio in _MIN_RATIO_BY_LENGTH if length >= floor)


def near_miss_score(
    heard: str,
    heard_key: str,
    choice: str,
    sound_keys: tuple[str, ...],
    hint_keys: tuple[str, ...],
    *,
    common_edge: bool = False,
) -> float | None:
    """How well `heard` (letters only) fits `choice`, a spelling of a term; None when it is no near miss."""
    if heard == choice or is_different_word(heard, choice):
        return None
    if heard_key in hint_keys and abs(len(heard) - len(choice)) <= MAX_LENGTH_DIFFERENCE + 1:
        ratio = fuzz.ratio(heard, choice)
        return max(ratio, 80.0) + 5.0 if ratio >= HINTED_MIN else None
    if heard_key not in sound_keys:
        return None
    if abs(len(heard) - len(choice)) > MAX_LENGTH_DIFFERENCE:
        return None
    ratio = fuzz.ratio(heard, choice)
    needed = max(min_ratio(len(choice)), MERGED_COMMON_EDGE_MIN if common_edge else 0.0)
    return ratio + 5.0 if ratio >= needed else None


def is_different_word(heard: str, choice: str) -> bool:
    """True when the two differ by an affix that changes meaning or form, not by a slip."""
    if heard.startswith(choice) or choice.startswith(heard) or heard.endswith(choice) or choice.endswith(heard):
        return True
    if any(heard.startswith(p) != choice.startswith(p) for p in _MEANINGFUL_PREFIXES):
        return True
    return bool(_stems(heard) & _stems(choice))


def _stems(word: str) -> set[str]:
    return {word[: -len(ending)] for ending in _INFLECTIONS if word.endswith(ending) and len(word) > len(ending) + 3}
