"""Speaker diarization: synthetic conversations with distinct voices, item labels, the batch JSON, streams."""

from __future__ import annotations

import shutil
from collections import Counter

import numpy as np
import pytest

from bench.synth import VOICES, Turn, conversation
from medical.diarize import (
    SpeakerCountError,
    SpeakerTurn,
    diarize,
    label_items,
    speaker_labels_json,
)
from medical.items import Item
from medical.recognizer import SAMPLE_RATE
from medical.stream_speakers import StreamSpeakers, speaker_changes

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

TWO = [
    ("clinician", "Good morning. What brings you in to the clinic today?"),
    ("patient", "I have had a sharp pain in my lower back for about a week now."),
    ("clinician", "Does the pain travel down either of your legs when you bend over?"),
    ("patient", "Yes, sometimes it runs down the back of my left thigh."),
    ("clinician", "I will examine you and then we can talk about some treatment options."),
]
THREE = [
    ("nurse", "Your blood pressure today is a little high at one forty over ninety."),
    ("clinician", "Thank you. Have you been taking the lisinopril every morning?"),
    ("patient", "Most days, but I forgot it a few times last week."),
    ("nurse", "Your heart rate is seventy two and your oxygen is ninety eight percent."),
    ("clinician", "Please take it every day and we will check your pressure again in a month."),
    ("patient", "All right, I will set a reminder on my phone."),
]


def _speech_share(reference: list[Turn], turns: list[SpeakerTurn]) -> tuple[dict[str, str], float]:
    """Each reference speaker's most frequent hypothesis label (10 ms frames) and the share of speech
    whose label is its speaker's."""
    frames: dict[str, Counter[str]] = {}
    for ref in reference:
        for t in np.arange(ref.start, ref.end, 0.01):
            label = next((h.speaker for h in turns if h.start <= t < h.end), "none")
            frames.setdefault(ref.speaker, Counter())[label] += 1
    mapping = {speaker: counts.most_common(1)[0][0] for speaker, counts in frames.items()}
    right = sum(counts[mapping[speaker]] for speaker, counts in frames.items())
    return mapping, right / sum(sum(c.values()) for c in frames.values())


@pytest.fixture(scope="module")
def two_speakers() -> tuple[np.ndarray, list[Turn]]:
    return conversation(TWO, VOICES[0:2])


@pytest.fixture(scope="module")
def three_speakers() -> tuple[np.ndarray, list[Turn]]:
    return conversation(THREE, VOICES[2:5])


def test_two_voices_are_separated_with_consistent_labels(two_speakers: tuple[np.ndarray, list[Turn]]) -> None:
    audio, reference = two_speakers
    turns = diarize(audio, max_speakers=2)
    mapping, share = _speech_share(reference, turns)
    assert sorted(mapping.values()) == ["spk_0", "spk_1"]  # one label per voice, never shared
    assert mapping["clinician"] == "spk_0"  # labels count from the first to speak
    assert share >= 0.9
    assert [t.start for t in turns] == sorted(t.start for t in turns)
    assert all(t.end > t.start for t in turns)


def test_three_voices_are_found_when_only_a_maximum_is_given(
    three_speakers: tuple[np.ndarray, list[Turn]],
) -> None:
    audio, reference = three_speakers
    turns = diarize(audio, max_speakers=6)
    mapping, share = _speech_share(reference, turns)
    assert len({t.speaker for t in turns}) == 3
    assert len(set(mapping.values())) == 3
    assert share >= 0.9


def test_one_voice_gets_one_label_even_when_more_are_allowed() -> None:
    lines = [("a", TWO[0][1]), ("b", TWO[2][1]), ("c", TWO[4][1])]
    audio, _ = conversation(lines, {"a": "en-us", "b": "en-us", "c": "en-us"})
    turns = diarize(audio, max_speakers=4)
    assert {t.speaker for t in turns} == {"spk_0"}


def test_a_maximum_below_the_voices_present_is_respected(three_speakers: tuple[np.ndarray, list[Turn]]) -> None:
    audio, _ = three_speakers
    assert len({t.speaker for t in diarize(audio, max_speakers=2)}) == 2


@pytest.mark.parametrize("bad", [0, 11, -2])
def test_max_speakers_outside_the_range_is_refused(bad: int) -> None:
    with pytest.raises(SpeakerCountError):
        diarize(np.zeros(SAMPLE_RATE, dtype=np.float32), max_speakers=bad)


def test_silence_has_no_turns() -> None:
    assert diarize(np.zeros(3 * SAMPLE_RATE, dtype=np.float32), max_speakers=2) == []


