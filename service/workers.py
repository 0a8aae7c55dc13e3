"""An in-process, bounded pool of job workers polling the job store."""

from __future__ import annotations

import threading
import time

import structlog

from service.runner import JobRunner, discard_output
from service.store.base import JobStore

log = structlog.get_logger(__name__)


class WorkerPool:
    """`size` threads, each claiming one job at a time; wake() skips the poll delay after a Start."""

    def __init__(self, store: JobStore, runner: JobRunner, size: int = 1, poll_seconds: float = 1.0) -> None:
        self.store = store
        self.runner = runner
        self.size = size
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        requeued = self.store.requeue_interrupted()
        if requeued:
            log.info("jobs.requeued", count=requeued)
        for index in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"job-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim_next(time.time())
            except Exception:
                log.exception("jobs.claim_failed")
                job = None
            if job is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            finished = self.runner.run(job)
            if not self.store.finish(finished):
                log.info("job.deleted_while_running", job=job.name)
                discard_output(self.runner.buckets, finished)
