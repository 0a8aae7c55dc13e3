"""Checks an audit directory and says where it was tampered with: file, line and sequence number.

What each kind of change looks like:
- an entry edited in place fails its own hash ("edited");
- an entry edited with its hash recomputed breaks the link from the next entry ("chain_break");
- a deleted entry leaves a gap in the sequence numbers ("missing");
- an inserted entry repeats a sequence number or does not chain ("inserted", "chain_break");
- swapped entries put a sequence number after a larger one ("out_of_order");
- a rewritten and rehashed tail no longer ends in the head hash a signed digest pinned ("digest_head");
- a log cut short ends before the last digest ("truncated");
- a forged, edited, deleted or moved digest fails its signature or the digest chain ("digest_*").
A last line with no newline is an append that never finished (a crash); it is a notice, not a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.digest import Digest, MalformedDigest, decode_digest, digest_line_hash, signature_valid
from audit.entry import GENESIS_HASH
from audit.entry_check import EntryCheck
from audit.finding import Finding
from audit.keys import AuditKeyError, directory_public_key, key_id
from audit.layout import AuditLayout
from audit.lines import iter_lines

__all__ = ["Finding", "VerifyReport", "verify_directory"]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    digests: int
    last_seq: int
    last_digested_seq: int
    problems: tuple[Finding, ...]
    notices: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


_UNREADABLE = b"\xff" * 32  # stands in for a hash that is not 64 hex digits


def _raw(hex_hash: str) -> bytes:
    try:
        raw = bytes.fromhex(hex_hash)
    except ValueError:
        return _UNREADABLE
    return raw if len(raw) == 32 else _UNREADABLE


class _DigestCheck:
    """Checks digests.jsonl against the entries EntryCheck has read."""

    def __init__(self, layout: AuditLayout, public_key: Ed25519PublicKey | None, entries: EntryCheck) -> None:
        self.layout = layout
        self.public_key = public_key
        self.entry_check = entries
        self.columns = entries.entries
        self.problems: list[Finding] = []
        self.notices: list[Finding] = []

    def problem(self, kind: str, file: Path, line: int | None, seq: int | None, message: str) -> None:
        self.problems.append(Finding(kind, file.name, line, seq, message))

    def check_digests(self, lines: list[tuple[int, bytes]]) -> int:
        """Returns the last sequence number covered by a digest."""
        path = self.layout.digests
        if lines and self.public_key is None:
            self.problem("digest_key", path, None, None, "no public key to check digest signatures with")
        expected_key = key_id(self.public_key) if self.public_key is not None else None
        previous: Digest | None = None
        previous_hash = GENESIS_HASH
        for number, data in lines:
            try:
                digest = decode_digest(data)
            except MalformedDigest as error:
                self.problem("digest_malformed", path, number, None, str(error))
                previous_hash = digest_line_hash(data)
                continue
            self._check_one_digest(number, digest, previous, previous_hash, expected_key)
            previous, previous_hash = digest, digest_line_hash(data)
        return previous.last_seq if previous is not None else 0

    def _check_one_digest(
        self,
        number: int,
        digest: Digest,
        previous: Digest | None,
        previous_hash: str,
        expected_key: str | None,
    ) -> None:
        path, name = self.layout.digests, f"digest {digest.digest_seq}"
        if self.public_key is not None and not signature_valid(digest, self.public_key):
            why = "" if digest.key_id == expected_key else f" (signed by key {digest.key_id}, "
            why += "" if digest.key_id == expected_key else f"expected {expected_key})"
            self.problem("digest_signature", path, number, None, f"{name} has a bad signature{why}")
        if digest.prev_digest_hash != previous_hash:
            message = f"{name} does not chain from the digest line before it"
            self.problem("digest_chain", path, number, None, message)
        expected_seq = previous.digest_seq + 1 if previous else 1
        expected_first = previous.last_seq + 1 if previous else 1
        if digest.digest_seq != expected_seq or digest.first_seq != expected_first:
            self.problem(
                "digest_chain",
                path,
                number,
                None,
                f"{name} covers seq {digest.first_seq}..{digest.last_seq}; expected digest "
                f"{expected_seq} starting at seq {expected_first}",
            )
        if digest.last_seq < digest.first_seq:
            self.problem("digest_range", path, number, None, f"{name} covers an empty range")
            return
        last_present = self.entry_check.last_in_order
        if digest.last_seq > last_present:
            holder = self.entry_check.index_of(last_present)
            where = self.columns.line_numbers[holder] if holder is not None else 0
            self.problem(
                "truncated",
                self.layout.entries,
                where or None,
                last_present or None,
                f"the log ends at seq {last_present} but {name} covers up to seq {digest.last_seq}",
            )
            return
        k = self.entry_check.index_of(digest.last_seq)
        if k is not None and self.columns.hash_of(k) != _raw(digest.head_hash):
            self.problem(
                "digest_head",
                self.layout.entries,
                self.columns.line_numbers[k],
                digest.last_seq,
                f"entries seq {digest.first_seq}..{digest.last_seq} do not end in the head hash signed by "
                f"{name} (digests.jsonl line {number}): they were rewritten",
            )

    def read_digest_lines(self) -> list[tuple[int, bytes]]:
        lines = []
        for stored in iter_lines(self.layout.digests):
            if stored.complete:
                lines.append((stored.number, stored.data))
            else:
                message = "incomplete last digest line: a digest write that never finished"
                name = self.layout.digests.name
                self.notices.append(Finding("torn_tail", name, stored.number, None, message))
        return lines


def verify_directory(directory: Path | str, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
    """Checks every entry and digest in `directory`. Pass `public_key` (exported earlier and kept apart
    from the operators) to check against it; by default the public key stored in the directory is used,
    which proves integrity only against someone who cannot also replace that key file."""
    layout = AuditLayout(Path(directory))
    if public_key is None:
        try:
            public_key = directory_public_key(layout)
        except AuditKeyError:
            public_key = None
    entries = EntryCheck(layout.entries)
    digests = _DigestCheck(layout, public_key, entries)
    # Digests are read first: a writer running meanwhile syncs entries before the digest naming them.
    digest_lines = digests.read_digest_lines()
    entries.run()
    last_digested = digests.check_digests(digest_lines)
    last_seq = entries.last_in_order
    notices = [*entries.notices, *digests.notices]
    if last_seq > last_digested:
        message = f"entries seq {last_digested + 1}..{last_seq} are not yet covered by a signed digest"
        notices.append(Finding("undigested", layout.entries.name, None, last_digested + 1, message))
    problems = sorted(
        [*entries.problems, *digests.problems], key=lambda f: (f.file != layout.entries.name, f.line or 0)
    )
    return VerifyReport(
        entries=len(entries.entries.seqs),
        digests=len(digest_lines),
        last_seq=last_seq,
        last_digested_seq=last_digested,
        problems=tuple(problems),
        notices=tuple(notices),
    )
