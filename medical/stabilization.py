"""Partial-results stabilization: once an item is flagged Stable it never changes again in its segment.

An item becomes stable when the hypothesis up to and including it has come out the same in
several consecutive partials and it is not among the last few words, which are still being
revised. The level trades accuracy for latency, as the guide describes: `high` locks words
soonest, `low` waits longest. Stable items are then kept verbatim: later partials and the
final result only replace what follows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medical.items import Item


@dataclass(frozen=True, slots=True)
class StabilityLevel:
    # Consecutive partials that must agree on the hypothesis up to an item before it is locked.
    agreements: int
    # Words at the end of a partial that are never locked: the decoder still revises them.
    unstable_words: int


LEVELS = {
    "high": StabilityLevel(agreements=2, unstable_words=1),
    "medium": StabilityLevel(agreements=3, unstable_words=2),
    "low": StabilityLevel(agreements=4, unstable_words=3),
}
_TIME_SLACK = 0.05


class Stabilizer:
    """One per segment (call `reset` when a new segment starts)."""

    def __init__(self, level: str = "high") -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown stability level {level!r}")
        self.level = LEVELS[level]
        self.reset()

    def reset(self) -> None:
        self._locked: list[Item] = []
        self._tail: list[str] = []
        self._streak: list[int] = []

    @property
    def locked(self) -> tuple[Item, ...]:
        return tuple(self._locked)

    def apply(self, items: Sequence[Item], *, final: bool = False) -> tuple[list[Item], list[bool]]:
        """The items to send (locked prefix + revised tail) and the Stable flag of each."""
        tail = self._tail_after_locked(items)
        if final:
            out = [*self._locked, *tail]
            self.reset()
            return out, [True] * len(out)

        contents = [_key(item) for item in tail]
        streak = []
        for i in range(len(contents)):
            same_prefix = i < len(self._tail) and self._tail[: i + 1] == contents[: i + 1]
            streak.append(self._streak[i] + 1 if same_prefix else 1)

        lockable = self._lockable_count(tail, streak)
        self._locked.extend(tail[:lockable])
        self._tail = contents[lockable:]
        self._streak = streak[lockable:]
        out = [*self._locked, *tail[lockable:]]
        flags = [True] * len(self._locked) + [False] * (len(tail) - lockable)
        return out, flags

    def _lockable_count(self, tail: list[Item], streak: list[int]) -> int:
        word_positions = [i for i, item in enumerate(tail) if not item.is_punctuation]
        keep = self.level.unstable_words
        if len(word_positions) <= keep:
            return 0
        # Everything from the first still-revisable word on stays unstable.
        limit = word_positions[len(word_positions) - keep] if keep else len(tail)
        count = 0
        while count < limit and streak[count] >= self.level.agreements:
            count += 1
        return count

    def _tail_after_locked(self, items: Sequence[Item]) -> list[Item]:
        if not self._locked:
            return list(items)
        n = len(self._locked)
        if [_key(i) for i in items[:n]] == [_key(i) for i in self._locked]:
            return list(items[n:])
        # The decoder changed its mind about locked words: keep them and take only what it
        # heard after the last locked word ended.
        last_end = max((i.end for i in self._locked if i.end is not None), default=0.0)
        tail: list[Item] = []
        for item in items:
            if item.is_punctuation:
                if tail:
                    tail.append(item)
            elif item.start is not None and item.start >= last_end - _TIME_SLACK:
                tail.append(item)
        return tail


def _key(item: Item) -> str:
    return item.content.lower()
