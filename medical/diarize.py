"""Who spoke when: silero-vad regions, resemblyzer embeddings of short windows, speechbrain spectral clustering.

Each speech region is cut into windows of 1.6-3.2 s (the encoder was trained on 1.6 s), so a speaker
change without a pause is found to within a window; all windows go through the encoder in one pass.
The embeddings are clustered with speechbrain's unnormalized spectral clustering; when only a maximum
is given, the count starts from the largest eigengap and is checked against how alike the clusters'
voices are (`medical.speaker_cluster`). Windows under 1 s join a voice but cannot found one. Labels are
spk_0, spk_1... in order of first speech.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from medical.items import Item
from medical.recognizer import SAMPLE_RATE
from medical.speaker_cluster import cluster_embeddings
from medical.speaker_embed import MIN_SPAN_S, SpeakerEncoder, default_encoder
from medical.transcript import decimal_text
from medical.vad import SpeechRegion, VadConfig, speech_regions

MIN_SPEAKERS = 1
MAX_SPEAKERS = 10  # the API's MaxSpeakerLabels range is 2-10


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str  # "spk_0", "spk_1", ...


@dataclass(frozen=True, slots=True)
class DiarizeConfig:
    vad: VadConfig = field(default_factory=VadConfig)
    window_s: float = 1.6
    # Same-speaker turns closer than this become one turn (pauses at commas and full stops).
    join_gap_s: float = 0.45
    # Clusters whose windows are this alike on average (cosine) are one voice. Measured on the 24 synthetic
    # conversations: two voices at most 0.725; one voice 0.80-0.84 on average between its own windows.
    merge_similarity: float = 0.75
    # Windows shorter than this ("Yes.", "Good morning.") join a voice but cannot found one.
    reliable_s: float = 1.0


class SpeakerCountError(ValueError):
    """MaxSpeakerLabels outside 2-10 (the service answers BadRequestException)."""


def diarize(
    audio: np.ndarray,
    max_speakers: int,
    config: DiarizeConfig | None = None,
    encoder: SpeakerEncoder | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns of 16 kHz mono float32 `audio`, in time order, at most `max_speakers` labels."""
    if not MIN_SPEAKERS <= max_speakers <= MAX_SPEAKERS:
        raise SpeakerCountError(f"max_speakers must be {MIN_SPEAKERS}-{MAX_SPEAKERS}, got {max_speakers}")
    cfg = config or DiarizeConfig()
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    regions = speech_regions(audio, cfg.vad)
    windows = speaker_windows(regions, cfg.window_s, len(audio) / SAMPLE_RATE)
    if not windows:
        return []
    embeddings = (encoder or default_encoder()).embed(audio, [(w.start, w.end) for w in windows])
    reliable = np.array([w.end - w.start >= cfg.reliable_s for w in windows])
    labels = cluster_embeddings(embeddings, max_speakers, cfg.merge_similarity, reliable)
    return _turns(windows, labels, cfg.join_gap_s)


@dataclass(frozen=True, slots=True)
class Window:
    """An embedding window and the stretch of speech it labels (the same, except for a widened short region)."""

    start: float
    end: float
    owns_start: float
    owns_end: float


def speaker_windows(regions: Sequence[SpeechRegion], window_s: float, duration: float) -> list[Window]:
    """Regions cut into equal, non-overlapping windows of `window_s` to 2 x `window_s`."""
    windows: list[Window] = []
    for region in regions:
        if region.duration < MIN_SPAN_S:
            # Too short to embed alone: widen around its center (a breath of context either side).
            center = (region.start + region.end) / 2
            start = max(0.0, min(center - MIN_SPAN_S / 2, duration - MIN_SPAN_S))
            windows.append(Window(start, start + MIN_SPAN_S, region.start, region.end))
            continue
        count = max(1, int(region.duration // window_s))
        width = region.duration / count
        for i in range(count):
            start = region.start + i * width
            end = region.end if i == count - 1 else start + width
            windows.append(Window(start, end, start, end))
    return windows


def _turns(windows: Sequence[Window], labels: np.ndarray, join_gap_s: float) -> list[SpeakerTurn]:
    pieces: list[tuple[float, float, int]] = []
    for window, label in zip(windows, labels, strict=True):
        start, end, speaker = window.owns_start, window.owns_end, int(label)
        if pieces and pieces[-1][2] == speaker and start - pieces[-1][1] <= join_gap_s:
            pieces[-1] = (pieces[-1][0], end, speaker)
        else:
            pieces.append((start, end, speaker))
    order: dict[int, str] = {}
    for _, _, speaker in pieces:
        order.setdefault(speaker, f"spk_{len(order)}")
    return [SpeakerTurn(round(start, 3), round(end, 3), order[speaker]) for start, end, speaker in pieces]


def speaker_at(turns: Sequence[SpeakerTurn], start: float, end: float) -> str | None:
    """The speaker of the turn overlapping [start, end] most; the nearest turn when none overlaps."""
    if not turns:
        return None
    best, best_overlap = None, 0.0
    for turn in turns:
        overlap = min(end, turn.end) - max(start, turn.start)
        if overlap > best_overlap:
            best, best_overlap = turn.speaker, overlap
    if best is not None:
        return best
    middle = (start + end) / 2
    return min(turns, key=lambda t: _distance(t, middle)).speaker


def _distance(turn: SpeakerTurn, moment: float) -> float:
    return 0.0 if turn.start <= moment <= turn.end else min(abs(turn.start - moment), abs(turn.end - moment))


def label_items(items: Sequence[Item], turns: Sequence[SpeakerTurn]) -> list[Item]:
    """Items with `speaker` set: each word from the turns, each punctuation mark from the word before it."""
    labeled: list[Item] = []
    current: str | None = None
    for item in items:
        if item.is_punctuation or item.start is None or item.end is None:
            labeled.append(replace(item, speaker=current))
            continue
        current = speaker_at(turns, item.start, item.end)
        labeled.append(replace(item, speaker=current))
    return labeled


def speaker_labels_json(items: Sequence[Item], turns: Sequence[SpeakerTurn]) -> dict[str, object]:
    """`results.speaker_labels` of the batch output: one segment per run of one speaker's words.

    A segment spans its words and the diarization turns they came from; punctuation is not listed,
    as in the guide's example.
    """
    if any(i.speaker is None for i in items if not i.is_punctuation):
        items = label_items(items, turns)
    groups: list[list[Item]] = []
    for item in items:
        if item.is_punctuation or item.start is None or item.end is None:
            continue
        if groups and groups[-1][0].speaker == item.speaker:
            groups[-1].append(item)
        else:
            groups.append([item])
    segments = []
    for group in groups:
        speaker = group[0].speaker
        start, end = float(group[0].start or 0.0), float(group[-1].end or 0.0)
        for turn in turns:
            if turn.speaker == speaker and turn.start < end and turn.end > start:
                start, end = min(start, turn.start), max(end, turn.end)
        segments.append(
            {
                "start_time": decimal_text(start, 3),
                "speaker_label": speaker,
                "end_time": decimal_text(end, 3),
                "items": [
                    {
                        "start_time": decimal_text(float(i.start or 0.0), 3),
                        "speaker_label": speaker,
                        "end_time": decimal_text(float(i.end or 0.0), 3),
                    }
                    for i in group
                ],
            }
        )
    return {"speakers": len({s["speaker_label"] for s in segments}), "segments": segments}
