"""Channel identification: each channel of a two-channel recording transcribed on its own, then merged by time.

Call-center and drug-safety recordings put one party on each channel, and they talk over each other;
decoding the channels separately keeps both parties' words where a mono mix would lose the quieter one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from medical.batch import ItemStage, Progress, recognize
from medical.items import Item
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Recognizer
from medical.transcript import item_json

# The guide's quota, which cannot be raised: "Number of channels for channel identification: 2".
MAX_CHANNELS = 2


class ChannelCountError(ValueError):
    """The audio has more channels than channel identification takes (the service: BadRequestException)."""


def channel_label(index: int) -> str:
    return f"ch_{index}"


def check_channel_count(count: int) -> None:
    if count < 1:
        raise ChannelCountError("The audio has no channels.")
    if count > MAX_CHANNELS:
        raise ChannelCountError(
            f"Channel identification supports audio with at most {MAX_CHANNELS} channels; this audio has "
            f"{count}. Mix it down or split the channels and try your request again."
        )


@dataclass(frozen=True, slots=True)
class ChannelTranscript:
    """Items per channel (each tagged with its channel label) and all of them merged in time order."""

    channels: tuple[tuple[Item, ...], ...]

    @property
    def items(self) -> list[Item]:
        return merge_by_time(self.channels)


def transcribe_channels(
    recognizer: Recognizer,
    channels: np.ndarray,
    options: DecodeOptions,
    stages: Sequence[ItemStage] = (),
    progress: Progress | None = None,
) -> ChannelTranscript:
    """Transcribe each row of `channels` (shape (channels, samples), 16 kHz float32) separately."""
    audio = np.asarray(channels, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio.reshape(1, -1)
    if audio.ndim != 2:
        raise ChannelCountError(f"expected audio shaped (channels, samples), got {audio.shape}")
    check_channel_count(audio.shape[0])
    count = audio.shape[0]
    total = audio.shape[1] / SAMPLE_RATE
    results: list[tuple[Item, ...]] = []
    for index in range(count):
        label = channel_label(index)
        done_before = index * total

        def report(seconds: float, _total: float, done_before: float = done_before) -> None:
            if progress:
                # One timeline for the whole job: channel after channel.
                progress(done_before + seconds, count * total)

        items = recognize(recognizer, audio[index], options, stages, report if progress else None)
        results.append(tuple(replace(item, channel=label) for item in items))
    return ChannelTranscript(tuple(results))


def merge_by_time(channels: Sequence[Sequence[Item]]) -> list[Item]:
    """All channels' items ordered by start time; a punctuation mark stays behind its word."""
    units: list[tuple[float, int, int, list[Item]]] = []
    for channel_index, items in enumerate(channels):
        for item in items:
            if item.is_punctuation or item.start is None:
                if units and units[-1][1] == channel_index:
                    units[-1][3].append(item)
                continue
            units.append((item.start, channel_index, len(units), [item]))
    units.sort(key=lambda unit: (unit[0], unit[1], unit[2]))
    return [item for unit in units for item in unit[3]]


def channel_labels_json(channels: Sequence[Sequence[Item]]) -> dict[str, Any]:
    """`results.channel_labels` of the batch output, as the guide's example shapes it."""
    out = []
    for index, items in enumerate(channels):
        entries = []
        for item in items:
            entry = item_json(replace(item, channel=None, speaker=None))
            entries.append(entry)
        out.append({"channel_label": channel_label(index), "items": entries})
    return {"channels": out, "number_of_channels": len(channels)}
