"""What each stream result passes through after recognition, chosen from the stream's parameters."""

from __future__ import annotations

from medical.items import Item
from medical.normalize import normalize_items
from medical.streaming import ItemHook
from service.stream_params import StreamParams


def _normalize(items: list[Item], is_partial: bool) -> list[Item]:
    # Partials too: a word that changes form between partial and final would defeat stabilization.
    return normalize_items(items)


def hooks_for(params: StreamParams) -> list[ItemHook]:
    return [_normalize]
