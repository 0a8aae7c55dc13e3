"""Transcript items: the unit every stage after recognition works on.

A recognizer yields words with timings; everything downstream (normalization, PHI,
speaker labels, output assembly) works on a flat list of `Item`s in spoken order,
the same shape as the `items` of a Transcribe transcript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

ItemType = Literal["pronunciation", "punctuation"]

# Punctuation the recognizer attaches to words; it becomes items of its own, as in Transcribe output.
_LEADING = re.compile(r"^([\"'(\[¿¡]+)")
_TRAILING = re.compile(r"([.,?!;:\"')\]…]+)$")


@dataclass(frozen=True, slots=True)
class Item:
    """One word or punctuation mark. Punctuation has no timing, as in Transcribe output."""

    content: str
    type: ItemType = "pronunciation"
    start: float | None = None
    end: float | None = None
    confidence: float = 1.0
    speaker: str | None = None
    channel: str | None = None

    @property
    def is_punctuation(self) -> bool:
        return self.type == "punctuation"

    def with_content(self, content: str) -> Item:
        return replace(self, content=content)


@dataclass(frozen=True, slots=True)
class Word:
    """A recognized word as the engine returns it, punctuation possibly attached."""

    text: str
    start: float
    end: float
    confidence: float


def items_from_words(words: Iterable[Word]) -> list[Item]:
    """Split engine words into pronunciation items and separate punctuation items.

    Whisper writes "Hello," or "(left" as one word; Transcribe writes the mark as its
    own item after (or before) the word. Apostrophes inside a word ("patient's") stay.
    """
    items: list[Item] = []
    for word in _join_continuations(words):
        text = word.text.strip()
        if not text:
            continue
        lead = _LEADING.match(text)
        leading = lead.group(1) if lead else ""
        core = text[len(leading):]
        trail = _TRAILING.search(core)
        trailing = trail.group(1) if trail else ""
        core = core[: len(core) - len(trailing)] if trailing else core
        # Quotes and brackets are dropped: Transcribe output carries only sentence punctuation.
        if not core:
            marks = [c for c in text if c in ".,?!;:"]
            if marks and items:
                items.append(Item(marks[0], "punctuation", confidence=0.0))
            continue
        # A decimal or abbreviation point inside the word ("3.5", "a.m.") is kept;
        # only the final sentence mark(s) split off.
        if trailing == "." and _keeps_final_dot(core):
            core, trailing = core + ".", ""
        items.append(Item(core, "pronunciation", word.start, word.end, word.confidence))
        for mark in _sentence_marks(trailing):
            items.append(Item(mark, "punctuation", confidence=0.0))
    return items


def _join_continuations(words: Iterable[Word]) -> list[Word]:
    """Whisper starts every word with a space; a piece without one ("38" + ".5") belongs to the word before."""
    joined: list[Word] = []
    for word in words:
        if joined and word.text and not word.text[0].isspace():
            last = joined[-1]
            joined[-1] = Word(last.text + word.text, last.start, max(last.end, word.end),
                              min(last.confidence, word.confidence))
        else:
            joined.append(word)
    return joined


def _keeps_final_dot(core: str) -> bool:
    # "a.m." / "p.m." / "Dr." keep their dot as part of the word.
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", core)) or core in {"Dr", "Mr", "Mrs", "Ms", "St"}


def _sentence_marks(trailing: str) -> list[str]:
    marks = [c for c in trailing if c in ".,?!;:"]
    if not marks:
        return []
    # "?!" or ".," collapse to the strongest single mark, as a transcript shows one.
    for strong in ("?", "!", ".", ";", ":", ","):
        if strong in marks:
            return [strong]
    return []


def transcript_text(items: Sequence[Item]) -> str:
    """Join items the way Transcribe writes a transcript: punctuation hugs the word before it."""
    parts: list[str] = []
    for item in items:
        if item.is_punctuation and parts:
            parts[-1] += item.content
        else:
            parts.append(item.content)
    return " ".join(parts)
