"""Alternative transcriptions: n-best readings per segment, distinct, best first, within MaxAlternatives."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from medical.alternatives import (
    AlternativesCountError,
    _reading_key,
    check_max_alternatives,
    recognize_with_alternatives,
    segments_json,
)
from medical.audio import decode
from medical.batch import recognize
from medical.items import Word, items_from_words, transcript_text
from medical.recognizer import DecodeOptions, Segment
from medical.whisper_engine import WhisperRecognizer
from medical.whisper_nbest import Hypothesis, WhisperNBest

MAX = 3


@pytest.fixture(scope="module")
def engine() -> tuple[WhisperRecognizer, WhisperNBest]:
    recognizer = WhisperRecognizer()
    return recognizer, WhisperNBest(recognizer)


@pytest.fixture(scope="module")
def clip(fixtures_dir: Path) -> np.ndarray:
    # "And so my fellow Americans, ask not what your country can do for you": one segment, 7.5 s.
    return decode((fixtures_dir / "audio" / "jfk.flac").read_bytes()).mono[: int(7.6 * 16000)]


@pytest.fixture(scope="module")
def result(engine, clip):
    recognizer, nbest = engine
    return recognize_with_alternatives(recognizer, nbest, clip, DecodeOptions(), MAX)


def test_each_segment_has_distinct_alternatives_within_the_maximum(result) -> None:
    items, segments = result
    assert segments
    for segment in segments:
        assert 2 <= len(segment.alternatives) <= MAX  # clear speech still has runner-up readings
        keys = [_reading_key(a.items) for a in segment.alternatives]
        assert len(set(keys)) == len(keys)
        assert all(a.transcript for a in segment.alternatives)
    # The first alternatives, joined, are the transcript itself.
    assert [i for s in segments for i in s.alternatives[0].items] == items
    assert "fellow americans" in transcript_text(items).lower()


def test_the_first_alternative_is_what_plain_recognition_gives(engine, clip, result) -> None:
    recognizer, _ = engine
    items, _ = result
    assert items == recognize(recognizer, clip, DecodeOptions())


def test_nbest_readings_come_best_first_with_word_timings(engine, clip) -> None:
    _, nbest = engine
    readings = nbest.hypotheses(clip, DecodeOptions(), 4, offset=10.0)
    assert 2 <= len(readings) <= 4
    scores = [r.score for r in readings]
    assert scores == sorted(scores, reverse=True)
    assert len({" ".join(re.sub(r"[^\w' ]", " ", r.text.lower()).split()) for r in readings}) == len(readings)
    for reading in readings:
        assert reading.words
        assert all(10.0 <= w.start <= w.end <= 10.0 + len(clip) / 16000 + 0.01 for w in reading.words)
    with pytest.raises(ValueError):
        nbest.hypotheses(clip, DecodeOptions(), 0)
    with pytest.raises(ValueError):
        nbest.hypotheses(np.zeros(31 * 16000, dtype=np.float32), DecodeOptions(), 2)


def test_segments_json_has_the_batch_output_shape(result) -> None:
    _, segments = result
    out = segments_json(segments)
    assert list(out[0]) == ["start_time", "end_time", "alternatives"]
    alternative = out[0]["alternatives"][0]
    assert list(alternative) == ["transcript", "items"]
    word = alternative["items"][0]
    assert list(word) == ["start_time", "end_time", "confidence", "content", "type"]
    assert word["type"] == "pronunciation" and re.fullmatch(r"\d+\.\d+", word["start_time"])
    marks = [i for a in out[0]["alternatives"] for i in a["items"] if i["type"] == "punctuation"]
    assert all("start_time" not in m for m in marks)
    assert float(out[0]["start_time"]) <= float(word["start_time"])


@pytest.mark.parametrize("bad", [0, 1, 11])
def test_max_alternatives_outside_2_to_10_is_refused(bad: int) -> None:
    with pytest.raises(AlternativesCountError):
        check_max_alternatives(bad)
    with pytest.raises(AlternativesCountError):
        recognize_with_alternatives(None, None, np.zeros(16000, dtype=np.float32), DecodeOptions(), bad)  # type: ignore[arg-type]


class _Recorded:
    """A recognizer and n-best decoder that replay fixed readings, to pin the selection rules."""

    def __init__(self, readings: list[str]) -> None:
        self.readings = readings

    def transcribe(self, audio: np.ndarray, options: DecodeOptions):
        yield Segment(0.0, 2.0, "Take one tablet.", [Word(" Take", 0.1, 0.4, 0.9), Word(" one", 0.4, 0.7, 0.9),
                                                      Word(" tablet.", 0.7, 1.2, 0.9)])

    def hypotheses(self, audio, options, count, offset=0.0):
        out = []
        for n, text in enumerate(self.readings[:count]):
            spoken = text.split()
            out.append(Hypothesis(text, tuple(Word(" " + w, offset + 0.3 * i, offset + 0.3 * i + 0.3, 0.5)
                                              for i, w in enumerate(spoken)), -0.1 * (n + 1)))
        return out


def test_readings_differing_only_in_case_or_punctuation_are_one_reading() -> None:
    recorded = _Recorded(["Take one tablet.", "take one tablet", "Take one tablet!", "Take one tablets.",
                          "Take won tablet.", "Take one table.", "Take on tablet."])
    _, segments = recognize_with_alternatives(recorded, recorded, np.zeros(32000, np.float32), DecodeOptions(), 3)
    texts = [a.transcript for a in segments[0].alternatives]
    assert texts == ["Take one tablet.", "Take one tablets.", "Take won tablet."]


def test_items_of_an_alternative_have_times_inside_the_audio() -> None:
    recorded = _Recorded(["Take one tablet.", "Take one tablets twice daily as needed."])
    _, segments = recognize_with_alternatives(recorded, recorded, np.zeros(16000, np.float32), DecodeOptions(), 2)
    runner_up = segments[0].alternatives[1]
    assert all(0.0 <= float(i.start or 0) <= float(i.end or 0) <= 1.0 for i in runner_up.items)
    assert items_from_words([]) == []
