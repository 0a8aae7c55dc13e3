"""Whole-file recognition: decoded audio to items, reporting progress as segments finish."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from medical.items import Item, items_from_words
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Recognizer

# Called with (seconds decoded, total seconds) after each segment.
Progress = Callable[[float, float], None]
# Stages applied to the recognized items in order (normalization, vocabulary display forms...).
ItemStage = Callable[[Sequence[Item]], list[Item]]


def recognize(
    recognizer: Recognizer,
    audio: np.ndarray,
    options: DecodeOptions,
    stages: Sequence[ItemStage] = (),
    progress: Progress | None = None,
) -> list[Item]:
    total = len(audio) / SAMPLE_RATE
    words = []
    for segment in recognizer.transcribe(audio, options):
        words.extend(segment.words)
        if progress:
            progress(min(segment.end, total), total)
    items = items_from_words(words)
    for stage in stages:
        items = stage(items)
    if progress:
        progress(total, total)
    return items
