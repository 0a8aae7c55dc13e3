"""Specialty lexicons: load the curated term list of a medical specialty and pick the terms to bias with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from vocab.common import is_common_word

SPECIALTIES = ("PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY")
CATEGORIES = ("drug", "condition", "procedure", "anatomy", "phrase")
# Turns per round when picking bias terms: drug names are the words a recognizer cannot spell.
_BIAS_TURNS = (("drug", 3), ("condition", 2), ("procedure", 1), ("anatomy", 1), ("phrase", 1))


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    """A term as written in a note, its category, and optionally how it is said (hyphen-separated)."""

    text: str
    category: str
    sounds_like: str | None = None

    @property
    def is_everyday(self) -> bool:
        """True when every word of the term is common English, so the recognizer already writes it."""
        return all(is_common_word(word) for word in self.text.split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The lexicon of one specialty, with the provenance and license its file declares."""

    specialty: str
    provenance: str
    license: str
    terms: tuple[LexiconTerm, ...]

    def __iter__(self) -> Iterator[LexiconTerm]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


class LexiconError(ValueError):
    """A lexicon file is malformed or the specialty has none."""


@cache
def load_lexicon(specialty: str) -> Lexicon:
    """The lexicon of a specialty (PRIMARYCARE, CARDIOLOGY, ...); LexiconError for any other name."""
    if specialty not in SPECIALTIES:
        raise LexiconError(f"No lexicon for specialty {specialty!r}; known: {', '.join(SPECIALTIES)}.")
    resource = resources.files("vocab.lexicons").joinpath(f"{specialty.lower()}.tsv")
    return parse_lexicon(specialty, resource.read_text(encoding="utf-8"))


def parse_lexicon(specialty: str, text: str) -> Lexicon:
    """Read a lexicon file: '# Key: value' header lines, a column line, then term<TAB>category<TAB>sounds_like."""
    header: dict[str, str] = {}
    terms: list[LexiconTerm] = []
    seen_columns = False
    last_key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            body = line[1:].strip()
            key, sep, value = body.partition(":")
            if sep and key.strip() and " " not in key.strip():
                last_key = key.strip().lower()
                header[last_key] = value.strip()
            elif last_key:
                header[last_key] += " " + body
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if not seen_columns:
            if fields[:2] != ["term", "category"]:
                raise LexiconError(f"{specialty} lexicon line {number}: expected the column line 'term<TAB>category'.")
            seen_columns = True
            continue
        if len(fields) not in (2, 3) or not fields[0].strip():
            raise LexiconError(f"{specialty} lexicon line {number}: expected term<TAB>category[<TAB>sounds_like].")
        if fields[1] not in CATEGORIES:
            raise LexiconError(f"{specialty} lexicon line {number}: unknown category {fields[1]!r}.")
        sounds_like = fields[2].strip() if len(fields) == 3 and fields[2].strip() else None
        terms.append(LexiconTerm(fields[0].strip(), fields[1], sounds_like))
    if "provenance" not in header or "license" not in header:
        raise LexiconError(f"{specialty} lexicon has no '# Provenance:' and '# License:' header.")
    if not terms:
        raise LexiconError(f"{specialty} lexicon has no terms.")
    return Lexicon(specialty, header["provenance"], header["license"], tuple(terms))


def bias_terms(lexicon: Lexicon, limit: int) -> tuple[LexiconTerm, ...]:
    """At most `limit` terms worth biasing toward, most useful first.

    Terms made only of everyday words are skipped: the recognizer writes them unaided and they
    would take prompt room from the drug names it cannot spell. Categories take turns (drugs
    three, conditions two, the rest one), in file order within each, so a short list still
    covers drugs, conditions and procedures.
    """
    queues = {
        category: [t for t in lexicon.terms if t.category == category and not t.is_everyday]
        for category, _ in _BIAS_TURNS
    }
    chosen: list[LexiconTerm] = []
    while len(chosen) < limit and any(queues.values()):
        for category, turns in _BIAS_TURNS:
            for _ in range(turns):
                if queues[category] and len(chosen) < limit:
                    chosen.append(queues[category].pop(0))
    return tuple(chosen)


@cache
def lexicon_words() -> frozenset[str]:
    """Every word of every specialty lexicon, lowercase letters only: real words, never near misses."""
    return frozenset(
        "".join(ch for ch in word.lower() if "a" <= ch <= "z")
        for specialty in SPECIALTIES
        for term in load_lexicon(specialty)
        for word in term.text.split()
    )
