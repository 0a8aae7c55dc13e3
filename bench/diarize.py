"""Speaker diarization on the synthetic two- and three-speaker conversations of the dev set.

Prints per conversation and overall: diarization error rate (missed speech + false alarm + speaker
confusion over reference speech, 10 ms frames, best one-to-one label mapping, no collar, and with the
customary 0.25 s collar), the share of recognized words given the right speaker, and the real-time
factor diarization adds (VAD + embeddings + clustering, timed apart from recognition).

    python -m bench.diarize                 # all conversations (24), words via Whisper base (beam 1)
    python -m bench.diarize --no-words      # diarization only: DER and RTF, no recognition
    python -m bench.diarize --max-speakers 3

Targets (issue 7): DER <= 10%, >= 95% of words on the right speaker, <= 0.05 added RTF.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.optimize import linear_sum_assignment

from bench.devset import RenderedConversation, build_conversations
from bench.synth import Turn
from medical.diarize import SpeakerTurn, diarize, label_items
from medical.items import Item

FRAME_S = 0.01
CACHE_DIR = Path(__file__).resolve().parent / ".cache" / "diarize"
COLLAR_S = 0.25


@dataclass(frozen=True, slots=True)
class Score:
    reference_s: float
    missed_s: float
    false_alarm_s: float
    confusion_s: float

    @property
    def der(self) -> float:
        return (self.missed_s + self.false_alarm_s + self.confusion_s) / self.reference_s if self.reference_s else 0.0


def _frames(duration: float) -> int:
    return int(np.ceil(duration / FRAME_S))


def _activity(spans: Sequence[tuple[float, float, str]], speakers: Sequence[str], count: int) -> np.ndarray:
    grid = np.zeros((len(speakers), count), dtype=bool)
    for start, end, speaker in spans:
        grid[speakers.index(speaker), round(start / FRAME_S) : round(end / FRAME_S)] = True
    return grid


def speaker_mapping(reference: Sequence[Turn], hypothesis: Sequence[SpeakerTurn], duration: float) -> dict[str, str]:
    """Hypothesis label -> reference speaker, maximizing time in agreement (one to one)."""
    count = _frames(duration)
    ref_names = sorted({t.speaker for t in reference})
    hyp_names = sorted({t.speaker for t in hypothesis})
    if not hyp_names:
        return {}
    ref = _activity([(t.start, t.end, t.speaker) for t in reference], ref_names, count)
    hyp = _activity([(t.start, t.end, t.speaker) for t in hypothesis], hyp_names, count)
    overlap = ref.astype(np.int64) @ hyp.T.astype(np.int64)
    rows, cols = linear_sum_assignment(-overlap)
    return {hyp_names[c]: ref_names[r] for r, c in zip(rows, cols, strict=True)}


def score(
    reference: Sequence[Turn], hypothesis: Sequence[SpeakerTurn], duration: float, collar_s: float = 0.0
) -> Score:
    count = _frames(duration)
    mapping = speaker_mapping(reference, hypothesis, duration)
    ref_names = sorted({t.speaker for t in reference})
    ref = _activity([(t.start, t.end, t.speaker) for t in reference], ref_names, count)
    mapped = [(t.start, t.end, mapping.get(t.speaker, "?" + t.speaker)) for t in hypothesis]
    hyp_names = ref_names + sorted({name for _, _, name in mapped} - set(ref_names))
    hyp = _activity(mapped, hyp_names, count)
    hyp_ref = np.zeros_like(ref)
    hyp_ref[:, :] = hyp[: len(ref_names)]
    scored = np.ones(count, dtype=bool)
    if collar_s > 0:
        for turn in reference:
            for edge in (turn.start, turn.end):
                first, last = round((edge - collar_s) / FRAME_S), round((edge + collar_s) / FRAME_S)
                scored[max(0, first) : last] = False
    ref_on = ref.any(axis=0) & scored
    hyp_on = hyp.any(axis=0) & scored
    correct = (ref & hyp_ref).any(axis=0) & scored
    return Score(
        reference_s=float(ref_on.sum()) * FRAME_S,
        missed_s=float((ref_on & ~hyp_on).sum()) * FRAME_S,
        false_alarm_s=float((hyp_on & ~ref_on).sum()) * FRAME_S,
        confusion_s=float((ref_on & hyp_on & ~correct).sum()) * FRAME_S,
    )


def word_accuracy(items: Sequence[Item], reference: Sequence[Turn], mapping: dict[str, str]) -> tuple[int, int]:
    """(words on the right speaker, words judged): a word belongs to the reference turn it overlaps most."""
    right = judged = 0
    for item in items:
        if item.is_punctuation or item.start is None or item.end is None:
            continue
        overlaps = [(min(item.end, t.end) - max(item.start, t.start), t.speaker) for t in reference]
        best, speaker = max(overlaps)
        if best <= 0:
            middle = (item.start + item.end) / 2
            speaker = min(reference, key=lambda t: min(abs(t.start - middle), abs(t.end - middle))).speaker
        judged += 1
        right += int(mapping.get(item.speaker or "", "") == speaker)
    return right, judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-words", action="store_true", help="skip recognition and the word attribution figure")
    parser.add_argument("--max-speakers", type=int, default=None, help="MaxSpeakerLabels (default: the true count)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N conversations")
    args = parser.parse_args()

    # A cache of its own: other benchmarks may clear or re-render the shared dev-set cache mid-run.
    conversations: list[RenderedConversation] = build_conversations(CACHE_DIR)[: args.limit]
    recognizer = None
    if not args.no_words:
        from medical.recognizer import DecodeOptions
        from medical.whisper_engine import WhisperRecognizer

        recognizer = WhisperRecognizer()
        options = DecodeOptions(type="CONVERSATION", beam_size=1)

    # The first call loads the encoder and ONNX session; time it apart from the per-file figures.
    warm_audio, _ = sf.read(str(conversations[0].path), dtype="float32")
    started = time.perf_counter()
    diarize(warm_audio, 2)
    print(f"first call (model loading): {time.perf_counter() - started:.2f} s")

    totals = {"ref": 0.0, "err": 0.0, "ref_c": 0.0, "err_c": 0.0, "audio": 0.0, "time": 0.0, "cpu": 0.0}
    words_right = words_judged = 0
    failing: list[str] = []
    header = (
        f"{'conversation':<16} {'spk':>3} {'found':>5} {'dur s':>6} {'DER':>6} {'DER.25':>6} {'miss':>5} {'FA':>5} "
        f"{'conf':>5} {'words':>7} {'RTF':>6} {'cpuRTF':>6}"
    )
    print(header)
    for rendered in conversations:
        audio, _ = sf.read(str(rendered.path), dtype="float32")
        speakers = len(rendered.conversation.speakers)
        started, cpu_started = time.perf_counter(), time.process_time()
        turns = diarize(audio, args.max_speakers or speakers)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        totals["cpu"] += cpu
        plain = score(rendered.turns, turns, rendered.duration)
        collared = score(rendered.turns, turns, rendered.duration, COLLAR_S)
        totals["ref"] += plain.reference_s
        totals["err"] += plain.der * plain.reference_s
        totals["ref_c"] += collared.reference_s
        totals["err_c"] += collared.der * collared.reference_s
        totals["audio"] += rendered.duration
        totals["time"] += elapsed
        words = "-"
        word_share = 1.0
        if recognizer is not None:
            from medical.batch import recognize

            items = label_items(recognize(recognizer, audio, options), turns)
            mapping = speaker_mapping(rendered.turns, turns, rendered.duration)
            right, judged = word_accuracy(items, rendered.turns, mapping)
            words_right += right
            words_judged += judged
            word_share = right / judged if judged else 0.0
            words = f"{word_share:.1%}"
        found = len({t.speaker for t in turns})
        print(
            f"{rendered.conversation.id:<16} {speakers:>3} {found:>5} {rendered.duration:>6.1f} {plain.der:>6.1%} "
            f"{collared.der:>6.1%} {plain.missed_s:>5.2f} {plain.false_alarm_s:>5.2f} {plain.confusion_s:>5.2f} "
            f"{words:>7} {elapsed / rendered.duration:>6.3f} {cpu / rendered.duration:>6.3f}"
        )
        reasons = []
        if plain.der > 0.10:
            reasons.append(f"DER {plain.der:.1%}")
        if word_share < 0.95:
            reasons.append(f"words {word_share:.1%}")
        if found != speakers:
            reasons.append(f"{found} speakers found for {speakers}")
        if reasons:
            failing.append(f"{rendered.conversation.id}: " + ", ".join(reasons))

    print()
    print(f"conversations: {len(conversations)}, audio {totals['audio']:.0f} s")
    print(f"DER (no collar): {totals['err'] / totals['ref']:.2%}   target <= 10%")
    print(f"DER (0.25 s collar): {totals['err_c'] / totals['ref_c']:.2%}")
    if words_judged:
        share = words_right / words_judged
        print(f"words on the right speaker: {words_right}/{words_judged} = {share:.2%}   target >= 95%")
    print(f"added real-time factor: {totals['time'] / totals['audio']:.4f} wall   target <= 0.05")
    # CPU seconds over all threads: on a shared, loaded machine the wall figure counts others' work.
    print(f"added CPU time per audio second: {totals['cpu'] / totals['audio']:.4f}")
    print("failing conversations:" if failing else "failing conversations: none")
    for line in failing:
        print("  " + line)


if __name__ == "__main__":
    main()
