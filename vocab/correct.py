"""After recognition: fix near-miss spellings of lexicon and vocabulary terms, and apply DisplayAs.

A window of one to six adjacent words is compared with the known terms by its letters joined
together (so "a torva statin" meets "atorvastatin") and by sound key (vocab.phonetic); what
counts as a near miss is vocab.nearmiss's call. A window changes only when the match is
unambiguous, never across punctuation, never when it holds a number or a dose word, and, for an
inexact match, never when its words are all everyday English or a single word that is itself a
lexicon word. Timings survive: a word-for-word change keeps each item's times; otherwise the new
words share the window's span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from medical.items import Item
from vocab.common import is_common_word, is_protected
from vocab.lexicon import SPECIALTIES, Lexicon, lexicon_words, load_lexicon
from vocab.nearmiss import HINTED_MIN, MAX_LENGTH_DIFFERENCE, near_miss_score
from vocab.phonetic import ipa_sound_key, sound_key
from vocab.table import VocabularyEntry

MAX_WINDOW = 6
AMBIGUITY_MARGIN = 3.0
MIN_FUZZY_LETTERS = 5
_EXACT = 1000.0
_REACH = MAX_LENGTH_DIFFERENCE + 1  # hinted matches allow one letter more


@dataclass(frozen=True, slots=True)
class CorrectionTerm:
    """A term the corrector may write: its output words and the ways it may be heard."""

    written: str
    spellings: tuple[str, ...]  # lowercase letters only: "atorvastatin", "atrialfibrillation"
    sound_keys: tuple[str, ...]
    spoken_words: tuple[str, ...] = ()  # the words as said, letters only: ("atrial", "fibrillation")
    acronym: bool = False  # matched only when heard as capitals, never as an everyday word
    # From a SoundsLike or IPA: how the term sounds, spelled out ("kaysentra") and as sound keys.
    # Someone wrote down the pronunciation, so a sound match on these needs less spelling likeness.
    hint_spellings: tuple[str, ...] = ()
    hint_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    length: int
    term: CorrectionTerm
    score: float


_NOT_LETTERS = re.compile(r"[^a-z]+")


def letters(text: str) -> str:
    """Lowercase a-z only: how words are compared, whatever their case, hyphens or apostrophes."""
    return _NOT_LETTERS.sub("", text.lower())


def terms_from_lexicon(lexicon: Lexicon) -> list[CorrectionTerm]:
    """Each lexicon term, plus each rare lowercase word inside a multi-word term on its own
    ("metoprolol" from "metoprolol tartrate"); capitalized words are left out, as names."""
    terms: list[CorrectionTerm] = []
    for entry in lexicon:
        spelling = letters(entry.text)
        hint_spellings, hint_keys = _hints(entry.sounds_like, None)
        words = entry.text.split()
        terms.append(
            CorrectionTerm(
                entry.text, (spelling,), (sound_key(spelling),), _spoken_words(entry.text),
                hint_spellings=hint_spellings, hint_keys=hint_keys,
            )
        )
        if len(words) > 1:
            for word in words:
                if word.islower() and len(word) >= 6 and not is_common_word(word):
                    terms.append(CorrectionTerm(word, (letters(word),), (sound_key(word),), (letters(word),)))
    return terms


def terms_from_vocabulary(entries: Iterable[VocabularyEntry]) -> list[CorrectionTerm]:
    """Each vocabulary entry, written as its DisplayAs; SoundsLike and IPA add sound keys."""
    terms: list[CorrectionTerm] = []
    for entry in entries:
        spelling = letters(entry.spoken)
        spoken = _spoken_words(entry.spoken)
        hint_spellings, hint_keys = _hints(entry.sounds_like, entry.ipa)
        terms.append(
            CorrectionTerm(
                entry.written, (spelling,), (sound_key(spelling),), spoken, acronym="." in entry.phrase,
                hint_spellings=hint_spellings, hint_keys=hint_keys,
            )
        )
    return terms


def _hints(sounds_like: str | None, ipa: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    spellings = (letters(sounds_like),) if sounds_like else ()
    keys = tuple(sorted({sound_key(s) for s in spellings} | ({ipa_sound_key(ipa)} if ipa else set())))
    return spellings, keys


def _spoken_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (letters(word) for word in text.split()) if w)


class TermCorrector:
    """Corrects transcript items toward a fixed set of terms; build once per job or stream."""

    def __init__(self, terms: Iterable[CorrectionTerm]) -> None:
        # A later term with the same spelling wins: vocabulary entries are passed after lexicons.
        by_spelling: dict[str, CorrectionTerm] = {}
        for term in terms:
            for spelling in term.spellings:
                by_spelling[spelling] = term
        self._by_spelling = by_spelling
        # Spellings and pronunciations spelled out, each pointing to its term, by length, for fuzzy search.
        self._choices: dict[str, CorrectionTerm] = {}
        self._by_sound: dict[str, list[CorrectionTerm]] = {}
        for term in dict.fromkeys(by_spelling.values()):
            if term.acronym:
                continue
            for choice in (*term.spellings, *term.hint_spellings):
                if len(choice) >= MIN_FUZZY_LETTERS:
                    self._choices.setdefault(choice, term)
            for key in {*term.sound_keys, *term.hint_keys}:
                self._by_sound.setdefault(key, []).append(term)
        self._by_length: dict[int, list[str]] = {}
        for choice in self._choices:
            self._by_length.setdefault(len(choice), []).append(choice)
        self._longest = max((len(s) for s in (*by_spelling, *self._choices)), default=0)

    @classmethod
    def for_request(cls, specialty: str | None, entries: Sequence[VocabularyEntry] = ()) -> TermCorrector:
        """The corrector for a job or stream: the specialty's lexicon, then its custom vocabulary."""
        terms: list[CorrectionTerm] = []
        if specialty in SPECIALTIES:
            terms.extend(terms_from_lexicon(load_lexicon(specialty)))
        terms.extend(terms_from_vocabulary(entries))
        return cls(terms)

    def correct(self, items: Sequence[Item]) -> list[Item]:
        """The items with confident near-misses replaced and DisplayAs applied; others untouched."""
        matches = self._matches(items)
        out: list[Item] = []
        i = 0
        for match in matches:
            out.extend(items[i : match.start])
            out.extend(_rewrite(items[match.start : match.start + match.length], match.term.written))
            i = match.start + match.length
        out.extend(items[i:])
        return out

    def _matches(self, items: Sequence[Item]) -> list[_Match]:
        heard = [_Heard.of(item) for item in items]
        found: list[_Match] = []
        for start in range(len(items)):
            joined = ""
            for length in range(1, MAX_WINDOW + 1):
                end = start + length
                if end > len(items) or not heard[end - 1].usable:
                    break
                joined += heard[end - 1].letters
                if len(joined) > self._longest + _REACH:
                    break  # longer windows only get further from every term
                match = self._best(start, heard[start:end], joined)
                if match is not None:
                    found.append(match)
        # Exact matches claim their words first (so a right word is never pulled into a fuzzy
        # window), then the best scores, then the longer windows.
        found.sort(key=lambda m: (-m.score, -m.length, m.start))
        taken = [False] * len(items)
        chosen: list[_Match] = []
        for match in found:
            span = range(match.start, match.start + match.length)
            if any(taken[k] for k in span):
                continue
            for k in span:
                taken[k] = True
            if not _already_written(items[match.start : match.start + match.length], match.term.written):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def _best(self, start: int, window: Sequence[_Heard], joined: str) -> _Match | None:
        exact = self._by_spelling.get(joined)
        if exact is not None and _exact_allowed(window, exact, joined):
            return _Match(start, len(window), exact, _EXACT)
        if not _fuzzy_allowed(window, joined):
            return None
        key = _cached_sound_key(joined)
        common_edge = len(window) > 1 and (window[0].everyday or window[-1].everyday)
        nearby = [c for n in range(len(joined) - _REACH, len(joined) + _REACH + 1) for c in self._by_length.get(n, ())]
        pairs = [
            (choice, self._choices[choice])
            for choice, _, _ in process.extract(joined, nearby, scorer=fuzz.ratio, score_cutoff=HINTED_MIN, limit=5)
        ]
        pairs += [(c, t) for t in self._by_sound.get(key, ()) for c in (*t.spellings, *t.hint_spellings)]
        scored: dict[CorrectionTerm, float] = {}
        for choice, term in pairs:
            score = near_miss_score(joined, key, choice, term.sound_keys, term.hint_keys, common_edge=common_edge)
            if score is not None and score > scored.get(term, 0.0):
                scored[term] = score
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        best_term, best_score = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        if runner_up and runner_up[1] > best_score - AMBIGUITY_MARGIN and runner_up[0].written != best_term.written:
            return None  # two terms fit about as well: not confident
        return _Match(start, len(window), best_term, best_score)


