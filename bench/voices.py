"""Which espeak-ng voices Whisper base can understand: WER per voice on a few dev-set dictations.

Not a test: run it when choosing `bench.synth.VOICES`, and drop voices far behind the rest.

    python -m bench.voices [--voices en-us,en-us+f2] [--per-voice 3] [--threads 1] [--similarity]

Hypothesis and spoken text both go through Whisper's English normalizer (numbers to digits, "percent" to %),
so the figure is about how intelligible the voice is, not about written conventions.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass

import jiwer
from faster_whisper import WhisperModel
from transformers.models.whisper.english_normalizer import EnglishTextNormalizer

from bench.devset import SAMPLE_RATE, Dictation, load_dictations
from bench.synth import DEFAULT_RATE_WPM, VOICES, synthesize
from medical.model import install

# Kept voices first, then variants tried and left out; all ship with Debian's espeak-ng.
CANDIDATES = [
    *VOICES,
    "en-gb-x-rp",
    "en-us+m3",
    "en-gb-x-rp+f3",
    "en-gb-x-rp+f4",
    "en-us+m7",
    "en-us+f5",
    "en-gb",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-us-nyc",
    "en-029",
    "en-us+f4",
    "en-us+Andy",
]


SPELLED_LETTERS = re.compile(r"\b([a-z]) (?=[a-z]\b)")


@dataclass(frozen=True, slots=True)
class VoiceScore:
    voice: str
    wer: float
    words: int
    audio_s: float
    decode_s: float


def sample_dictations(per_voice: int) -> list[Dictation]:
    """The same dictations for every voice, spread over the specialties."""
    dictations = load_dictations()
    step = max(1, len(dictations) // per_voice)
    return dictations[::step][:per_voice]


def _comparable(text: str) -> str:
    # Spelled-out letters ("c t") and acronyms ("ct") are the same words for this purpose.
    return SPELLED_LETTERS.sub(r"\1", text)


def score_voice(
    model: WhisperModel, voice: str, dictations: list[Dictation], normalize: EnglishTextNormalizer
) -> VoiceScore:
    references, hypotheses = [], []
    audio_s = decode_s = 0.0
    for dictation in dictations:
        audio = synthesize(dictation.spoken, voice, DEFAULT_RATE_WPM, SAMPLE_RATE)
        began = time.perf_counter()
        segments, _ = model.transcribe(audio, language="en", beam_size=5)
        text = " ".join(segment.text for segment in segments)
        decode_s += time.perf_counter() - began
        audio_s += len(audio) / SAMPLE_RATE
        references.append(_comparable(normalize(dictation.spoken)))
        hypotheses.append(_comparable(normalize(text)))
    words = sum(len(reference.split()) for reference in references)
    return VoiceScore(voice, jiwer.wer(references, hypotheses), words, audio_s, decode_s)


def print_speaker_similarity(voices: list[str], dictations: list[Dictation]) -> None:
    """Cosine between speaker embeddings: text A in one voice against text B in another.

    The diagonal (one voice, two texts) is what "the same speaker" looks like to a diarizer.
    """
    from resemblyzer import VoiceEncoder  # torch; only needed for this table

    encoder = VoiceEncoder("cpu", verbose=False)
    first, second = dictations[0].spoken, dictations[-1].spoken
    embed = {voice: [encoder.embed_utterance(synthesize(text, voice)) for text in (first, second)] for voice in voices}
    print("\nspeaker similarity (resemblyzer cosine, rows text A, columns text B)")
    print(" " * 17 + " ".join(f"{index:>5d}" for index in range(len(voices))))
    for index, voice in enumerate(voices):
        row = " ".join(f"{float(embed[voice][0] @ embed[other][1]):5.2f}" for other in voices)
        print(f"{index:2d} {voice:<14} {row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default=",".join(CANDIDATES), help="comma-separated espeak-ng voices")
    parser.add_argument("--per-voice", type=int, default=3, help="dictations per voice")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for the recognizer")
    parser.add_argument("--similarity", action="store_true", help="also print speaker similarity")
    args = parser.parse_args()

    model = WhisperModel(str(install()), device="cpu", compute_type="int8", cpu_threads=args.threads)
    normalize = EnglishTextNormalizer({})
    dictations = sample_dictations(args.per_voice)
    print(f"Whisper base int8, beam 5, {args.threads} thread(s); dictations: {[d.id for d in dictations]}")
    print(f"{'voice':<16} {'WER':>6} {'words':>6} {'audio s':>8} {'RTF':>6}  kept")
    for voice in args.voices.split(","):
        score = score_voice(model, voice, dictations, normalize)
        print(
            f"{score.voice:<16} {score.wer:6.1%} {score.words:6d} {score.audio_s:8.1f} "
            f"{score.decode_s / score.audio_s:6.3f}  {'yes' if voice in VOICES else 'no'}",
            flush=True,
        )
    if args.similarity:
        print_speaker_similarity(args.voices.split(","), dictations)


if __name__ == "__main__":
    main()
