"""Biasing must never drop content: a recognizer wrapper that checks each biased segment.

Hotwords help Whisper spell rare terms, but a biased prompt was once seen to drop a whole clause
with a dose (shared/notes/models.md). Decoding everything twice would double the cost, so each
biased segment gets a cheap check first: too few words for the voiced audio it spans, one word
stretched over seconds, or words the model itself doubts mark it suspect; voiced audio no segment
covers is suspect too. Only
suspect stretches are decoded again without hotwords, and the unbiased words replace the biased
ones when they hold more numbers or clearly more words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from medical.items import Word
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Recognizer, Segment

FRAME_S = 0.03
# Dictation runs 2-3.5 words a voiced second; a segment well under this lost words.
MIN_WORDS_PER_VOICED_S = 1.3
# A word "spoken" for this long is Whisper stretching one word over a clause it skipped.
MAX_WORD_S = 2.5
# A biased decode that garbles a dose ("ten milligrams" -> "onstand bilidrems") shows as words the
# model itself doubts; hotword terms it got right score low too, so this only marks the segment for a check.
MIN_WORD_CONFIDENCE = 0.08
DOUBTED_WORDS = 2
MIN_SEGMENT_LOGPROB = -1.0
# The second look is greedy: numbers and clause structure survive it, at about 60% of a beam-5 decode.
RECHECK_BEAM = 1
# Voiced audio outside every segment longer than this is re-decoded.
MIN_UNCOVERED_VOICED_S = 0.8
MIN_CHECKED_VOICED_S = 1.0
PAD_S = 0.15
# Unbiased words win when they hold more numbers, or clearly more words: this many times as many and at
# least MORE_WORDS_MIN more (a misheard term alone splits into two or three words: "case entry").
MORE_WORDS = 1.3
MORE_WORDS_MIN = 3

_NUMBER_WORDS = frozenset({
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million",
    "half", "point",
})
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^a-z]+")


@dataclass(slots=True)
class GuardStats:
    """What the guard did over its life; bench/specialty.py prints these."""

    segments: int = 0
    suspect: int = 0
    replaced: int = 0
    redecoded_s: float = 0.0
    # Why segments were re-decoded: "rate", "long-word", "doubted", "logprob", "uncovered".
    reasons: Counter[str] = field(default_factory=Counter)


def numeric_tokens(words: list[Word] | list[str]) -> int:
    """Words that carry a number: digits, or a number said as a word."""
    count = 0
    for word in words:
        text = word if isinstance(word, str) else word.text
        if _DIGIT.search(text) or _LETTERS.sub("", text.lower()) in _NUMBER_WORDS:
            count += 1
    return count


def voiced_mask(audio: np.ndarray) -> np.ndarray:
    """Per FRAME_S frame: does it hold sound well above the recording's floor."""
    frame = int(FRAME_S * SAMPLE_RATE)
    n = len(audio) // frame
    if n == 0:
        return np.zeros(0, dtype=bool)
    rms = np.sqrt(np.mean(np.square(audio[: n * frame].reshape(n, frame).astype(np.float64)), axis=1))
    loud = float(np.percentile(rms, 95))
    return np.asarray(rms > max(1e-3, 0.08 * loud))


def _voiced_s(mask: np.ndarray, start: float, end: float) -> float:
    a, b = int(start / FRAME_S), int(np.ceil(end / FRAME_S))
    return float(mask[max(a, 0) : max(b, 0)].sum()) * FRAME_S


class BiasGuard:
    """A Recognizer: decodes with the hotwords asked for, and falls back to unbiased words wherever the
    biased decode looks like it lost speech. Without hotwords it is the wrapped recognizer unchanged."""

    def __init__(self, inner: Recognizer, stats: GuardStats | None = None) -> None:
        self.inner = inner
        self.stats = stats or GuardStats()

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        if not options.hotwords:
            yield from self.inner.transcribe(audio, options)
            return
        # Drained first: the wrapped recognizer may hold its decoder until its iterator finishes.
        biased = list(self.inner.transcribe(audio, options))
        plain = replace(options, hotwords=(), beam_size=RECHECK_BEAM)
        mask = voiced_mask(audio)
        out: list[Segment] = []
        for segment in biased:
            self.stats.segments += 1
            reason = self._suspect(segment, mask)
            if reason:
                self.stats.suspect += 1
                self.stats.reasons[reason] += 1
                out.append(self._better(segment, self._redecode(audio, segment.start, segment.end, plain)))
            else:
                out.append(segment)
        for start, end in self._uncovered(biased, mask, len(audio) / SAMPLE_RATE):
            self.stats.suspect += 1
            self.stats.reasons["uncovered"] += 1
            words = self._redecode(audio, start, end, plain)
            if words:
                self.stats.replaced += 1
                out.append(Segment(start, end, "".join(w.text for w in words).strip(), words))
        out.sort(key=lambda s: s.start)
        yield from out

    @staticmethod
    def _suspect(segment: Segment, mask: np.ndarray) -> str | None:
        """Why the segment may have lost words, or None when it looks whole."""
        if any(w.end - w.start > MAX_WORD_S for w in segment.words):
            return "long-word"
        voiced = _voiced_s(mask, segment.start, segment.end)
        if voiced >= MIN_CHECKED_VOICED_S and len(segment.words) < voiced * MIN_WORDS_PER_VOICED_S:
            return "rate"
        if sum(w.confidence < MIN_WORD_CONFIDENCE for w in segment.words) >= DOUBTED_WORDS:
            return "doubted"
        if segment.avg_logprob < MIN_SEGMENT_LOGPROB:
            return "logprob"
        return None

    @staticmethod
    def _uncovered(segments: list[Segment], mask: np.ndarray, total: float) -> list[tuple[float, float]]:
        spans, cursor = [], 0.0
        for segment in sorted(segments, key=lambda s: s.start):
            if segment.start > cursor:
                spans.append((cursor, segment.start))
            cursor = max(cursor, segment.end)
        spans.append((cursor, total))
        return [(a, b) for a, b in spans if b - a > 0 and _voiced_s(mask, a, b) >= MIN_UNCOVERED_VOICED_S]

    def _redecode(self, audio: np.ndarray, start: float, end: float, options: DecodeOptions) -> list[Word]:
        lo = max(0.0, start - PAD_S)
        hi = min(len(audio) / SAMPLE_RATE, end + PAD_S)
        self.stats.redecoded_s += hi - lo
        piece = audio[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)]
        words: list[Word] = []
        for segment in self.inner.transcribe(piece, options):
            for w in segment.words:
                shifted = Word(w.text, w.start + lo, w.end + lo, w.confidence)
                # The padding may catch a neighbour's word; it belongs to the neighbour.
                if start <= (shifted.start + shifted.end) / 2 <= end:
                    words.append(shifted)
        return words

    def _better(self, segment: Segment, unbiased: list[Word]) -> Segment:
        kept = segment.words
        more_words = len(unbiased) > len(kept) * MORE_WORDS and len(unbiased) - len(kept) >= MORE_WORDS_MIN
        if numeric_tokens(unbiased) > numeric_tokens(kept) or more_words:
            self.stats.replaced += 1
            return replace(segment, text="".join(w.text for w in unbiased).strip(), words=unbiased)
        return segment
