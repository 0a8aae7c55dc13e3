"""What to bias the recognizer toward: hotwords from a custom vocabulary and a specialty lexicon.

Whisper takes hotwords as text placed before the audio's decoding prompt; faster-whisper keeps
at most 223 tokens of it and the previous segment's text shares the same window. A long prompt
was seen to make the model drop a dose (shared/notes/models.md), so the list is kept short.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from vocab.lexicon import SPECIALTIES, bias_terms, load_lexicon
from vocab.table import VocabularyEntry

HOTWORD_TOKEN_BUDGET = 150
HOTWORD_SEPARATOR = ", "
# Measured on the lexicons with Whisper's tokenizer: a whole prompt averages about 3 characters
# a token and single drug names go down to 1.6; 2 keeps a whole list's estimate above its real count.
_CHARS_PER_TOKEN = 2.0
_LEXICON_CANDIDATES = 80


def estimate_tokens(text: str) -> int:
    """A safe-side guess of Whisper's token count for a piece of prompt text."""
    return math.ceil(len(text) / _CHARS_PER_TOKEN)


def hotwords_for(
    entries: Iterable[VocabularyEntry],
    specialty: str | None,
    *,
    budget_tokens: int = HOTWORD_TOKEN_BUDGET,
    count_tokens: Callable[[str], int] = estimate_tokens,
) -> tuple[str, ...]:
    """The phrases to bias toward, written as they are spoken, fitting `budget_tokens`.

    The custom vocabulary comes first (the user asked for those words), entries with a SoundsLike
    or IPA before the rest: a pronunciation hint marks a word the recognizer is least likely to
    spell. The specialty lexicon fills what room is left. Pass the recognizer's tokenizer as
    `count_tokens` (text -> token count) to fill the budget exactly.
    """
    entries = tuple(entries)
    hinted = [e.spoken for e in entries if e.sounds_like or e.ipa]
    plain = [e.spoken for e in entries if not (e.sounds_like or e.ipa)]
    lexicon: list[str] = []
    if specialty in SPECIALTIES:
        lexicon = [term.text for term in bias_terms(load_lexicon(specialty), _LEXICON_CANDIDATES)]
    return _fit(_unique([*hinted, *plain, *lexicon]), budget_tokens, count_tokens)


def hotwords_prompt(hotwords: Iterable[str]) -> str:
    """The hotwords as the one string faster-whisper's `hotwords` argument takes."""
    return HOTWORD_SEPARATOR.join(hotwords)


def display_map(entries: Iterable[VocabularyEntry]) -> dict[str, str]:
    """Spoken form (lowercase) -> DisplayAs, for the entries that set a DisplayAs."""
    return {e.spoken.lower(): e.display_as for e in entries if e.display_as is not None}


def _unique(phrases: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for phrase in phrases:
        key = phrase.lower()
        if phrase and key not in seen:
            seen.add(key)
            out.append(phrase)
    return out


def _fit(phrases: list[str], budget: int, count_tokens: Callable[[str], int]) -> tuple[str, ...]:
    chosen: list[str] = []
    for phrase in phrases:
        candidate = [*chosen, phrase]
        if count_tokens(" " + hotwords_prompt(candidate)) <= budget:
            chosen = candidate
        # A phrase too long for the room left is skipped; a shorter one after it may still fit.
    return tuple(chosen)
