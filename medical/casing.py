"""Sentence casing after biasing: a hotword prompt can make Whisper start sentences in lower case."""

from __future__ import annotations

from collections.abc import Sequence

from medical.items import Item

_SENTENCE_END = {".", "?", "!"}


def sentence_case(items: Sequence[Item]) -> list[Item]:
    """Capitalize the first word of the transcript and of each sentence; nothing else changes."""
    out: list[Item] = []
    starts_sentence = True
    for item in items:
        if item.is_punctuation:
            starts_sentence = item.content in _SENTENCE_END
            out.append(item)
            continue
        content = item.content
        # Only plain lower-case words: "mg", "pH" or "eGFR" mid-word casing is left as written.
        if starts_sentence and content[:1].islower() and (content.isalpha() and content.islower()):
            item = item.with_content(content[0].upper() + content[1:])
        out.append(item)
        starts_sentence = False
    return out
