"""The bias guard: biased segments that lost speech fall back to unbiased words; whole ones cost nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import numpy as np

from medical.bias_guard import BiasGuard, GuardStats, numeric_tokens
from medical.items import Word
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Segment

HOT = DecodeOptions(hotwords=("jardiance",))


def _voiced(seconds: float) -> np.ndarray:
    return (np.random.default_rng(0).standard_normal(int(seconds * SAMPLE_RATE)) * 0.1).astype(np.float32)


def _words(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(f" {text}", start, end, 0.9) for text, start, end in spec]


def _spoken(*texts: str) -> list[Word]:
    """Words 0.4 s apart, each well heard."""
    return _words(*[(text, i * 0.4, i * 0.4 + 0.35) for i, text in enumerate(texts)])


class Scripted:
    """Answers the biased and the unbiased decode from scripts; holds a lock while iterating, as the
    Whisper engine does, so a guard that re-decoded mid-iteration would deadlock."""

    def __init__(self, biased: Callable[[float], list[Segment]], plain: Callable[[float], list[Segment]]) -> None:
        self.biased, self.plain = biased, plain
        self.calls: list[tuple[bool, float]] = []
        self._lock = threading.Semaphore(1)

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        seconds = len(audio) / SAMPLE_RATE
        self.calls.append((bool(options.hotwords), seconds))
        assert self._lock.acquire(timeout=2), "re-decoded while the first decode held the engine"
        try:
            yield from (self.biased if options.hotwords else self.plain)(seconds)
        finally:
            self._lock.release()


def _transcribe(recognizer: Scripted, audio: np.ndarray, options: DecodeOptions = HOT) -> tuple[list[str], GuardStats]:
    stats = GuardStats()
    segments = list(BiasGuard(recognizer, stats).transcribe(audio, options))
    return [w.text.strip() for s in segments for w in s.words], stats


def test_a_dose_swallowed_by_one_stretched_word_comes_back() -> None:
    biased = _words(("continue", 0.0, 0.5), ("Jardiance", 0.5, 3.5), ("daily", 3.5, 4.0))
    plain = _words(("continue", 0.1, 0.5), ("our", 0.5, 0.8), ("audience", 0.8, 1.5), ("10", 1.6, 2.0),
                   ("milligrams", 2.0, 3.0), ("daily", 3.3, 3.9))
    recognizer = Scripted(lambda s: [Segment(0.0, 4.0, "", biased)], lambda s: [Segment(0.0, s, "", plain)])
    words, stats = _transcribe(recognizer, _voiced(4.0))
    assert words == ["continue", "our", "audience", "10", "milligrams", "daily"]
    assert (stats.suspect, stats.replaced, dict(stats.reasons)) == (1, 1, {"long-word": 1})


def test_too_few_words_for_the_voiced_audio_is_checked() -> None:
    biased = _words(("metformin", 0.2, 0.9), ("daily", 5.0, 5.6))
    plain = _words(("metformin", 0.2, 0.9), ("five", 1.0, 1.3), ("hundred", 1.3, 1.8), ("milligrams", 1.9, 2.6),
                   ("twice", 2.7, 3.1), ("daily", 5.0, 5.6))
    recognizer = Scripted(lambda s: [Segment(0.0, 6.0, "", biased)], lambda s: [Segment(0.0, s, "", plain)])
    words, stats = _transcribe(recognizer, _voiced(6.0))
    assert "hundred" in words and stats.reasons["rate"] == 1


def test_a_whole_segment_is_decoded_once() -> None:
    biased = _spoken("start", "apixaban", "five", "milligrams")
    recognizer = Scripted(lambda s: [Segment(0.0, 1.6, "", biased)], lambda s: [])
    words, stats = _transcribe(recognizer, _voiced(1.6))
    assert words == ["start", "apixaban", "five", "milligrams"]
    assert recognizer.calls == [(True, 1.6)] and stats.suspect == 0


def test_a_suspect_segment_keeps_its_biased_words_when_nothing_was_lost() -> None:
    doubted = [Word(" start", 0.0, 0.4, 0.03), Word(" Kcentra", 0.4, 1.0, 0.05), Word(" now", 1.0, 1.5, 0.9)]
    plain = _words(("start", 0.0, 0.4), ("case", 0.4, 0.7), ("entry", 0.7, 1.0), ("now", 1.0, 1.5))
    recognizer = Scripted(lambda s: [Segment(0.0, 1.5, "", doubted)], lambda s: [Segment(0.0, s, "", plain)])
    words, stats = _transcribe(recognizer, _voiced(1.5))
    assert words == ["start", "Kcentra", "now"]
    assert (stats.suspect, stats.replaced, dict(stats.reasons)) == (1, 0, {"doubted": 1})


def test_voiced_audio_no_segment_covers_is_decoded_without_hotwords() -> None:
    audio = np.concatenate([_voiced(2.0), np.zeros(SAMPLE_RATE, np.float32), _voiced(2.0)])
    first = _spoken("blood", "pressure", "is", "fine")
    tail = _words(("pulse", 0.2, 0.6), ("seventy", 0.7, 1.2), ("six", 1.3, 1.7))
    recognizer = Scripted(lambda s: [Segment(0.0, 1.9, "", first)], lambda s: [Segment(0.0, s, "", tail)])
    words, stats = _transcribe(recognizer, audio)
    assert words == ["blood", "pressure", "is", "fine", "pulse", "seventy", "six"]
    assert stats.reasons["uncovered"] == 1
    # Only the uncovered stretch (1.9 s to the end, padded) is decoded again, not the whole file.
    rechecked = [seconds for hot, seconds in recognizer.calls if not hot]
    assert len(rechecked) == 1 and abs(rechecked[0] - 3.25) < 0.01


def test_without_hotwords_the_guard_is_transparent() -> None:
    plain = _words(("hello", 0.0, 0.5))
    recognizer = Scripted(lambda s: [], lambda s: [Segment(0.0, 8.0, "", plain)])
    words, stats = _transcribe(recognizer, _voiced(8.0), DecodeOptions())
    assert words == ["hello"] and recognizer.calls == [(False, 8.0)] and stats.segments == 0


def test_numeric_tokens() -> None:
    assert numeric_tokens(["metoprolol", "25", "mg", "twice", "daily"]) == 1
    assert numeric_tokens(["one", "hundred", "thirty-two", "over", "eighty,"]) == 3
    assert numeric_tokens([]) == 0