TURNS = [SpeakerTurn(0.0, 1.5, "spk_0"), SpeakerTurn(2.0, 3.0, "spk_1")]
ITEMS = [
    Item("Hello", "pronunciation", 0.1, 0.6, 0.9),
    Item("there", "pronunciation", 0.6, 1.2, 0.8),
    Item(".", "punctuation", confidence=0.0),
    Item("Hi", "pronunciation", 2.1, 2.5, 0.95),
    Item("!", "punctuation", confidence=0.0),
    Item("Bye", "pronunciation", 3.4, 3.8, 0.7),  # after every turn: the nearest one
]


def test_label_items_puts_punctuation_with_its_word() -> None:
    labeled = label_items(ITEMS, TURNS)
    assert [i.speaker for i in labeled] == ["spk_0", "spk_0", "spk_0", "spk_1", "spk_1", "spk_1"]
    assert [i.content for i in labeled] == [i.content for i in ITEMS]


def test_speaker_labels_json_has_the_guides_shape() -> None:
    out = speaker_labels_json(ITEMS, TURNS)
    assert out["speakers"] == 2
    segments = out["segments"]
    assert isinstance(segments, list)
    assert [s["speaker_label"] for s in segments] == ["spk_0", "spk_1"]
    first = segments[0]
    assert list(first) == ["start_time", "speaker_label", "end_time", "items"]
    assert (first["start_time"], first["end_time"]) == ("0.0", "1.5")  # the turn around its words
    assert first["items"] == [
        {"start_time": "0.1", "speaker_label": "spk_0", "end_time": "0.6"},
        {"start_time": "0.6", "speaker_label": "spk_0", "end_time": "1.2"},
    ]
    assert segments[1]["end_time"] == "3.8"  # stretched to its last word
    assert len(segments[1]["items"]) == 2  # punctuation is not listed


def test_words_from_the_recognizer_land_on_the_right_speaker(
    two_speakers: tuple[np.ndarray, list[Turn]],
) -> None:
    from medical.batch import recognize
    from medical.recognizer import DecodeOptions
    from medical.whisper_engine import WhisperRecognizer

    audio, reference = two_speakers
    turns = diarize(audio, max_speakers=2)
    items = label_items(recognize(WhisperRecognizer(), audio, DecodeOptions(beam_size=1)), turns)
    words = [i for i in items if not i.is_punctuation]
    assert len(words) > 40
    mapping, _ = _speech_share(reference, turns)
    right = 0
    for word in words:
        middle = (float(word.start or 0) + float(word.end or 0)) / 2
        truth = min(reference, key=lambda t: max(t.start - middle, middle - t.end, 0.0))
        right += word.speaker == mapping[truth.speaker]
    assert right / len(words) >= 0.95


def test_stream_labels_follow_the_voices_across_finals(two_speakers: tuple[np.ndarray, list[Turn]]) -> None:
    audio, reference = two_speakers
    tracker = StreamSpeakers()
    labels = []
    for turn in reference:
        start, end = max(0.0, turn.start - 0.2), turn.end + 0.2
        piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        items = [Item("word", "pronunciation", turn.start, turn.end, 1.0)]
        labeled = tracker.label(piece, start, items)
        labels.append(labeled[0].speaker)
    assert labels == ["0", "1", "0", "1", "0"]
    assert tracker.speakers == 2


def test_speaker_changes_mark_where_a_new_voice_starts() -> None:
    items = [replace_speaker(i, s) for i, s in zip(ITEMS, ["0", "0", "0", "1", "1", "0"], strict=True)]
    assert speaker_changes(items) == [3, 5]
    assert speaker_changes(items, previous_speaker="1") == [0, 3, 5]
    assert speaker_changes([]) == []


def replace_speaker(item: Item, speaker: str) -> Item:
    from dataclasses import replace

    return replace(item, speaker=speaker)


def test_a_long_recording_is_clustered_on_a_sample_and_every_window_labelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from medical import speaker_cluster

    monkeypatch.setattr(speaker_cluster, "MAX_CLUSTERED", 200)  # the real cap (1500) takes ~20 s here
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, size=500)
    voices = rng.normal(size=(2, 256))
    embeddings = voices[truth] + 0.4 * rng.normal(size=(len(truth), 256))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    labels = speaker_cluster.cluster_embeddings(embeddings, 4, 0.75)
    assert len(labels) == len(truth)
    assert set(labels.tolist()) == {0, 1}
    assert (labels == truth).all() or (labels != truth).all()
