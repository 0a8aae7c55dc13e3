"""The embedded audit log: an append-only file of chained entries plus a file of signed digests.

Appends are durable (fdatasync'd) before `append` returns and group-committed (see audit.commit), so
throughput grows with the number of appending threads instead of being capped at one sync per entry.
Every `digest_every` entries, and every `digest_interval_s` seconds while some are uncovered, a signed
digest pins the chain head (see audit.digest).

One process writes a directory at a time (an flock on writer.lock). In Kubernetes each API or stream pod
needs its own directory, or a shared store behind `AuditSink`.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.chain import MalformedLine, read_link, seal
from audit.commit import AuditLogFailed, GroupCommitter
from audit.digest import MalformedDigest, decode_digest, digest_line_hash, encode_digest, make_digest
from audit.durable import fsync_dir, open_append, write_all
from audit.entry import GENESIS_HASH, AuditEntry, AuditEvent, format_time
from audit.keys import load_or_create_signing_key, public_pem
from audit.layout import AuditLayout
from audit.recovery import recover_tail
from audit.verify import VerifyReport, verify_directory

__all__ = ["AuditLog", "AuditLogCorrupt", "AuditLogFailed", "AuditLogLocked"]

DEFAULT_DIGEST_EVERY = 1000
DEFAULT_DIGEST_INTERVAL_S = 60.0
# Syncs in flight at once. Two keep the disk busy while the next group forms; more only split groups.
MAX_SYNCS = 2


class AuditLogLocked(RuntimeError):
    """Another process already writes this audit directory."""


class AuditLogCorrupt(RuntimeError):
    """The stored log cannot be continued safely; run `clinscribe audit verify` to see where."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Thread-safe, durable, append-only audit log in `directory` (an `AuditSink`)."""

    def __init__(
        self,
        directory: Path | str,
        *,
        digest_every: int = DEFAULT_DIGEST_EVERY,
        digest_interval_s: float = DEFAULT_DIGEST_INTERVAL_S,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        if digest_every < 1:
            raise ValueError("digest_every must be at least 1")
        self.layout = AuditLayout(Path(directory))
        self._digest_every = digest_every
        self._clock = clock
        self.layout.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock_fd = self._take_writer_lock()
        try:
            self._open_files()
        except BaseException:
            os.close(self._lock_fd)
            raise
        # One lock guards the chain state (sequence numbers, head hash, digest state) and file order.
        self._lock = threading.Lock()
        self._committer = GroupCommitter(
            self._entries_fd,
            self._lock,
            durable_seq=self._last_seq,
            durable_head=self._head,
            max_syncs=MAX_SYNCS,
            on_durable=self._digest_if_due,
        )
        self._digest_syncs = 0
        self._closed = False
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        if digest_interval_s > 0:
            self._timer = threading.Thread(
                target=self._digest_on_interval, args=(digest_interval_s,), name="audit-digest", daemon=True
            )
            self._timer.start()

    def _take_writer_lock(self) -> int:
        fd = os.open(self.layout.lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AuditLogLocked(f"another process writes {self.layout.directory}") from None
        return fd

    def _open_files(self) -> None:
        layout = self.layout
        self._key = load_or_create_signing_key(layout)
        tail = recover_tail(layout.entries, layout.quarantine)
        self.recovered_torn_bytes = tail.torn_bytes
        self._last_seq, self._head = 0, GENESIS_HASH
        if tail.last_line is not None:
            try:
                seq, _, stored, intact = read_link(tail.last_line)
            except MalformedLine as error:
                raise AuditLogCorrupt(f"last entry of {layout.entries} is malformed: {error}") from None
            if not intact:
                raise AuditLogCorrupt(f"last entry of {layout.entries} (seq {seq}) fails its hash")
            self._last_seq, self._head = seq, stored.hex()

        digest_tail = recover_tail(layout.digests, layout.quarantine)
        self._digest_seq, self._digested_seq, self._prev_digest_hash = 0, 0, GENESIS_HASH
        if digest_tail.last_line is not None:
            try:
                last = decode_digest(digest_tail.last_line)
            except MalformedDigest as error:
                raise AuditLogCorrupt(f"last digest of {layout.digests} is malformed: {error}") from None
            self._digest_seq, self._digested_seq = last.digest_seq, last.last_seq
            self._prev_digest_hash = digest_line_hash(digest_tail.last_line)
        if self._digested_seq > self._last_seq:
            raise AuditLogCorrupt(
                f"the log ends at seq {self._last_seq} but digest {self._digest_seq} covers up to seq "
                f"{self._digested_seq}: entries were removed"
            )
        created = not layout.entries.exists() or not layout.digests.exists()
        self._entries_fd = open_append(layout.entries)
        self._digests_fd = open_append(layout.digests)
        if created:
            fsync_dir(layout.directory)

    # -- appending ---------------------------------------------------------------------------------

    def append(self, event: AuditEvent, *, at: datetime | None = None) -> AuditEntry:
        """Records `event` (at `at`, default now); returns the sealed entry once it is on disk.
        Raises AuditLogFailed if the log is closed or the disk failed."""
        with self._lock:
            if self._committer.failed is not None:
                raise self._committer.failed
            if self._closed:
                raise AuditLogFailed("the audit log is closed")
            seq = self._last_seq + 1
            entry, line = seal(event, seq=seq, time=format_time(at or self._clock()), prev_hash=self._head)
            self._last_seq, self._head = seq, entry.hash
            group = self._committer.add(line, seq, entry.hash)
        self._committer.wait(group)
        return entry

    # -- digests -----------------------------------------------------------------------------------

    def _digest_if_due(self) -> None:
        if self._committer.durable_seq - self._digested_seq >= self._digest_every:
            self._write_digest()

    def _write_digest(self) -> None:
        """Signs the durable entries not yet covered; called and returns with the lock held. The line is
        written under the lock, so digests stay in order, and synced with it released."""
        committer = self._committer
        if committer.failed is not None or committer.durable_seq <= self._digested_seq:
            return
        digest = make_digest(
            self._key,
            digest_seq=self._digest_seq + 1,
            time=format_time(self._clock()),
            first_seq=self._digested_seq + 1,
            last_seq=committer.durable_seq,
            head_hash=committer.durable_head,
            prev_digest_hash=self._prev_digest_hash,
        )
        line = encode_digest(digest)
        try:
            write_all(self._digests_fd, line)
        except OSError as error:
            committer.fail(f"digest {digest.digest_seq} write failed: {error}")
            return
        self._digest_seq, self._digested_seq = digest.digest_seq, digest.last_seq
        self._prev_digest_hash = digest_line_hash(line[:-1])
        self._digest_syncs += 1
        self._lock.release()
        try:
            os.fdatasync(self._digests_fd)
            problem = None
        except OSError as error:
            problem = f"digest {digest.digest_seq} sync failed: {error}"
        finally:
            self._lock.acquire()
            self._digest_syncs -= 1
            committer.idle.notify_all()
        if problem is not None:
            committer.fail(problem)

    def write_digest(self) -> None:
        """Signs whatever is durable and not yet covered now, instead of waiting for the next trigger."""
        with self._lock:
            if not self._closed:
                self._write_digest()
            if self._committer.failed is not None:
                raise self._committer.failed

    def _digest_on_interval(self, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            try:
                self.write_digest()
            except AuditLogFailed:
                return  # appends report the failure to their callers

    # -- state and lifetime ------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """The sequence number of the last durable entry (0 when the log is empty)."""
        return self._committer.durable_seq

    def public_key_pem(self) -> bytes:
        return public_pem(self._key.public_key())

    def verify(self, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
        """Checks the log as stored (reads only; appends may go on meanwhile)."""
        return verify_directory(self.layout.directory, public_key)

    def close(self) -> None:
        """Writes what is pending, signs a final digest and releases the directory. Safe to call twice."""
        self._stop.set()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.join()
        with self._lock:
            if self._closed:
                return
            self._closed = True  # no new appends; those already sealed are written below
            committer = self._committer
            try:
                committer.flush()
                self._write_digest()
                while self._digest_syncs:
                    committer.idle.wait()
            finally:
                committer.fail("the audit log is closed")
                os.close(self._entries_fd)
                os.close(self._digests_fd)
                os.close(self._lock_fd)

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
