"""Client bytes in, audio chunks out: event-stream decoding, envelope verification, AudioEvent checks.

Both transports end up here. HTTP/2 clients (the SDKs) wrap every AudioEvent in a signed
envelope and must keep doing so (`require_signed=True`); WebSocket clients send plain AudioEvent
messages, or signed envelopes (the JS v3 client), which are then verified from the URL's signature.
"""

from __future__ import annotations

from service.eventstream import EventStreamDecoder, EventStreamError, Message
from service.stream_errors import BadRequestException
from service.stream_signing import ChunkSignatureVerifier


class AudioEventReader:
    """Feed raw bytes (any fragmentation); get the audio payloads in order. `ended` after the last one."""

    def __init__(self, verifier: ChunkSignatureVerifier | None = None, *, require_signed: bool = False) -> None:
        if require_signed and verifier is None:
            raise ValueError("require_signed needs a verifier")
        self._decoder = EventStreamDecoder()
        self._verifier = verifier
        self._require_signed = require_signed
        self.ended = False

    def feed(self, data: bytes) -> list[bytes]:
        try:
            messages = self._decoder.feed(data)
        except EventStreamError as exc:
            raise BadRequestException(f"Could not decode the audio stream: {exc}.") from exc
        chunks: list[bytes] = []
        for message in messages:
            audio = self._audio(message)
            if audio is not None:
                chunks.append(audio)
        return chunks

    def finish(self) -> None:
        """The transport closed its side: check nothing was cut off mid-message."""
        try:
            self._decoder.finish()
        except EventStreamError as exc:
            raise BadRequestException(f"Could not decode the audio stream: {exc}.") from exc
        self.ended = True

    def _audio(self, message: Message) -> bytes | None:
        if self.ended:
            raise BadRequestException("Received audio after the end of the stream.")
        if ":chunk-signature" in message.headers:
            if self._verifier is None:
                raise BadRequestException("Signed events need a signed request to chain from.")
            inner = self._verifier.open(message)
            if inner is None:
                self.ended = True
                return None
            message = inner
        elif self._require_signed:
            raise BadRequestException("Every event must be signed with :date and :chunk-signature headers.")
        if message.message_type != "event" or message.event_type != "AudioEvent":
            raise BadRequestException(
                f"Expected an AudioEvent event, got :message-type {message.message_type!r} "
                f":event-type {message.event_type!r}."
            )
        if not message.payload:
            # An empty AudioEvent is how WebSocket clients end the stream.
            self.ended = True
            return None
        return message.payload
