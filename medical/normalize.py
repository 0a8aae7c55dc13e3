"""Spoken form to written form (the guide's number and medical-term conventions), timings kept.

Why a project-owned rule engine rather than NeMo's inverse normalizer (installed; compared by
`bench/normalize.py --nemo` on the same cases and sentences, 2 shared cores): NeMo passed 145 of 308
cases, took 155 ms per 20-word sentence (target 5 ms) and 15 s to load its grammar even from its
cached .far file (target 2 s), and it is wrong for medicine in the ways ../shared/notes/text.md lists
("one twenty over eighty" becomes a clock time, "b p one hundred" breaks, no fractions, "point three",
"10 %", ZIPs with "oh"). A medical layer around it would still pay its load time and latency. The
rules here are plain Python tables: nothing to build at set-up, imported in well under a second,
about 0.2 ms per 20-word sentence.

Two entry points share one engine: `normalize_text` for a sentence, `normalize_items` for
recognizer items. Punctuation separates runs; a rule never reaches across it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from medical.items import Item
from medical.numbers import DENOMINATORS, ONES, ORDINAL_ONES, ORDINAL_TEENS, ORDINAL_TENS, SCALES, TEENS, TENS
from medical.rewrite import Out, rewrite

_NUMBER_WORDS = frozenset({
    *ONES, *TEENS, *TENS, *SCALES, "hundred", *ORDINAL_ONES, *ORDINAL_TEENS, *ORDINAL_TENS, *DENOMINATORS,
})
# Units the recognizer glues to digits ("5mg", "7am"): split so the unit rules see them.
_GLUED = re.compile(
    r"^(\d+(?:\.\d+)?)(mg|mcg|kg|g|ml|mL|cc|lbs|lb|cm|mm|am|pm|AM|PM|a\.m\.|p\.m\.|mmHg|bpm|mEq)$"
)
_LEADING = re.compile(r"^[\"'(\[¿¡]+")
_TRAILING = re.compile(r"[.,?!;:\"')\]…]+$")
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a run, with the input piece (item or chunk of text) it came from."""

    text: str
    source: int
    hyphened: bool  # joined to the previous word of the same piece by a hyphen, not glued ("5mg")


def _split_piece(text: str, source: int) -> list[_Word]:
    """One item's words: "forty-five" -> forty, five; "5mg" -> 5, mg; anything else stays whole."""
    if m := _GLUED.match(text):
        return [_Word(m.group(1), source, False), _Word(m.group(2), source, False)]
    if "-" in text:
        parts = text.split("-")
        if all(parts) and any(p.lower() in _NUMBER_WORDS or p.isdigit() for p in parts):
            return [_Word(p, source, k > 0) for k, p in enumerate(parts)]
    return [_Word(text, source, False)]


@dataclass(frozen=True, slots=True)
class _Group:
    """Written text made from input pieces `first`..`last` (inclusive)."""

    text: str
    first: int
    last: int


def _groups(words: Sequence[_Word]) -> list[_Group]:
    """Rewrite one run and fold tokens that share an input piece into one group."""
    outs: list[Out] = rewrite([w.text for w in words], [w.hyphened for w in words])
    groups: list[_Group] = []
    for out in outs:
        first, last = words[out.start].source, words[out.end - 1].source
        if groups and first <= groups[-1].last:
            prev = groups[-1]
            joiner = "-" if words[out.start].hyphened else " "
            groups[-1] = _Group(prev.text + joiner + out.text, prev.first, max(prev.last, last))
        else:
            groups.append(_Group(out.text, first, last))
    return groups


def _normalize_pieces(pieces: Sequence[str | None]) -> list[tuple[_Group | None, int]]:
    """Rewrite pieces (None marks punctuation) into groups, punctuation kept as (None, index)."""
    result: list[tuple[_Group | None, int]] = []
    run: list[_Word] = []
    for index, piece in enumerate(pieces):
        if piece is None:
            if run:
                result.extend((g, g.first) for g in _groups(run))
                run = []
            result.append((None, index))
        else:
            run.extend(_split_piece(piece, index))
    if run:
        result.extend((g, g.first) for g in _groups(run))
    return result


def normalize_items(items: Sequence[Item]) -> list[Item]:
    """Written-form items; a token made from several items spans them all with their lowest confidence.

    Punctuation items stay where they were. Times are made monotonic: no item starts before the
    previous one ended or ends before it starts, even when the recognizer's own times overlap.
    """
    pieces = [None if it.is_punctuation else it.content for it in items]
    result: list[Item] = []
    last_end: float | None = None
    for group, index in _normalize_pieces(pieces):
        if group is None:
            result.append(items[index])
            continue
        span = items[group.first:group.last + 1]
        first = span[0]
        starts = [it.start for it in span if it.start is not None]
        ends = [it.end for it in span if it.end is not None]
        start = min(starts) if starts else None
        end = max(ends) if ends else None
        if start is not None and last_end is not None and start < last_end:
            start = last_end
        if end is not None and start is not None and end < start:
            end = start
        if end is not None:
            last_end = end
        result.append(replace(first, content=group.text, start=start, end=end,
                              confidence=min(it.confidence for it in span)))
    return result


def _tokenize(text: str) -> tuple[list[str | None], list[tuple[str, str]]]:
    """Split a sentence into word pieces and punctuation; keep leading/trailing marks to put back."""
    pieces: list[str | None] = []
    marks: list[tuple[str, str]] = []  # per piece: (leading marks, "") for words, (mark, "") for punct
    for chunk in text.split():
        lead = _LEADING.match(chunk)
        leading = lead.group(0) if lead else ""
        core = chunk[len(leading):]
        trail = _TRAILING.search(core)
        trailing = trail.group(0) if trail else ""
        core = core[: len(core) - len(trailing)]
        # "a.m." and "Dr." keep their dot; a decimal point inside "3.5" is not trailing at all.
        if trailing.startswith(".") and (_ABBREVIATION.fullmatch(core) or core in {"Dr", "Mr", "Mrs", "Ms", "St"}):
            core, trailing = core + ".", trailing[1:]
        if not core:
            pieces.append(None)
            marks.append((chunk, "attach"))
            continue
        if leading:
            pieces.append(None)
            marks.append((leading, "open"))
        pieces.append(core)
        marks.append(("", "word"))
        if trailing:
            pieces.append(None)
            marks.append((trailing, "attach"))
    return pieces, marks


def normalize_text(text: str) -> str:
    """Written form of one spoken-form sentence: "blood pressure one twenty over eighty" -> "BP 120/80"."""
    pieces, marks = _tokenize(text)
    parts: list[str] = []
    open_mark = ""
    for group, index in _normalize_pieces(pieces):
        if group is not None:
            parts.append(open_mark + group.text)
            open_mark = ""
            continue
        mark, how = marks[index]
        if how == "open":
            open_mark += mark
        elif not parts:
            parts.append(mark)  # a mark before any word stands alone
        elif not open_mark:
            if mark == "." and parts[-1].endswith("."):
                mark = ""  # "7 p.m." ends the sentence with one dot, not two
            parts[-1] += mark
        else:
            open_mark += mark
    if open_mark:
        parts.append(open_mark)
    return " ".join(parts)
