"""The synthetic speech and dev set that benchmarks and recognition tests run on."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from bench.devset import (
    SPECIALTIES,
    Conversation,
    ConversationTurn,
    build_conversations,
    build_dictations,
    load_conversations,
    load_dictations,
)
from bench.synth import SILENCE_LEVEL, VOICES, conversation, synthesize, trim_silence, write_wav

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
PHRASE = "Metoprolol twenty five milligrams twice daily."


def spectral_centroid(audio: np.ndarray, sample_rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(trim_silence(audio)))
    frequencies = np.fft.rfftfreq(len(trim_silence(audio)), 1 / sample_rate)
    return float((spectrum * frequencies).sum() / spectrum.sum())


@needs_espeak
def test_synthesize_gives_mono_float_speech_at_the_requested_rate() -> None:
    audio = synthesize(PHRASE, "en-us", sample_rate=16000)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 1.5 < len(audio) / 16000 < 6.0
    assert np.abs(audio).max() <= 1.0
    assert np.sqrt(np.mean(trim_silence(audio) ** 2)) > 0.02  # speech, not silence

    narrow = synthesize(PHRASE, "en-us", sample_rate=8000)
    assert len(narrow) / 8000 == pytest.approx(len(audio) / 16000, abs=0.01)


@needs_espeak
def test_voices_sound_different() -> None:
    male, female = synthesize(PHRASE, "en-us"), synthesize(PHRASE, "en-us+f2")
    # A female variant puts its energy higher in the spectrum.
    assert spectral_centroid(female) > 1.1 * spectral_centroid(male)
    renders = [synthesize(PHRASE, voice) for voice in VOICES]
    for index, one in enumerate(renders):
        for other in renders[index + 1 :]:
            assert len(one) != len(other) or not np.allclose(one, other, atol=1e-3)


@needs_espeak
def test_every_variant_in_voices_changes_the_voice() -> None:
    # espeak-ng ignores some variants without a word (en-gb+f4 sounds exactly like en-gb).
    for voice in VOICES:
        base, _, variant = voice.partition("+")
        if variant:
            plain, varied = synthesize(PHRASE, base), synthesize(PHRASE, voice)
            assert len(plain) != len(varied) or not np.allclose(plain, varied, atol=1e-3), voice


@needs_espeak
def test_synthesis_is_deterministic() -> None:
    assert np.array_equal(synthesize(PHRASE, VOICES[1]), synthesize(PHRASE, VOICES[1]))


@needs_espeak
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "empty"),
        ({"text": PHRASE, "voice": "no-such-voice"}, "no-such-voice"),
        ({"text": PHRASE, "rate_wpm": 20}, "rate_wpm"),
        ({"text": PHRASE, "sample_rate": 0}, "sample_rate"),
    ],
)
def test_synthesize_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthesize(**kwargs)  # type: ignore[arg-type]


def test_write_wav_writes_16_bit_mono(tmp_path: Path) -> None:
    audio = (0.5 * np.sin(np.linspace(0, 2000, 16000))).astype(np.float32)
    path = tmp_path / "nested" / "tone.wav"
    write_wav(path, audio, 16000)
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (16000, 1, 16000, "PCM_16")
    assert np.allclose(sf.read(str(path), dtype="float32")[0], audio, atol=1e-4)


def test_trim_silence_of_silence_is_empty() -> None:
    assert trim_silence(np.zeros(1000, dtype=np.float32)).size == 0


@needs_espeak
def test_conversation_timing_matches_the_audio() -> None:
    turns = [
        ("clinician", "How are you feeling today?"),
        ("patient", "Much better, thank you."),
        ("clinician", "Good. Keep taking the lisinopril."),
    ]
    audio, placed = conversation(turns, VOICES, pause_s=0.4)
    assert [turn.speaker for turn in placed] == ["clinician", "patient", "clinician"]
    assert placed[0].voice == placed[2].voice != placed[1].voice
    assert len(audio) / 16000 == pytest.approx(placed[-1].end + 0.4, abs=0.01)
    previous_end = 0.0
    for turn in placed:
        assert turn.end - turn.start > 0.5
        assert turn.start - previous_end == pytest.approx(0.4, abs=0.001)
        gap = audio[round(previous_end * 16000) + 1 : round(turn.start * 16000) - 1]
        assert np.abs(gap).max(initial=0.0) <= SILENCE_LEVEL
        speech = audio[round(turn.start * 16000) : round(turn.end * 16000)]
        assert np.abs(speech[:10]).max() > SILENCE_LEVEL and np.abs(speech[-10:]).max() > SILENCE_LEVEL
        previous_end = turn.end


@needs_espeak
def test_conversation_rejects_bad_casts() -> None:
    turns = [("a", "Hello there."), ("b", "Hello."), ("c", "Hi.")]
    with pytest.raises(ValueError, match="only 2 voices"):
        conversation(turns, ["en-us", "en-us+f2"])
    with pytest.raises(ValueError, match="distinct"):
        conversation(turns, ["en-us", "en-us", "en-us+f2"])
    with pytest.raises(ValueError, match="no voice given"):
        conversation(turns, {"a": "en-us", "b": "en-us+f2"})
    with pytest.raises(ValueError, match="at least one turn"):
        conversation([], VOICES)


# Numbers as the guide writes them: 25, 7.9%, 132/84, 7:30, -2.7.
NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?(?:/\d+)?(?::\d+)?%?$")


def test_dictations_cover_every_specialty_with_complete_records() -> None:
    dictations = load_dictations()
    assert len({item.id for item in dictations}) == len(dictations)
    per_specialty = Counter(item.specialty for item in dictations)
    assert all(per_specialty[name] >= 10 for name in SPECIALTIES)
    for item in dictations:
        assert not re.search(r"\d", item.spoken), f"{item.id}: spoken text must spell numbers out"
        assert 2 <= item.spoken.count(".") <= 4, f"{item.id}: two to four sentences"
        assert item.terms, item.id
        for term in item.terms:
            assert term.lower() in item.reference.lower(), f"{item.id}: term {term!r} not in reference"
        written = [token.rstrip(".,;:") for token in item.reference.split()]
        assert list(item.numbers) == [token for token in written if NUMBER.match(token)], item.id
    assert sum(len(item.numbers) for item in dictations) > 150


def test_conversations_have_two_or_three_speakers_and_six_to_twelve_turns() -> None:
    conversations = load_conversations()
    assert Counter(len(item.speakers) for item in conversations) >= Counter({2: 12, 3: 12})
    for item in conversations:
        assert 6 <= len(item.turns) <= 12, item.id
        assert all(not re.search(r"\d", turn.spoken) for turn in item.turns), item.id
        # Diarization needs turns that change speaker.
        assert any(one.speaker != two.speaker for one, two in zip(item.turns, item.turns[1:], strict=False))


GOOD_DICTATION = {
    "id": "x",
    "specialty": "UROLOGY",
    "type": "DICTATION",
    "spoken": "Start tamsulosin.",
    "reference": "Start tamsulosin.",
    "terms": ["tamsulosin"],
    "numbers": [],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"numbers": None}, "numbers"),
        ({"specialty": "DENTISTRY"}, "DENTISTRY"),
        ({"type": "CONVERSATION"}, "DICTATION"),
        ({"spoken": " "}, "spoken"),
        ({"terms": "tamsulosin"}, "terms"),
    ],
)
def test_loading_rejects_incomplete_dictations(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = tmp_path / "devset.jsonl"
    path.write_text(json.dumps(GOOD_DICTATION) + "\n")
    assert load_dictations(path)[0].terms == ("tamsulosin",)
    path.write_text(json.dumps(GOOD_DICTATION | change) + "\n")
    with pytest.raises(ValueError, match=message):
        load_dictations(path)


def test_loading_rejects_broken_json_and_mismatched_speakers(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x",\n')
    with pytest.raises(ValueError, match=r"broken\.jsonl:1: not JSON"):
        load_dictations(broken)
    mismatched = tmp_path / "conversations.jsonl"
    turn = {"speaker": "patient", "spoken": "Hello.", "reference": "Hello."}
    record: dict[str, object] = {"id": "c", "specialty": "UROLOGY", "type": "CONVERSATION"}
    record |= {"speakers": ["nurse"], "turns": [turn]}
    mismatched.write_text(json.dumps(record) + "\n")
    with pytest.raises(ValueError, match="do not match"):
        load_conversations(mismatched)


@needs_espeak
def test_build_renders_round_robin_and_reuses_the_cache(tmp_path: Path) -> None:
    dictations = load_dictations()[:3]
    first = build_dictations(tmp_path, voices=VOICES[:2], dictations=dictations)
    assert [item.voice for item in first] == [VOICES[0], VOICES[1], VOICES[0]]
    assert all(sf.info(str(item.path)).samplerate == 16000 and item.duration > 10 for item in first)
    stamps = [item.path.stat().st_mtime_ns for item in first]
    again = build_dictations(tmp_path, voices=VOICES[:2], dictations=dictations)
    assert [item.path for item in again] == [item.path for item in first]
    assert [item.path.stat().st_mtime_ns for item in again] == stamps
    # Another voice is other audio, so another file.
    other = build_dictations(tmp_path, voices=VOICES[2:3], dictations=dictations[:1])
    assert other[0].path != first[0].path


@needs_espeak
def test_built_conversation_keeps_turn_times_beside_the_audio(tmp_path: Path) -> None:
    item = Conversation(
        "c-1",
        "PRIMARYCARE",
        ("nurse", "patient", "clinician"),
        (
            ConversationTurn("nurse", "Your blood pressure is fine.", "Your BP is fine."),
            ConversationTurn("patient", "Thank you.", "Thank you."),
            ConversationTurn("clinician", "See you in a month.", "See you in a month."),
        ),
    )
    (rendered,) = build_conversations(tmp_path, conversations=[item])
    assert len({voice for _, voice in rendered.voices}) == 3
    assert [turn.speaker for turn in rendered.turns] == ["nurse", "patient", "clinician"]
    assert rendered.turns[-1].end < rendered.duration
    assert all(one.end < two.start for one, two in zip(rendered.turns, rendered.turns[1:], strict=False))
    (cached,) = build_conversations(tmp_path, conversations=[item])
    assert cached.turns == rendered.turns
