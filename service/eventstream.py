"""The AWS event-stream binary framing used by both streaming transports.

A message is: prelude (total length, headers length; big-endian uint32 each), prelude CRC32,
headers, payload, message CRC32 over everything before it. Header values carry one of ten type
tags (0-9). The decoder is incremental: feed it bytes as the transport delivers them, in any
fragmentation, and it hands back whole messages, or raises `EventStreamError` on corruption.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

PRELUDE_LENGTH = 12  # total length, headers length, prelude CRC
OVERHEAD = PRELUDE_LENGTH + 4  # plus the trailing message CRC
MAX_HEADERS_LENGTH = 128 * 1024
MAX_PAYLOAD_LENGTH = 16 * 1024 * 1024
MAX_HEADER_VALUE_LENGTH = 32 * 1024 - 1

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TRUE, _FALSE, _BYTE, _SHORT, _INTEGER, _LONG, _BYTES, _STRING, _TIMESTAMP, _UUID = range(10)


class Int8(int):
    """An integer header value sent with type 2 (byte)."""


class Int16(int):
    """An integer header value sent with type 3 (short)."""


class Int64(int):
    """An integer header value sent with type 5 (long). A plain int goes out as type 4 (int32)."""


HeaderValue = bool | int | bytes | str | dt.datetime | uuid.UUID
Headers = Mapping[str, HeaderValue]


class EventStreamError(ValueError):
    """The byte stream is not valid event-stream encoding."""


class PreludeChecksumError(EventStreamError):
    pass


class MessageChecksumError(EventStreamError):
    pass


class InvalidLengthError(EventStreamError):
    pass


class InvalidHeaderError(EventStreamError):
    """An unknown header value type, a duplicate name, or a header overrunning its block."""


class TruncatedStreamError(EventStreamError):
    """The stream ended inside a message."""


@dataclass(frozen=True, slots=True)
class Message:
    headers: Headers = field(default_factory=dict)
    payload: bytes = b""

    def header_str(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value if isinstance(value, str) else None

    @property
    def message_type(self) -> str | None:
        return self.header_str(":message-type")

    @property
    def event_type(self) -> str | None:
        return self.header_str(":event-type")


def _crc(data: bytes, start: int = 0) -> int:
    return zlib.crc32(data, start) & 0xFFFFFFFF


# ---------------------------------------------------------------- encoding


def encode_header_value(value: HeaderValue) -> bytes:
    # bool before int: bool is an int subclass.
    if value is True:
        return bytes([_TRUE])
    if value is False:
        return bytes([_FALSE])
    if isinstance(value, Int8):
        return struct.pack(">Bb", _BYTE, value)
    if isinstance(value, Int16):
        return struct.pack(">Bh", _SHORT, value)
    if isinstance(value, Int64):
        return struct.pack(">Bq", _LONG, value)
    if isinstance(value, int):
        return struct.pack(">Bi", _INTEGER, value)
    if isinstance(value, bytes | bytearray):
        return _sized(_BYTES, bytes(value))
    if isinstance(value, str):
        return _sized(_STRING, value.encode("utf-8"))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("timestamp header values must be timezone-aware")
        millis = (value - _EPOCH) // dt.timedelta(milliseconds=1)
        return struct.pack(">Bq", _TIMESTAMP, millis)
    if isinstance(value, uuid.UUID):
        return bytes([_UUID]) + value.bytes
    raise TypeError(f"unsupported header value type: {type(value).__name__}")


def _sized(type_tag: int, raw: bytes) -> bytes:
    if len(raw) > MAX_HEADER_VALUE_LENGTH:
        raise ValueError(f"header value of {len(raw)} bytes exceeds {MAX_HEADER_VALUE_LENGTH}")
    return struct.pack(">BH", type_tag, len(raw)) + raw


def encode_headers(headers: Headers) -> bytes:
    out = bytearray()
    for name, value in headers.items():
        raw_name = name.encode("utf-8")
        if not 1 <= len(raw_name) <= 255:
            raise ValueError(f"header name must be 1-255 bytes: {name!r}")
        out += bytes([len(raw_name)]) + raw_name + encode_header_value(value)
    return bytes(out)


def encode_message(headers: Headers, payload: bytes = b"") -> bytes:
    raw_headers = encode_headers(headers)
    if len(raw_headers) > MAX_HEADERS_LENGTH:
        raise ValueError(f"headers of {len(raw_headers)} bytes exceed {MAX_HEADERS_LENGTH}")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_LENGTH}")
    total = OVERHEAD + len(raw_headers) + len(payload)
    prelude = struct.pack(">II", total, len(raw_headers))
    head = prelude + struct.pack(">I", _crc(prelude))
    body = head + raw_headers + payload
    return body + struct.pack(">I", _crc(body))


# ---------------------------------------------------------------- decoding


def decode_headers(raw: bytes) -> dict[str, HeaderValue]:
    headers: dict[str, HeaderValue] = {}
    pos = 0
    end = len(raw)

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > end:
            raise InvalidHeaderError("header overruns the headers block")
        chunk = raw[pos : pos + n]
        pos += n
        return chunk

    while pos < end:
        name_length = take(1)[0]
        if name_length == 0:
            raise InvalidHeaderError("empty header name")
        try:
            name = take(name_length).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidHeaderError("header name is not UTF-8") from exc
        type_tag = take(1)[0]
        value: HeaderValue
        if type_tag == _TRUE:
            value = True
        elif type_tag == _FALSE:
            value = False
        elif type_tag == _BYTE:
            value = Int8(struct.unpack(">b", take(1))[0])
        elif type_tag == _SHORT:
            value = Int16(struct.unpack(">h", take(2))[0])
        elif type_tag == _INTEGER:
            value = struct.unpack(">i", take(4))[0]
        elif type_tag == _LONG:
            value = Int64(struct.unpack(">q", take(8))[0])
        elif type_tag in (_BYTES, _STRING):
            (length,) = struct.unpack(">H", take(2))
            data = take(length)
            if type_tag == _BYTES:
                value = data
            else:
                try:
                    value = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InvalidHeaderError(f"header {name!r} is not UTF-8") from exc
        elif type_tag == _TIMESTAMP:
            (millis,) = struct.unpack(">q", take(8))
            try:
                # Exact milliseconds: a signature covers the re-encoded value.
                value = _EPOCH + dt.timedelta(milliseconds=millis)
            except OverflowError as exc:
                raise InvalidHeaderError(f"timestamp header {name!r} out of range") from exc
        elif type_tag == _UUID:
            value = uuid.UUID(bytes=take(16))
        else:
            raise InvalidHeaderError(f"unknown header value type {type_tag} for header {name!r}")
        if name in headers:
            raise InvalidHeaderError(f"duplicate header {name!r}")
        headers[name] = value
    return headers


class EventStreamDecoder:
    """Incremental decoder: `feed` any slice of the stream, get back the messages it completes."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._total: int | None = None
        self._headers_length = 0

    @property
    def pending(self) -> int:
        """Bytes held that do not yet form a whole message."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        return list(self._drain())

    def finish(self) -> None:
        """Call at end of input: leftover bytes mean the peer stopped inside a message."""
        if self._buffer:
            raise TruncatedStreamError(f"stream ended inside a message ({len(self._buffer)} bytes left)")

    def _drain(self) -> Iterator[Message]:
        while True:
            if self._total is None:
                if len(self._buffer) < PRELUDE_LENGTH:
                    return
                self._read_prelude()
            assert self._total is not None
            if len(self._buffer) < self._total:
                return
            raw = bytes(self._buffer[: self._total])
            del self._buffer[: self._total]
            self._total = None
            yield self._read_message(raw)

    def _read_prelude(self) -> None:
        total, headers_length, prelude_crc = struct.unpack(">III", self._buffer[:PRELUDE_LENGTH])
        if _crc(bytes(self._buffer[:8])) != prelude_crc:
            raise PreludeChecksumError("prelude CRC32 does not match: the message lengths are corrupted")
        if headers_length > MAX_HEADERS_LENGTH:
            raise InvalidLengthError(f"headers length {headers_length} exceeds {MAX_HEADERS_LENGTH}")
        if total < OVERHEAD + headers_length:
            raise InvalidLengthError(f"total length {total} is too small for {headers_length} header bytes")
        if total - OVERHEAD - headers_length > MAX_PAYLOAD_LENGTH:
            raise InvalidLengthError(f"payload exceeds {MAX_PAYLOAD_LENGTH} bytes")
        self._total = total
        self._headers_length = headers_length

    def _read_message(self, raw: bytes) -> Message:
        (message_crc,) = struct.unpack(">I", raw[-4:])
        if _crc(raw[:-4]) != message_crc:
            raise MessageChecksumError("message CRC32 does not match: the message is corrupted")
        headers_end = PRELUDE_LENGTH + self._headers_length
        headers = decode_headers(raw[PRELUDE_LENGTH:headers_end])
        return Message(headers, raw[headers_end:-4])


def decode_message(raw: bytes) -> Message:
    """Decode exactly one whole message (a WebSocket binary frame carries one)."""
    decoder = EventStreamDecoder()
    messages = decoder.feed(raw)
    decoder.finish()
    if len(messages) != 1:
        raise InvalidLengthError(f"expected one message in the frame, found {len(messages)}")
    return messages[0]


# ---------------------------------------------------------------- the service's own messages


def event_message(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    return encode_message(
        {":message-type": "event", ":event-type": event_type, ":content-type": content_type}, payload
    )


def transcript_event_message(payload_json: bytes, content_type: str = "application/json") -> bytes:
    """A TranscriptEvent carrying the JSON `{"Transcript": {"Results": [...]}}`."""
    return event_message("TranscriptEvent", payload_json, content_type)


def exception_message(exception_type: str, message: str, content_type: str = "application/json") -> bytes:
    """An exception message (e.g. BadRequestException); the body is `{"Message": ...}`.

    The guide's WebSocket tables say application/octet-stream where its HTTP/2 tables say
    application/json; clients read neither, so one default serves both.
    """
    body = json.dumps({"Message": message}).encode("utf-8")
    return encode_message(
        {
            ":message-type": "exception",
            ":exception-type": exception_type,
            ":content-type": content_type,
        },
        body,
    )
