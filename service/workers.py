"""A bounded pool of job workers in this process, leasing jobs from the job store.

A lease is renewed while a job runs; if the process dies, the lease lapses and any worker
(here after a restart, or another process on a shared database) takes the job again.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import structlog

from service.runner import JobRunner, discard_output
from service.store.base import JobStore
from service.store.records import JobRecord

log = structlog.get_logger(__name__)

LEASE_S = 60.0


class WorkerPool:
    """`size` threads, each leasing one job at a time; wake() skips the poll delay after a Start."""

    def __init__(
        self,
        store: JobStore,
        runner: JobRunner,
        size: int = 1,
        poll_seconds: float = 1.0,
        lease_s: float = LEASE_S,
        requeue_on_start: bool = True,
    ) -> None:
        self.store = store
        self.runner = runner
        self.size = size
        self.poll_seconds = poll_seconds
        self.lease_s = lease_s
        # Only a sole worker process may take back IN_PROGRESS jobs at once; shared stores wait for leases.
        self.requeue_on_start = requeue_on_start
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._identity = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> None:
        if self.size and self.requeue_on_start:
            requeued = self.store.requeue_interrupted()
            if requeued:
                log.info("jobs.requeued", count=requeued)
        for index in range(self.size):
            thread = threading.Thread(target=self._loop, args=(f"{self._identity}:{index}",),
                                      name=f"job-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, owner: str) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim_next(time.time(), owner, self.lease_s)
            except Exception:
                log.exception("jobs.claim_failed")
                job = None
            if job is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            self._run(job, owner)

    def _run(self, job: JobRecord, owner: str) -> None:
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job, owner, done), daemon=True)
        beat.start()
        try:
            finished = self.runner.run(job)
        finally:
            done.set()
            beat.join()
        if not self.store.finish(finished, owner):
            log.info("job.lost_while_running", job=job.name)
            # Only a deleted job's output goes; a job re-leased elsewhere may have written the same key.
            if self.store.get(job.account_id, job.name) is None:
                discard_output(self.runner.buckets, finished)

    def _heartbeat(self, job: JobRecord, owner: str, done: threading.Event) -> None:
        while not done.wait(self.lease_s / 3):
            try:
                if not self.store.heartbeat(job, owner, time.time(), self.lease_s):
                    return
            except Exception:
                log.exception("jobs.heartbeat_failed", job=job.name)
