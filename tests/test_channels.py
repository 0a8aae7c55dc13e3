"""Channel identification: each channel transcribed on its own, merged by time, the guide's channel_labels."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from medical.audio import decode
from medical.channels import (
    ChannelCountError,
    channel_labels_json,
    check_channel_count,
    merge_by_time,
    transcribe_channels,
)
from medical.items import Item, transcript_text
from medical.recognizer import DecodeOptions
from medical.whisper_engine import WhisperRecognizer

LEFT = "He began a confused complaint against the wizard, who had vanished behind the curtain on the left."
RIGHT = "The horizon seems extremely distant."


def words(text: str) -> list[str]:
    return re.sub(r"[^\w' ]", " ", text.lower()).split()


@pytest.fixture(scope="module")
def stereo(fixtures_dir: Path):
    audio = decode((fixtures_dir / "audio" / "stereo_diarization.wav").read_bytes(), keep_channels=True)
    assert audio.channels.shape[0] == 2
    reports: list[tuple[float, float]] = []
    result = transcribe_channels(
        WhisperRecognizer(), audio.channels, DecodeOptions(), progress=lambda d, t: reports.append((d, t))
    )
    return audio, result, reports


def test_each_channel_gets_its_own_speakers_text(stereo) -> None:
    _, result, _ = stereo
    left, right = result.channels
    assert words(transcript_text(left)) == words(LEFT)
    assert words(transcript_text(right)) == words(RIGHT)
    assert {i.channel for i in left} == {"ch_0"}
    assert {i.channel for i in right} == {"ch_1"}


def test_the_overall_items_are_both_channels_merged_by_time(stereo) -> None:
    _, result, _ = stereo
    merged = result.items
    assert len(merged) == sum(len(c) for c in result.channels)
    starts = [i.start for i in merged if not i.is_punctuation]
    assert starts == sorted(starts)
    # Both people talk at once here: the merged words interleave.
    channels = [i.channel for i in merged if not i.is_punctuation]
    assert channels[:4].count("ch_0") and channels[:4].count("ch_1")
    # Each channel's words keep their order inside the merge.
    for label, items in zip(("ch_0", "ch_1"), result.channels, strict=True):
        assert [i.content for i in merged if i.channel == label] == [i.content for i in items]


def test_progress_runs_over_both_channels(stereo) -> None:
    audio, _, reports = stereo
    total = 2 * audio.channels.shape[1] / 16000
    assert reports[-1] == pytest.approx((total, total))
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
    assert any(d > total / 2 for d, _ in reports[:-1])


def test_channel_labels_json_has_the_guides_shape(stereo) -> None:
    _, result, _ = stereo
    out = channel_labels_json(result.channels)
    assert out["number_of_channels"] == 2
    assert [c["channel_label"] for c in out["channels"]] == ["ch_0", "ch_1"]
    first = out["channels"][1]["items"][0]
    assert list(first) == ["start_time", "end_time", "alternatives", "type"]
    assert first["type"] == "pronunciation"
    assert first["alternatives"][0]["content"] == "The"
    assert re.fullmatch(r"\d+\.\d+", first["start_time"])
    assert re.fullmatch(r"[01]\.\d+", first["alternatives"][0]["confidence"])
    last = out["channels"][0]["items"][-1]
    assert last == {"alternatives": [{"confidence": "0.0", "content": "."}], "type": "punctuation"}


def test_more_than_two_channels_is_refused_before_any_decoding() -> None:
    class Refuses:
        def transcribe(self, audio, options):
            raise AssertionError("must not decode")

    with pytest.raises(ChannelCountError, match="at most 2 channels"):
        transcribe_channels(Refuses(), np.zeros((3, 16000), dtype=np.float32), DecodeOptions())
    with pytest.raises(ChannelCountError):
        check_channel_count(6)
    with pytest.raises(ChannelCountError):
        transcribe_channels(Refuses(), np.zeros((2, 2, 10), dtype=np.float32), DecodeOptions())
    check_channel_count(2)
    check_channel_count(1)


def test_merge_keeps_punctuation_behind_its_word_and_orders_ties_by_channel() -> None:
    ch0 = [Item("Left", "pronunciation", 0.5, 0.9, 1.0, channel="ch_0"), Item(".", "punctuation", channel="ch_0")]
    ch1 = [
        Item("Right", "pronunciation", 0.5, 0.8, 1.0, channel="ch_1"),
        Item(",", "punctuation", channel="ch_1"),
        Item("now", "pronunciation", 0.7, 1.0, 1.0, channel="ch_1"),
    ]
    merged = merge_by_time([ch0, ch1])
    assert [(i.content, i.channel) for i in merged] == [
        ("Left", "ch_0"), (".", "ch_0"), ("Right", "ch_1"), (",", "ch_1"), ("now", "ch_1"),
    ]
    assert merge_by_time([[], []]) == []
