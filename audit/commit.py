"""Group commit: many threads' lines made durable with one write and one fdatasync per group.

Threads add their sealed line to the open group under the log's lock, then wait outside it. The first
thread that finds a sync slot free closes the group, writes it (under the lock, so file order is seal
order) and syncs it with the lock released; lines added meanwhile gather in the next group. When the
sync returns, that group's threads are woken on the group's own condition, so they return without
queueing on the log's lock again, and one thread of the next group is handed the lead. Each append then
costs about one wake-up however many threads wait, rather than a herd on one lock per sync.

Up to `max_syncs` groups may be syncing at once: a sync covers every byte written to the file before it
began, so when any sync returns, its group and every group written before it are durable.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

from audit.durable import write_all


class AuditLogFailed(RuntimeError):
    """A write or sync failed, or the log was closed; entries not yet durable may be lost. Reopen it."""


class Group:
    """Lines that share one write and one sync. Its flags change under its own condition's lock."""

    __slots__ = ("durable", "failed", "head", "lead", "lines", "upto", "woken")

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.upto = 0  # sequence number of the last line in the group
        self.head = ""  # hash of that line
        self.durable = False
        self.failed = False
        self.lead = False  # a token: one waiter may come and lead this group
        self.woken = threading.Condition(threading.Lock())

    def settle(self, *, durable: bool) -> None:
        with self.woken:
            self.durable = self.durable or durable
            self.failed = not self.durable
            self.woken.notify_all()

    def hand_lead(self) -> None:
        with self.woken:
            self.lead = True
            self.woken.notify()

    def wait(self) -> None:
        """Returns when the group is settled or a waiter is wanted to lead it (and takes that token)."""
        with self.woken:
            while not (self.durable or self.failed or self.lead):
                self.woken.wait()
            self.lead = False


class GroupCommitter:
    """Durable appends of lines to `fd`; `lock` is the owner's lock that orders the lines."""

    def __init__(
        self,
        fd: int,
        lock: threading.Lock,
        *,
        durable_seq: int,
        durable_head: str,
        max_syncs: int,
        on_durable: Callable[[], None],
    ) -> None:
        self._fd = fd
        self._lock = lock
        self._max_syncs = max_syncs
        self._on_durable = on_durable
        self._open = Group()
        self._syncing: deque[Group] = deque()
        self.durable_seq = durable_seq
        self.durable_head = durable_head
        self.failed: AuditLogFailed | None = None
        self.idle = threading.Condition(lock)  # notified under `lock` whenever a sync ends

    def add(self, line: bytes, seq: int, head: str) -> Group:
        """Queues the line sealed as `seq` (hash `head`); `lock` held. Pass the group to `wait`."""
        group = self._open
        group.lines.append(line)
        group.upto, group.head = seq, head
        return group

    def wait(self, group: Group) -> None:
        """Returns once the group is durable, leading it to disk if no one else does; `lock` not held."""
        while True:
            if group.durable:
                return
            with self._lock:
                if group.durable:
                    return
                if self.failed is not None:
                    raise self.failed
                if group is self._open and len(self._syncing) < self._max_syncs:
                    self._sync_open_group()
                    continue
            group.wait()

    def _sync_open_group(self) -> None:
        """Writes and syncs the open group; called and returns with `lock` held."""
        group, self._open = self._open, Group()
        try:
            write_all(self._fd, b"".join(group.lines))
        except OSError as error:
            self.fail(f"write failed after seq {self.durable_seq}: {error}", group)
            return
        self._syncing.append(group)
        self._lock.release()
        try:
            os.fdatasync(self._fd)
            problem = None
        except OSError as error:
            problem = f"sync failed after seq {self.durable_seq}: {error}"
        finally:
            self._lock.acquire()
        if problem is not None:
            self.fail(problem)
            return
        if group.upto > self.durable_seq:
            self.durable_seq, self.durable_head = group.upto, group.head
        # Everything written before this sync began is durable now, including groups still syncing.
        while self._syncing and self._syncing[0].upto <= group.upto:
            self._syncing.popleft().settle(durable=True)
        self.idle.notify_all()
        if self._open.lines and len(self._syncing) < self._max_syncs:
            self._open.hand_lead()
        self._on_durable()

    def flush(self) -> None:
        """Makes every line added so far durable; `lock` held. Used on close, when the appenders that
        would lead the last group may be gone."""
        while self.failed is None and (self._open.lines or self._syncing):
            if self._open.lines and len(self._syncing) < self._max_syncs:
                self._sync_open_group()
            else:
                self.idle.wait()

    def fail(self, message: str, *lost: Group) -> None:
        """Marks the log failed and wakes everyone still waiting; `lock` held."""
        self.failed = self.failed or AuditLogFailed(message)
        for group in (*lost, *self._syncing, self._open):
            group.settle(durable=False)
        self._syncing.clear()
        self.idle.notify_all()
