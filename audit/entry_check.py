"""The entry side of verify: each line's own hash, the sequence numbers, and the links between entries.

Reads the entries into compact columns (about 80 bytes an entry), then, only when something is out of
place, builds the indexes needed to say exactly which line was edited, dropped, added or moved.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from audit.chain import MalformedLine, read_link
from audit.finding import Finding

_GENESIS = bytes(32)
_TORN = "incomplete last line (%d bytes): an append that never finished; it is cut off when the log is next opened"


@dataclass(slots=True)
class Columns:
    """Compact columns over the well-formed entry lines (about 80 bytes an entry)."""

    line_numbers: array[int] = field(default_factory=lambda: array("q"))
    seqs: array[int] = field(default_factory=lambda: array("q"))
    hashes: bytearray = field(default_factory=bytearray)  # 32 bytes each
    prevs: bytearray = field(default_factory=bytearray)

    def hash_of(self, k: int) -> bytes:
        return bytes(self.hashes[32 * k : 32 * k + 32])

    def prev_of(self, k: int) -> bytes:
        return bytes(self.prevs[32 * k : 32 * k + 32])


class EntryCheck:
    """Checks entries.jsonl at `path`; afterwards says which entry holds each seq and what was found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Finding] = []
        self.notices: list[Finding] = []
        self.entries = Columns()
        self.position: dict[int, int] = {}  # seq -> index of the entry that holds it genuinely
        self.inserted: set[int] = set()  # indexes of entries judged inserted
        self.last_in_order = 0  # the highest seq among entries in their place
        self.in_sequence = False  # every line holds seq line-index + 1: nothing moved, missing or added

    def run(self) -> None:
        self.read_entries()
        self.index_sequence()
        self.check_gaps_and_order()
        self.check_links()

    def problem(self, kind: str, line: int | None, seq: int | None, message: str) -> None:
        self.problems.append(Finding(kind, self.path.name, line, seq, message))

    def read_entries(self) -> None:
        path, cols = self.path, self.entries
        numbers, seqs, hashes, prevs = cols.line_numbers, cols.seqs, cols.hashes, cols.prevs
        try:
            handle = path.open("rb", buffering=1 << 20)
        except FileNotFoundError:
            return
        with handle:
            # The one loop that runs per entry: plain locals, no objects made per line beyond the tuple.
            for number, raw in enumerate(handle, start=1):
                if raw[-1:] != b"\n":
                    self.notices.append(Finding("torn_tail", path.name, number, None, _TORN % len(raw)))
                    continue
                try:
                    seq, prev, stored, intact = read_link(raw[:-1])
                except MalformedLine as error:
                    self.problem("malformed", number, None, str(error))
                    continue
                if not intact:
                    self.problem("edited", number, seq, "the entry does not match its hash")
                numbers.append(number)
                seqs.append(seq)
                hashes += stored
                prevs += prev

    def index_sequence(self) -> None:
        cols = self.entries
        seqs = cols.seqs
        if seqs == array("q", range(1, len(seqs) + 1)):
            self.in_sequence = True
            return
        holders: dict[int, list[int]] = {}
        for k, seq in enumerate(seqs):
            holders.setdefault(seq, []).append(k)
        for seq, ks in holders.items():
            if seq < 1:
                for k in ks:
                    self.inserted.add(k)
                    self.problem("inserted", cols.line_numbers[k], seq, "sequence numbers start at 1")
                continue
            genuine = self._genuine_holder(seq, ks, holders)
            self.position[seq] = genuine
            for k in ks:
                if k != genuine:
                    self.inserted.add(k)
                    self.problem(
                        "inserted",
                        cols.line_numbers[k],
                        seq,
                        f"repeats seq {seq} (the chained entry is at line {cols.line_numbers[genuine]})",
                    )

    def _genuine_holder(self, seq: int, ks: list[int], holders: dict[int, list[int]]) -> int:
        """Of several lines claiming one seq, the genuine one is the one the next entry chains from."""
        if len(ks) == 1:
            return ks[0]
        cols = self.entries
        successors = holders.get(seq + 1, [])
        for k in ks:
            if any(cols.prev_of(n) == cols.hash_of(k) for n in successors):
                return k
        predecessors = holders.get(seq - 1, [])
        for k in ks:
            if seq == 1 and cols.prev_of(k) == _GENESIS:
                return k
            if any(cols.prev_of(k) == cols.hash_of(p) for p in predecessors):
                return k
        return ks[0]

    def _in_order(self) -> set[int]:
        """Indexes of the longest run of entries (in file order) whose seqs increase: the ones that sit
        where they belong. Whatever falls outside it was moved, so a swap or a stray forged number is
        reported at its own line rather than at every line after it."""
        seqs = self.entries.seqs
        candidates = [k for k in range(len(seqs)) if k not in self.inserted]
        tails: list[int] = []  # tails[i]: seq ending the best run of length i + 1
        tail_index: list[int] = []
        parent: dict[int, int | None] = {}
        for k in candidates:
            length = bisect_left(tails, seqs[k])
            parent[k] = tail_index[length - 1] if length else None
            if length == len(tails):
                tails.append(seqs[k])
                tail_index.append(k)
            else:
                tails[length], tail_index[length] = seqs[k], k
        keep: set[int] = set()
        cursor: int | None = tail_index[-1] if tail_index else None
        while cursor is not None:
            keep.add(cursor)
            cursor = parent[cursor]
        return keep

    def index_of(self, seq: int) -> int | None:
        """Which entry genuinely holds `seq`, if any."""
        if self.in_sequence:
            return seq - 1 if 1 <= seq <= len(self.entries.seqs) else None
        return self.position.get(seq)

    def check_gaps_and_order(self) -> None:
        cols = self.entries
        if self.in_sequence:
            self.last_in_order = len(cols.seqs)
            return
        if not self.position:
            return
        keep = self._in_order()
        self.last_in_order = max((cols.seqs[k] for k in keep), default=0)
        before = 0  # the seq of the last in-place entry above the line being looked at
        for k, seq in enumerate(cols.seqs):
            if k in keep:
                before = seq
            elif k not in self.inserted:
                self.problem(
                    "out_of_order",
                    cols.line_numbers[k],
                    seq,
                    f"seq {seq} is out of place after seq {before} (moved or forged)",
                )
        expected = 1
        for seq in sorted(s for s in self.position if s <= self.last_in_order):
            if seq > expected:
                line = cols.line_numbers[self.position[seq]]
                span = f"{expected}" if seq - 1 == expected else f"{expected}..{seq - 1}"
                self.problem(
                    "missing",
                    line,
                    expected,
                    f"entries seq {span} are missing (deleted); the next present entry is seq {seq} at line {line}",
                )
            expected = seq + 1

    def check_links(self) -> None:
        cols = self.entries
        # Nothing moved: every entry's prev_hash column is the hash column shifted by one entry, which
        # one comparison of two byte strings settles for the whole log.
        if self.in_sequence and cols.prevs[:32] == _GENESIS and cols.prevs[32:] == cols.hashes[:-32]:
            return
        holders = self.position.items() if not self.in_sequence else ((k + 1, k) for k in range(len(cols.seqs)))
        for seq, k in holders:
            if seq == 1:
                if cols.prev_of(k) != _GENESIS:
                    self.problem(
                        "chain_break",
                        cols.line_numbers[k],
                        1,
                        "the first entry does not start the chain",
                    )
                continue
            before = self.index_of(seq - 1)
            if before is not None and cols.prev_of(k) != cols.hash_of(before):
                self.problem(
                    "chain_break",
                    cols.line_numbers[k],
                    seq,
                    f"does not chain from seq {seq - 1} (line {cols.line_numbers[before]}): "
                    "one of the two was replaced or rehashed",
                )
