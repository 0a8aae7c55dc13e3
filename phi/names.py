"""Name and place lexicons the PHI rules look words up in.

Person names come from the US Census 1990 frequency lists packaged in `names` 0.3.0 (MIT);
surnames are cut at a rank past which the list is mostly rare spellings of ordinary words.
Everyday English comes from vocab/common_words.txt; places, states, eponyms and name stopwords
are curated data files beside this module (see their headers for provenance).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

# Past this rank the census surname list holds words like "care" (52,546) and "pain" (46,004).
SURNAME_RANK_LIMIT = 30_000


def _census(filename: str, limit: int | None = None) -> frozenset[str]:
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    words = [line.split()[0].lower() for line in text.splitlines() if line.strip()]
    return frozenset(words[:limit])


def _data_lines(filename: str) -> list[str]:
    text = resources.files("phi").joinpath("data", filename).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def given_names() -> frozenset[str]:
    """Lowercase first names (female and male census lists)."""
    return _census("dist.female.first") | _census("dist.male.first")


@cache
def surnames() -> frozenset[str]:
    """Lowercase last names, the most frequent SURNAME_RANK_LIMIT of the census list."""
    return _census("dist.all.last", SURNAME_RANK_LIMIT)


@cache
def everyday_words() -> frozenset[str]:
    """Lowercase everyday English words: a name-list word that is also one of these needs a cue."""
    text = resources.files("vocab").joinpath("common_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def name_stopwords() -> frozenset[str]:
    """Name-list words that in clinical text are nearly always something else."""
    return frozenset(_data_lines("name_stopwords.txt"))


@cache
def eponyms() -> frozenset[str]:
    """Surnames that name diseases, signs and devices ("Parkinson", "Foley")."""
    return frozenset(_data_lines("eponyms.txt"))


@cache
def places() -> frozenset[str]:
    """Lowercase US city and town names, multi-word ones included ("ann arbor")."""
    return frozenset(name.lower() for name in _data_lines("us_places.txt"))


@cache
def states() -> dict[str, str]:
    """Lowercase US state name -> postal code."""
    pairs = (line.split("\t") for line in _data_lines("us_states.txt"))
    return {name.lower(): code for name, code in pairs}


def is_name_word(word: str) -> bool:
    """True for a word in the given-name or surname list that is not a name stopword."""
    key = word.lower().strip(".")
    return (key in given_names() or key in surnames()) and key not in name_stopwords()