@dataclass(frozen=True, slots=True)
class _Heard:
    """What the matcher needs of one item, worked out once per item."""

    content: str
    letters: str
    usable: bool  # a word, not punctuation, a number or a dose word
    everyday: bool  # common English, or too short to tell

    @classmethod
    def of(cls, item: Item) -> _Heard:
        spelled = letters(item.content)
        usable = not item.is_punctuation and bool(spelled) and not is_protected(item.content)
        everyday = len(spelled) < 3 or is_common_word(spelled)
        return cls(item.content, spelled, usable, everyday)


@lru_cache(maxsize=65536)
def _cached_sound_key(joined: str) -> str:
    return sound_key(joined)


def _exact_allowed(window: Sequence[_Heard], term: CorrectionTerm, joined: str) -> bool:
    if term.acronym:
        # "ALL" or "A L L" or "A.L.L." is the acronym; "all" is the word.
        return all(word.content.replace(".", "").isupper() for word in window)
    if len(window) == 1 or term.spoken_words == tuple(word.letters for word in window):
        return True
    # Words glued into a term ("a torva statin") must spell something long enough not to be chance;
    # everyday words split anew into a multi-word term ("bones can" -> "bone scan") are left alone.
    if len(joined) < 7:
        return False
    return len(term.spoken_words) <= 1 or not all(word.everyday for word in window)


