"""Specialty-tuned decoding figures: per specialty, WER and term recall with the matching specialty,
with PRIMARYCARE and with no biasing, numbers lost, and decoding time.

Decodes the synthetic dictation dev set (bench/devset.py, several espeak-ng voices) in process with
the bundled Whisper base model, the way a batch job does: hotwords from vocab.bias, the bias guard
(medical/bias_guard.py), term correction, then normalization. Targets of issue 5: the matching
specialty cuts term errors by >= 40% relative to no biasing, zero numeric tokens lost, and <= 20%
extra decoding time.

    .venv/bin/python -m bench.specialty [--limit N]   # N dictations per specialty (default: all)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jiwer
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.devset import SPECIALTIES, RenderedDictation, build_dictations  # noqa: E402
from medical.batch import recognize  # noqa: E402
from medical.bias_guard import BiasGuard, GuardStats  # noqa: E402
from medical.normalize import normalize_items  # noqa: E402
from medical.recognizer import DecodeOptions  # noqa: E402
from medical.whisper_engine import EngineConfig, WhisperRecognizer  # noqa: E402
from service.vocab_use import hotwords_for_job, vocab_stage  # noqa: E402

_TEXT = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(), jiwer.Strip(),
                       jiwer.ReduceToListOfListOfWords()])
_SPACES = re.compile(r"\s+")


@dataclass
class Tally:
    references: list[str] = field(default_factory=list)
    hypotheses: list[str] = field(default_factory=list)
    terms: int = 0
    terms_found: int = 0
    numbers_missing: int = 0
    numbers_lost: int = 0  # found without biasing, missing with it
    seconds: float = 0.0

    def wer(self) -> float:
        return float(jiwer.wer(self.references, self.hypotheses, reference_transform=_TEXT,
                               hypothesis_transform=_TEXT))


def _flat(text: str) -> str:
    return " " + _SPACES.sub(" ", text.lower().replace(",", " ").replace(".", " ")) + " "


def _found(needle: str, text: str) -> bool:
    return _flat(needle) in _flat(text)


def transcribe(recognizer: WhisperRecognizer, audio: object, specialty: str | None, stats: GuardStats) -> str:
    if specialty is None:
        items = recognize(recognizer, audio, DecodeOptions(), [normalize_items])  # type: ignore[arg-type]
    else:
        options = DecodeOptions(specialty=specialty, hotwords=hotwords_for_job(specialty))
        stages = [vocab_stage(specialty), normalize_items]
        items = recognize(BiasGuard(recognizer, stats), audio, options, stages)  # type: ignore[arg-type]
    text = ""
    for item in items:
        text += item.content if item.is_punctuation else " " + item.content
    return text.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="dictations per specialty (0: all)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rendered = build_dictations()
    chosen: list[RenderedDictation] = []
    per: dict[str, int] = defaultdict(int)
    for r in rendered:
        if not args.limit or per[r.dictation.specialty] < args.limit:
            per[r.dictation.specialty] += 1
            chosen.append(r)
    recognizer = WhisperRecognizer(EngineConfig(cpu_threads=args.threads))
    # Warm-up, so the first timed decode doesn't pay for loading.
    list(recognizer.transcribe(sf.read(chosen[0].path, dtype="float32")[0][: 16000 * 3], DecodeOptions()))
    modes = ("none", "PRIMARYCARE", "matching")
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    stats = GuardStats()
    audio_s = 0.0
    for index, r in enumerate(chosen):
        d = r.dictation
        audio, _ = sf.read(r.path, dtype="float32")
        audio_s += r.duration
        outputs: dict[str, str] = {}
        seconds: dict[str, float] = {}
        # Alternating the order spreads drift in machine load (shared cores) evenly over the modes.
        for mode in modes if index % 2 == 0 else modes[::-1]:
            if mode == "matching" and d.specialty == "PRIMARYCARE":
                continue
            specialty = None if mode == "none" else d.specialty if mode == "matching" else "PRIMARYCARE"
            started = time.perf_counter()
            outputs[mode] = transcribe(recognizer, audio, specialty, stats)
            seconds[mode] = time.perf_counter() - started
        if d.specialty == "PRIMARYCARE":
            outputs["matching"], seconds["matching"] = outputs["PRIMARYCARE"], seconds["PRIMARYCARE"]
        for mode in modes:
            t = tallies[(d.specialty, mode)]
            t.seconds += seconds[mode]
            t.references.append(d.reference)
            t.hypotheses.append(outputs[mode])
            t.terms += len(d.terms)
            t.terms_found += sum(_found(term, outputs[mode]) for term in d.terms)
            t.numbers_missing += sum(not _found(n, outputs[mode]) for n in d.numbers)
            t.numbers_lost += sum(_found(n, outputs["none"]) and not _found(n, outputs[mode]) for n in d.numbers)
        print(f"  {d.id} ({r.voice}, {r.duration:.1f} s) done", file=sys.stderr, flush=True)
    _report(tallies, stats, len(chosen), audio_s, args.limit)


def _report(tallies: dict[tuple[str, str], Tally], stats: GuardStats, count: int, audio_s: float, limit: int) -> None:
    print(f"dev set: {count} dictations ({limit or 'all'} per specialty), {audio_s:.0f} s of audio")
    print(f"{'specialty':<12} {'mode':<12} {'WER':>6} {'terms':>9} {'recall':>7} {'num.miss':>8} "
          f"{'num.lost':>8} {'decode s':>9}")
    total: dict[str, Tally] = defaultdict(Tally)
    for specialty in SPECIALTIES:
        for mode in ("none", "PRIMARYCARE", "matching"):
            t = tallies.get((specialty, mode))
            if t is None:
                continue
            agg = total[mode]
            agg.references += t.references
            agg.hypotheses += t.hypotheses
            for name in ("terms", "terms_found", "numbers_missing", "numbers_lost", "seconds"):
                setattr(agg, name, getattr(agg, name) + getattr(t, name))
            print(f"{specialty:<12} {mode:<12} {t.wer():6.1%} {t.terms_found:>4}/{t.terms:<4} "
                  f"{t.terms_found / max(t.terms, 1):7.1%} {t.numbers_missing:>8} {t.numbers_lost:>8} {t.seconds:9.1f}")
    for mode, t in total.items():
        print(f"{'ALL':<12} {mode:<12} {t.wer():6.1%} {t.terms_found:>4}/{t.terms:<4} "
              f"{t.terms_found / max(t.terms, 1):7.1%} {t.numbers_missing:>8} {t.numbers_lost:>8} {t.seconds:9.1f}")
    none, matching = total["none"], total["matching"]
    missed_none = none.terms - none.terms_found
    missed_matching = matching.terms - matching.terms_found
    cut = 1 - missed_matching / missed_none if missed_none else 0.0
    extra = matching.seconds / none.seconds - 1 if none.seconds else 0.0
    print(f"term errors, matching vs none: {missed_none} -> {missed_matching}: {cut:.0%} fewer (target >= 40%)")
    print(f"numeric tokens lost by biasing (matching): {matching.numbers_lost} (target 0); "
          f"PRIMARYCARE: {total['PRIMARYCARE'].numbers_lost}")
    print(f"decoding time, matching vs none: {extra:+.0%} (target <= +20%)")
    print(f"bias guard: {stats.segments} segments, {stats.suspect} re-decoded, {stats.replaced} fell back to "
          f"unbiased words, {stats.redecoded_s:.0f} s of audio decoded twice; why: {dict(stats.reasons)}")


if __name__ == "__main__":
    main()
