"""Speaker labels for streams (show-speaker-label): each final's speech matched to the voices heard so far.

A stream cannot wait for the whole conversation to cluster it, so voices are tracked online: every
window of a final segment is compared with the running mean embedding of each known voice; a window
unlike all of them starts a new voice (up to a maximum), otherwise it joins the closest and updates
its mean. Labels are "0", "1", ... in order of first speech, as the streaming output writes `Speaker`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from medical.diarize import DiarizeConfig, SpeakerTurn, label_items, speaker_windows
from medical.items import Item
from medical.recognizer import SAMPLE_RATE
from medical.speaker_embed import MIN_SPAN_S, SpeakerEncoder, default_encoder
from medical.vad import SpeechRegion, speech_regions

# A window against a voice's mean: the mean of many windows is smoother than any one window, so this
# sits a little above the window-to-window figures (one voice 0.80-0.84, two voices 0.61-0.70).
JOIN_SIMILARITY = 0.75
STREAM_MAX_SPEAKERS = 10


class StreamSpeakers:
    """One per stream. Safe to call from one thread at a time per stream (a lock guards it anyway)."""

    def __init__(
        self,
        max_speakers: int = STREAM_MAX_SPEAKERS,
        join_similarity: float = JOIN_SIMILARITY,
        config: DiarizeConfig | None = None,
        encoder: SpeakerEncoder | None = None,
    ) -> None:
        if max_speakers < 1:
            raise ValueError(f"max_speakers must be at least 1, got {max_speakers}")
        self.max_speakers = max_speakers
        self.join_similarity = join_similarity
        self._config = config or DiarizeConfig()
        self._encoder = encoder
        self._sums: list[np.ndarray] = []
        self._lock = threading.Lock()

    @property
    def speakers(self) -> int:
        return len(self._sums)

    def turns(self, audio: np.ndarray, offset: float = 0.0) -> list[SpeakerTurn]:
        """Speaker turns of one final segment's audio, times shifted by `offset` (seconds into the stream)."""
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = len(audio) / SAMPLE_RATE
        if duration < MIN_SPAN_S:
            return []
        regions = speech_regions(audio, self._config.vad) or [SpeechRegion(0.0, duration)]
        windows = speaker_windows(regions, self._config.window_s, duration)
        embeddings = (self._encoder or default_encoder()).embed(audio, [(w.start, w.end) for w in windows])
        reliable = [w.end - w.start >= self._config.reliable_s for w in windows]
        labels: dict[int, int] = {}
        with self._lock:
            # Short windows cannot found a voice (their embeddings wander), so they go last and join
            # the closest voice without moving its mean.
            for index in sorted(range(len(windows)), key=lambda i: not reliable[i]):
                labels[index] = self._assign(embeddings[index], founding=reliable[index] or not self._sums)
        turns: list[SpeakerTurn] = []
        for index, window in enumerate(windows):
            label = str(labels[index])
            start, end = offset + window.owns_start, offset + window.owns_end
            if turns and turns[-1].speaker == label:
                turns[-1] = SpeakerTurn(turns[-1].start, round(end, 3), label)
            else:
                turns.append(SpeakerTurn(round(start, 3), round(end, 3), label))
        return turns

    def label(self, audio: np.ndarray, offset: float, items: Sequence[Item]) -> list[Item]:
        """`items` of a final result (stream times) with `speaker` set from the segment's audio."""
        turns = self.turns(audio, offset)
        if not turns:
            # Too short to judge: the voice heard last is the best guess.
            last = next((i.speaker for i in reversed(items) if i.speaker), None)
            return [replace(i, speaker=last) for i in items] if last else list(items)
        return label_items(items, turns)

    def _assign(self, embedding: np.ndarray, founding: bool) -> int:
        if self._sums:
            means = np.stack([s / np.linalg.norm(s) for s in self._sums])
            similarity = means @ embedding
            best = int(np.argmax(similarity))
            if not founding:
                return best
            if similarity[best] >= self.join_similarity or len(self._sums) >= self.max_speakers:
                self._sums[best] = self._sums[best] + embedding
                return best
        self._sums.append(embedding.astype(np.float64))
        return len(self._sums) - 1


def speaker_changes(items: Sequence[Item], previous_speaker: str | None = None) -> list[int]:
    """Indices of the words that start a new speaker's speech: a `speaker-change` item goes before each.

    `previous_speaker` is the last speaker of the stream's previous final, so a change at the start of
    a result is found too.
    """
    changes = []
    current = previous_speaker
    for index, item in enumerate(items):
        if item.is_punctuation or item.speaker is None:
            continue
        if current is not None and item.speaker != current:
            changes.append(index)
        current = item.speaker
    return changes
