"""Moving one stream's bytes between a transport and its StreamSession, full duplex.

A reader task queues whatever the client sends as it arrives, so the idle-audio timer measures
the client, not our decoding. The pump takes everything queued at once into one
`StreamSession.receive` call in a worker thread, so a stream that fell behind catches up in one
decode; audio that waited more than CATCH_UP_S gets no partial decode, which spends a slow
machine's recognizer on finals first. Recognition runs on a thread pool of its own so slow
decodes never hold up the event loop or the default executor.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TypeVar

import structlog

from service.eventstream import exception_message
from service.stream_errors import BadRequestException, InternalFailureException, StreamError
from service.stream_limits import IDLE_AUDIO_TIMEOUT_S, MAX_STREAM_S
from service.stream_session import StreamSession

log = structlog.get_logger(__name__)

# Threads mostly wait for the recognizer; many streams may be waiting at once.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="stream")
T = TypeVar("T")


class ClientGone(Exception):
    """The client disconnected without ending the stream: nothing more can be sent."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a stream ended: cleanly, with an error the client was sent, or with the client gone."""

    error: StreamError | None = None
    client_gone: bool = False


@dataclass(frozen=True, slots=True)
class Transport:
    # Next chunk of client bytes; None when the client closed its sending side; ClientGone on disconnect.
    receive: Callable[[], Awaitable[bytes | None]]
    send: Callable[[bytes], Awaitable[None]]
    # Called once the client closed its side, before the session flushes (checks for a cut message).
    end_input: Callable[[], None] = lambda: None


_END = object()
# Audio that waited longer than this for the recognizer gets no partial decode.
CATCH_UP_S = 1.0


async def in_thread(fn: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, fn)


async def pump(
    session: StreamSession, transport: Transport, idle_timeout_s: float = IDLE_AUDIO_TIMEOUT_S
) -> Outcome:
    """Run the stream to its end; on an error its exception message has been sent when this returns."""
    inbox = _Inbox()
    reader = asyncio.create_task(_read(transport, inbox))
    error: StreamError
    try:
        await _process(session, transport, inbox, idle_timeout_s)
        return Outcome()
    except ClientGone:
        session.abort()
        return Outcome(client_gone=True)
    except StreamError as exc:
        log.info("stream.failed", error=exc.error_type, message=exc.message)
        error = exc
    except Exception:
        log.exception("stream.crashed")
        error = InternalFailureException("An internal error occurred. Try your request again.")
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    session.abort()
    try:
        await transport.send(exception_message(error.error_type, error.message))
    except ClientGone:
        return Outcome(error, client_gone=True)
    return Outcome(error)


class _Inbox:
    """What the client sent, queued as it arrived, with the time of the last arrival."""

    def __init__(self) -> None:
        self._items: deque[tuple[float, object]] = deque()
        self._arrived = asyncio.Event()
        self.last_arrival = time.monotonic()
        # How long the oldest of the items last taken had waited: how far behind the stream is.
        self.waited_s = 0.0

    def put(self, item: object) -> None:
        self.last_arrival = time.monotonic()
        self._items.append((self.last_arrival, item))
        self._arrived.set()

    async def take_all(self, idle_timeout_s: float) -> list[object]:
        """Everything queued, waiting for at least one item; idle too long -> BadRequestException.

        The clock runs from the last arrival, not from when we started waiting: a stream whose
        client went quiet while we were busy decoding times out as soon as we look, and one whose
        end event waited in the queue behind a slow decode never does.
        """
        while not self._items:
            remaining = self.last_arrival + idle_timeout_s - time.monotonic()
            if remaining <= 0:
                raise BadRequestException(
                    f"Your stream timed out: no audio was received for {idle_timeout_s:g} seconds."
                )
            self._arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        self.waited_s = time.monotonic() - self._items[0][0]
        items = [item for _, item in self._items]
        self._items.clear()
        return items


async def _read(transport: Transport, inbox: _Inbox) -> None:
    try:
        while True:
            data = await transport.receive()
            if data is None:
                inbox.put(_END)
                return
            if data:
                inbox.put(data)
    except (ClientGone, StreamError) as exc:
        inbox.put(exc)


async def _process(session: StreamSession, transport: Transport, inbox: _Inbox, idle_timeout_s: float) -> None:
    started = time.monotonic()
    while not session.ended_by_client:
        items = await inbox.take_all(idle_timeout_s)
        # The session caps the audio at 4 hours; this caps the connection, however slowly audio comes.
        if time.monotonic() - started > MAX_STREAM_S:
            raise BadRequestException("Your stream is too long: streams can be at most 4 hours.")
        data = b"".join(item for item in items if isinstance(item, bytes))
        if data:
            # Behind real time (a decode took longer than the audio it covered): finals first.
            partials = inbox.waited_s < CATCH_UP_S
            for message in await in_thread(functools.partial(session.receive, data, partials=partials)):
                await transport.send(message)
        stop = next((item for item in items if not isinstance(item, bytes)), None)
        if isinstance(stop, BaseException):
            # Audio that was queued before the error has been answered above.
            raise stop
        if stop is _END:
            await in_thread(transport.end_input)
            break
    for message in await in_thread(session.close):
        await transport.send(message)