def _fuzzy_allowed(window: Sequence[_Heard], joined: str) -> bool:
    if len(joined) < MIN_FUZZY_LETTERS:
        return False
    if len(window) == 1 and joined in lexicon_words():
        return False  # a real medical word ("hypercalcemia") is no misspelling of a neighbour
    # Something must have been misheard: a word of three letters or more that is not everyday English.
    return not all(word.everyday for word in window)


def _already_written(window: Sequence[Item], written: str) -> bool:
    # Same words; case kept unless the term has capitals of its own (a brand name, a DisplayAs)
    # that the recognizer missed. Shouted capitals ("ATRIAL FIBRILLATION") are left as they are.
    return [letters(w) for w in written.split()] == [letters(item.content) for item in window] and all(
        item.content == word or item.content.isupper() or not any(c.isupper() for c in word)
        for item, word in zip(window, written.split(), strict=True)
    )


def _rewrite(window: Sequence[Item], written: str) -> list[Item]:
    words = written.split()
    first = window[0]
    if first.content[:1].isupper() and not first.content.isupper() and words and words[0][:1].islower():
        words[0] = words[0][:1].upper() + words[0][1:]
    if len(words) == len(window):
        return [item.with_content(word) for item, word in zip(window, words, strict=True)]
    confidence = min(item.confidence for item in window)
    start, end = window[0].start, window[-1].end
    if start is None or end is None:
        return [replace(first, content=word, confidence=confidence) for word in words]
    # New words share the window's span in proportion to their length.
    total = sum(len(word) for word in words)
    out: list[Item] = []
    at = start
    for n, word in enumerate(words):
        stop = end if n == len(words) - 1 else round(at + (end - start) * len(word) / total, 3)
        out.append(replace(first, content=word, start=at, end=stop, confidence=confidence))
        at = stop
    return out
