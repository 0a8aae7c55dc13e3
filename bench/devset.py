"""The synthetic medical dev set: dictations and conversations with references, rendered to 16 kHz WAV.

Texts live in bench/data/*.jsonl. `spoken` is what the voice says (numbers as words); `reference` is the
transcript expected back, written by the guide's conventions ("BP 132/84", "25 mg"). Audio is cached by a
hash of everything that shapes it, so a rerun with the same texts, voices and espeak-ng is instant.

    python -m bench.devset        # render everything, print counts and total duration
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import soundfile as sf

from bench.synth import DEFAULT_RATE_WPM, VOICES, Turn, conversation, espeak_binary, synthesize, write_wav

DATA_DIR = Path(__file__).resolve().parent / "data"
DICTATIONS_PATH = DATA_DIR / "devset.jsonl"
CONVERSATIONS_PATH = DATA_DIR / "conversations.jsonl"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent / ".cache" / "devset"
SPECIALTIES = ("PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY")
SAMPLE_RATE = 16000
CONVERSATION_PAUSE_S = 0.5


@dataclass(frozen=True, slots=True)
class Dictation:
    id: str
    specialty: str
    spoken: str
    reference: str
    terms: tuple[str, ...]
    numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConversationTurn:
    speaker: str
    spoken: str
    reference: str


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    specialty: str
    speakers: tuple[str, ...]
    turns: tuple[ConversationTurn, ...]


@dataclass(frozen=True, slots=True)
class RenderedDictation:
    dictation: Dictation
    voice: str
    path: Path
    duration: float


@dataclass(frozen=True, slots=True)
class RenderedConversation:
    conversation: Conversation
    voices: tuple[tuple[str, str], ...]  # (speaker, voice) in order of first appearance
    path: Path
    duration: float
    turns: tuple[Turn, ...]  # where each turn's speech lies in the audio


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{number}: not JSON: {exc}") from exc
    return records


def _field(record: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = record.get(name)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{where}: field {name!r} missing or not a {kind.__name__}")
    return value


def _specialty(record: dict[str, Any], where: str) -> str:
    specialty = _field(record, "specialty", str, where)
    if specialty not in SPECIALTIES:
        raise ValueError(f"{where}: unknown specialty {specialty!r}")
    return str(specialty)


def load_dictations(path: Path = DICTATIONS_PATH) -> list[Dictation]:
    dictations = []
    for number, record in _records(path):
        where = f"{path.name}:{number}"
        if record.get("type") != "DICTATION":
            raise ValueError(f"{where}: type must be DICTATION")
        dictations.append(
            Dictation(
                id=_field(record, "id", str, where),
                specialty=_specialty(record, where),
                spoken=_field(record, "spoken", str, where),
                reference=_field(record, "reference", str, where),
                terms=tuple(_field(record, "terms", list, where)),
                numbers=tuple(_field(record, "numbers", list, where)),
            )
        )
    return dictations


def load_conversations(path: Path = CONVERSATIONS_PATH) -> list[Conversation]:
    conversations = []
    for number, record in _records(path):
        where = f"{path.name}:{number}"
        if record.get("type") != "CONVERSATION":
            raise ValueError(f"{where}: type must be CONVERSATION")
        turns = tuple(
            ConversationTurn(
                speaker=_field(turn, "speaker", str, f"{where} turn {index}"),
                spoken=_field(turn, "spoken", str, f"{where} turn {index}"),
                reference=_field(turn, "reference", str, f"{where} turn {index}"),
            )
            for index, turn in enumerate(_field(record, "turns", list, where))
        )
        if not turns:
            raise ValueError(f"{where}: a conversation needs turns")
        speakers = tuple(_field(record, "speakers", list, where))
        if set(speakers) != {turn.speaker for turn in turns}:
            raise ValueError(f"{where}: speakers {speakers} do not match the turns' speakers")
        conversations.append(
            Conversation(
                id=_field(record, "id", str, where),
                specialty=_specialty(record, where),
                speakers=speakers,
                turns=turns,
            )
        )
    return conversations


@functools.cache
def _espeak_version() -> str:
    # A new espeak-ng speaks differently, so its version is part of every cache key.
    return subprocess.run([espeak_binary(), "--version"], capture_output=True, text=True, check=False).stdout.strip()


def _cache_key(kind: str, content: object, rate_wpm: int) -> str:
    material = json.dumps(
        [kind, content, rate_wpm, SAMPLE_RATE, CONVERSATION_PAUSE_S, _espeak_version()], sort_keys=True
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _write_atomic(path: Path, write: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)


def build_dictations(
    cache_dir: str | Path = DEFAULT_CACHE_DIR,
    voices: Sequence[str] = VOICES,
    rate_wpm: int = DEFAULT_RATE_WPM,
    dictations: Sequence[Dictation] | None = None,
) -> list[RenderedDictation]:
    """Render each dictation with the next voice in turn (round-robin over `voices`)."""
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    rendered = []
    for index, item in enumerate(load_dictations() if dictations is None else dictations):
        voice = voices[index % len(voices)]
        path = cache / f"{item.id}-{_cache_key('dictation', [item.spoken, voice], rate_wpm)}.wav"
        if not path.exists():
            audio = synthesize(item.spoken, voice, rate_wpm, SAMPLE_RATE)
            _write_atomic(path, lambda target, audio=audio: write_wav(target, audio, SAMPLE_RATE))
        rendered.append(RenderedDictation(item, voice, path, sf.info(str(path)).duration))
    return rendered


def build_conversations(
    cache_dir: str | Path = DEFAULT_CACHE_DIR,
    voices: Sequence[str] = VOICES,
    rate_wpm: int = DEFAULT_RATE_WPM,
    conversations: Sequence[Conversation] | None = None,
) -> list[RenderedConversation]:
    """Render each conversation; speakers get consecutive voices, starting one further on each time."""
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    rendered = []
    for index, item in enumerate(load_conversations() if conversations is None else conversations):
        if len(item.speakers) > len(voices):
            raise ValueError(f"{item.id} has {len(item.speakers)} speakers but only {len(voices)} voices")
        cast = tuple((speaker, voices[(index + slot) % len(voices)]) for slot, speaker in enumerate(item.speakers))
        lines = [(turn.speaker, turn.spoken) for turn in item.turns]
        key = _cache_key("conversation", [lines, cast], rate_wpm)
        path = cache / f"{item.id}-{key}.wav"
        timings = path.with_suffix(".turns.json")
        if not (path.exists() and timings.exists()):
            audio, placed = conversation(lines, dict(cast), rate_wpm, SAMPLE_RATE, pause_s=CONVERSATION_PAUSE_S)
            _write_atomic(path, lambda target, audio=audio: write_wav(target, audio, SAMPLE_RATE))
            payload = json.dumps([[t.speaker, t.text, t.voice, t.start, t.end] for t in placed])
            _write_atomic(timings, lambda target, payload=payload: target.write_text(payload))
        turns = tuple(Turn(*entry) for entry in json.loads(timings.read_text()))
        rendered.append(RenderedConversation(item, cast, path, sf.info(str(path)).duration, turns))
    return rendered


def build(
    cache_dir: str | Path = DEFAULT_CACHE_DIR,
    voices: Sequence[str] = VOICES,
    rate_wpm: int = DEFAULT_RATE_WPM,
) -> tuple[list[RenderedDictation], list[RenderedConversation]]:
    """Render the whole dev set (cached); returns the dictations and the conversations."""
    return (
        build_dictations(cache_dir, voices, rate_wpm),
        build_conversations(cache_dir, voices, rate_wpm),
    )


def main() -> None:
    began = time.perf_counter()
    dictations, conversations = build()
    took = time.perf_counter() - began
    dictation_s = sum(item.duration for item in dictations)
    conversation_s = sum(item.duration for item in conversations)
    shortest = min(item.duration for item in dictations)
    longest = max(item.duration for item in dictations)
    span = f"{shortest:.1f}-{longest:.1f} s each"
    print(f"dictations:    {len(dictations):3d}  {dictation_s / 60:5.1f} min  ({span})")
    by_specialty = Counter(item.dictation.specialty for item in dictations)
    by_voice = Counter(item.voice for item in dictations)
    print("  per specialty: " + ", ".join(f"{name} {by_specialty[name]}" for name in SPECIALTIES))
    print("  per voice:     " + ", ".join(f"{voice} {count}" for voice, count in by_voice.items()))
    speakers = Counter(len(item.conversation.speakers) for item in conversations)
    turns = sum(len(item.turns) for item in conversations)
    print(
        f"conversations: {len(conversations):3d}  {conversation_s / 60:5.1f} min  "
        f"({speakers[2]} with two speakers, {speakers[3]} with three; {turns} turns)"
    )
    print(f"total audio:   {(dictation_s + conversation_s) / 60:.1f} min, built in {took:.1f} s")


if __name__ == "__main__":
    main()
