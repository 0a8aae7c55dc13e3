"""Service limits of streaming: concurrent streams per account, idle audio, stream length.

The concurrency count lives in process memory: one server process holds its own streams. A
deployment with several replicas gets 25 per account per replica unless the count moves to
the shared database.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from service.stream_errors import LimitExceededException

MAX_CONCURRENT_STREAMS = 25
# No audio event for this long ends the stream with a BadRequestException.
IDLE_AUDIO_TIMEOUT_S = 15.0
MAX_STREAM_S = 4 * 3600


class StreamLimiter:
    def __init__(self, max_streams: int = MAX_CONCURRENT_STREAMS) -> None:
        self.max_streams = max_streams
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    def open_streams(self, account_id: str) -> int:
        with self._lock:
            return self._open[account_id]

    @contextmanager
    def stream(self, account_id: str) -> Iterator[None]:
        """Hold one of the account's stream slots for the life of the block."""
        with self._lock:
            if self._open[account_id] >= self.max_streams:
                raise LimitExceededException(
                    f"You have reached your limit of {self.max_streams} concurrent streams. "
                    "Close a stream and try your request again."
                )
            self._open[account_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._open[account_id] -= 1
                if not self._open[account_id]:
                    del self._open[account_id]
