"""Synthetic speech from espeak-ng, for tests and benchmarks that need audio with a known text.

espeak-ng mangles some drug names, so figures measured on this speech compare settings and engines;
they are not field accuracy.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

# Five distinct speakers (four US, one GB; three male, two female), each understood by Whisper base about
# as well as espeak-ng's default voice (bench/voices.py prints WER per voice and speaker similarity).
# Left out: en-gb-x-rp, en-us+m3 and en-gb sound like en-us to a speaker encoder (resemblyzer cosine
# 0.88-0.96, as close as one voice on two texts); "en-gb+<variant>" ignores the variant; the f4 variant,
# en-029, en-us-nyc and en-us+Andy are understood worse. In a cycle of five, any three consecutive voices
# are pairwise distinct, so a conversation can take consecutive voices.
VOICES: list[str] = [
    "en-us",
    "en-us+f2",
    "en-us+klatt",
    "en-us+f3",
    "en-gb-x-rp+m7",
]
DEFAULT_VOICE = "en-us"
DEFAULT_RATE_WPM = 160
# espeak-ng's own bounds for -s.
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
# Amplitude under which espeak-ng's output is treated as its lead-in/lead-out silence.
SILENCE_LEVEL = 1e-3


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn of a synthesized conversation, with where its speech lies in the audio."""

    speaker: str
    text: str
    voice: str
    start: float
    end: float


def espeak_binary() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        raise RuntimeError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    return found


@functools.cache
def _known_voices() -> tuple[frozenset[str], frozenset[str]]:
    """Voice and variant names espeak-ng lists; it silently falls back to a default on any other name."""

    def listed(option: str) -> list[list[str]]:
        result = subprocess.run([espeak_binary(), option], capture_output=True, text=True, check=False)
        # Columns: Pty Language Age/Gender VoiceName File [Other languages]
        return [line.split() for line in result.stdout.splitlines()[1:] if len(line.split()) >= 5]

    rows = listed("--voices")
    bases = {name for row in rows for name in (row[1], row[3], row[4])}
    # "Other languages" reads "(en-gb 3)(en 2)": further codes a voice answers to.
    bases |= {code for row in rows for code in re.findall(r"\(([\w-]+) \d+\)", " ".join(row[5:]))}
    variants = {name for row in listed("--voices=variant") for name in (row[3], row[4].removeprefix("!v/"))}
    return frozenset(bases), frozenset(variants)


def check_voice(voice: str) -> None:
    """Refuse a voice espeak-ng does not have, which it would otherwise replace without a word."""
    base, _, variant = voice.partition("+")
    bases, variants = _known_voices()
    if base not in bases or (variant and variant not in variants):
        raise ValueError(f"espeak-ng has no voice {voice!r} (see espeak-ng --voices and --voices=variant)")


def synthesize(
    text: str,
    voice: str = DEFAULT_VOICE,
    rate_wpm: int = DEFAULT_RATE_WPM,
    sample_rate: int = 16000,
) -> np.ndarray:
    """Speak `text` with espeak-ng; mono float32 in [-1, 1] at `sample_rate`."""
    if not text.strip():
        raise ValueError("text to synthesize is empty")
    if not MIN_RATE_WPM <= rate_wpm <= MAX_RATE_WPM:
        raise ValueError(f"rate_wpm must be {MIN_RATE_WPM}-{MAX_RATE_WPM}, got {rate_wpm}")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    check_voice(voice)
    with tempfile.TemporaryDirectory(prefix="synth-") as tmp:
        out = Path(tmp) / "speech.wav"
        # Text goes on stdin so a leading "-" is never read as an option.
        proc = subprocess.run(
            [espeak_binary(), "-v", voice, "-s", str(rate_wpm), "-w", str(out)],
            input=text.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        # A listed MBROLA voice without mbrola installed can fail with exit status 0: check the file too.
        if proc.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
            message = proc.stderr.decode("utf-8", "replace").strip() or "no audio produced"
            raise ValueError(f"espeak-ng failed for voice {voice!r}: {message}")
        audio, native_rate = sf.read(out, dtype="float32", always_2d=True)
    return _resample(audio.mean(axis=1), native_rate, sample_rate)


def _resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    if from_rate == to_rate:
        return audio.astype(np.float32)
    common = gcd(from_rate, to_rate)
    resampled = resample_poly(audio, to_rate // common, from_rate // common)
    return np.clip(resampled, -1.0, 1.0).astype(np.float32)


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int) -> None:
    """16-bit PCM WAV, the format every client and decoder accepts."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, sample_rate, subtype="PCM_16", format="WAV")


def trim_silence(audio: np.ndarray, level: float = SILENCE_LEVEL) -> np.ndarray:
    """Drop espeak-ng's silent lead-in and lead-out so turn times mark the speech itself."""
    loud = np.flatnonzero(np.abs(audio) > level)
    if loud.size == 0:
        return audio[:0]
    return audio[loud[0] : loud[-1] + 1]


def conversation(
    turns: Sequence[tuple[str, str]],
    voices: Mapping[str, str] | Sequence[str] = VOICES,
    rate_wpm: int = DEFAULT_RATE_WPM,
    sample_rate: int = 16000,
    pause_s: float = 0.5,
) -> tuple[np.ndarray, list[Turn]]:
    """Speak (speaker, text) turns one after another with `pause_s` of silence between them.

    `voices` maps speakers to voices, or is a list handed out in order of first appearance.
    Returns the audio and each turn with the start and end (seconds) of its speech.
    """
    if not turns:
        raise ValueError("a conversation needs at least one turn")
    if pause_s < 0:
        raise ValueError(f"pause_s must not be negative, got {pause_s}")
    voice_of = _assign_voices([speaker for speaker, _ in turns], voices)
    gap = np.zeros(round(pause_s * sample_rate), dtype=np.float32)
    pieces: list[np.ndarray] = [gap]
    placed: list[Turn] = []
    cursor = len(gap)
    for speaker, text in turns:
        speech = trim_silence(synthesize(text, voice_of[speaker], rate_wpm, sample_rate))
        start = cursor
        cursor += len(speech)
        placed.append(Turn(speaker, text, voice_of[speaker], start / sample_rate, cursor / sample_rate))
        pieces += [speech, gap]
        cursor += len(gap)
    return np.concatenate(pieces), placed


def _assign_voices(speakers: Sequence[str], voices: Mapping[str, str] | Sequence[str]) -> dict[str, str]:
    if isinstance(voices, Mapping):
        missing = sorted(set(speakers) - set(voices))
        if missing:
            raise ValueError(f"no voice given for speakers {missing}")
        return {speaker: voices[speaker] for speaker in speakers}
    order = list(dict.fromkeys(speakers))
    if len(order) > len(voices):
        raise ValueError(f"{len(order)} speakers but only {len(voices)} voices")
    if len(set(voices[: len(order)])) < len(order):
        raise ValueError("speakers must get distinct voices")
    return dict(zip(order, voices, strict=False))
