"""Event-stream codec: round trips against botocore and amazon_transcribe, fragmentation, corruption."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import struct
import uuid
import zlib

import pytest
from amazon_transcribe.eventstream import EventStreamMessageSerializer
from botocore.eventstream import EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st

from service.eventstream import (
    EventStreamDecoder,
    EventStreamError,
    Int8,
    Int16,
    Int64,
    InvalidHeaderError,
    InvalidLengthError,
    Message,
    MessageChecksumError,
    PreludeChecksumError,
    TruncatedStreamError,
    decode_message,
    encode_message,
    exception_message,
    transcript_event_message,
)

ALL_TYPES = {
    "true": True,
    "false": False,
    "byte": Int8(-7),
    "short": Int16(-3000),
    "int": 2_000_000_000,
    "long": Int64(-(2**50)),
    "bytes": b"\x00\xffraw",
    "string": "héllo wörld",
    "timestamp": dt.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=dt.UTC),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
}


def _botocore_decode(raw: bytes) -> list:
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    return list(buffer)


def test_all_ten_header_types_decode_in_botocore() -> None:
    raw = encode_message(ALL_TYPES, b"payload bytes")
    (event,) = _botocore_decode(raw)
    assert event.payload == b"payload bytes"
    headers = event.headers
    assert headers["true"] is True and headers["false"] is False
    assert headers["byte"] == -7 and headers["short"] == -3000
    assert headers["int"] == 2_000_000_000 and headers["long"] == -(2**50)
    assert headers["bytes"] == b"\x00\xffraw" and headers["string"] == "héllo wörld"
    assert headers["timestamp"] == 1714979289123  # botocore gives epoch milliseconds
    assert headers["uuid"] == ALL_TYPES["uuid"].bytes


def test_type_tags_are_the_guides() -> None:
    raw = encode_message({"a": Int8(1), "b": Int16(1), "c": 1, "d": Int64(1)})
    headers = raw[12:-4]
    tags = []
    pos = 0
    while pos < len(headers):
        name_length = headers[pos]
        tags.append(headers[pos + 1 + name_length])
        pos += 2 + name_length + {2: 1, 3: 2, 4: 4, 5: 8}[headers[pos + 1 + name_length]]
    assert tags == [2, 3, 4, 5]


def test_own_round_trip_keeps_types() -> None:
    message = decode_message(encode_message(ALL_TYPES, b"x"))
    assert message.headers == ALL_TYPES
    assert type(message.headers["byte"]) is Int8
    assert type(message.headers["short"]) is Int16
    assert type(message.headers["long"]) is Int64
    assert type(message.headers["int"]) is int


def test_decodes_amazon_transcribe_serializer_output() -> None:
    serializer = EventStreamMessageSerializer()
    audio = bytes(range(256)) * 10
    inner = serializer.serialize(
        {":content-type": "application/octet-stream", ":event-type": "AudioEvent", ":message-type": "event"},
        audio,
    )
    now = dt.datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    envelope = serializer.serialize({":date": now, ":chunk-signature": b"\x01" * 32}, inner)
    (outer,) = EventStreamDecoder().feed(envelope)
    assert outer.headers == {":date": now, ":chunk-signature": b"\x01" * 32}
    message = decode_message(outer.payload)
    assert message.event_type == "AudioEvent" and message.message_type == "event"
    assert message.payload == audio


def test_guide_headers_of_service_messages() -> None:
    (event,) = _botocore_decode(transcript_event_message(b'{"Transcript":{"Results":[]}}'))
    assert event.headers == {
        ":message-type": "event",
        ":event-type": "TranscriptEvent",
        ":content-type": "application/json",
    }
    (error,) = _botocore_decode(exception_message("BadRequestException", "bad things"))
    assert error.headers == {
        ":message-type": "exception",
        ":exception-type": "BadRequestException",
        ":content-type": "application/json",
    }
    assert json.loads(error.payload) == {"Message": "bad things"}


def test_overhead_is_sixteen_bytes() -> None:
    assert len(encode_message({}, b"")) == 16
    assert len(encode_message({}, b"abc")) == 19


messages_strategy = st.lists(
    st.tuples(
        st.dictionaries(
            st.text(min_size=1, max_size=20).filter(lambda s: len(s.encode()) <= 255),
            st.one_of(
                st.booleans(),
                st.integers(-(2**31), 2**31 - 1),
                st.binary(max_size=40),
                st.text(max_size=40),
                st.integers(-128, 127).map(Int8),
                st.integers(-(2**63), 2**63 - 1).map(Int64),
                st.uuids(),
            ),
            max_size=5,
        ),
        st.binary(max_size=300),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(messages=messages_strategy, cuts=st.lists(st.integers(0, 2000), max_size=12))
def test_any_fragmentation_gives_the_same_messages(messages, cuts) -> None:
    stream = b"".join(encode_message(h, p) for h, p in messages)
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    decoder = EventStreamDecoder()
    decoded: list[Message] = []
    for start, end in itertools.pairwise(points):
        decoded.extend(decoder.feed(stream[start:end]))
    decoder.finish()
    assert [(dict(m.headers), m.payload) for m in decoded] == [(h, p) for h, p in messages]
    assert [e.payload for e in _botocore_decode(stream)] == [p for _, p in messages]


def test_byte_at_a_time() -> None:
    stream = encode_message(ALL_TYPES, b"abc") + encode_message({"k": "v"}, b"")
    decoder = EventStreamDecoder()
    got = [m for byte in stream for m in decoder.feed(bytes([byte]))]
    assert len(got) == 2 and got[1].headers == {"k": "v"}
    assert decoder.pending == 0


def _with_crc(body: bytes) -> bytes:
    return body + struct.pack(">I", zlib.crc32(body))


def _prelude(total: int, headers_length: int) -> bytes:
    prelude = struct.pack(">II", total, headers_length)
    return prelude + struct.pack(">I", zlib.crc32(prelude))


@pytest.mark.parametrize("index", [0, 3, 5, 8, 11])
def test_corrupt_prelude_rejected(index: int) -> None:
    raw = bytearray(encode_message({"a": "b"}, b"payload"))
    raw[index] ^= 0x40
    with pytest.raises(PreludeChecksumError):
        EventStreamDecoder().feed(bytes(raw))


@pytest.mark.parametrize("where", ["header", "payload", "crc"])
def test_corrupt_message_rejected(where: str) -> None:
    raw = bytearray(encode_message({"name": "value"}, b"payload"))
    index = {"header": 14, "payload": len(raw) - 6, "crc": len(raw) - 1}[where]
    raw[index] ^= 0x01
    with pytest.raises(MessageChecksumError):
        EventStreamDecoder().feed(bytes(raw))


def test_headers_longer_than_message_rejected() -> None:
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(_prelude(20, 10))


def test_total_below_overhead_rejected() -> None:
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(_prelude(8, 0))


def test_oversized_payload_rejected_from_prelude() -> None:
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(_prelude(17 * 1024 * 1024, 0))


def test_unknown_header_type_rejected() -> None:
    headers = b"\x01a\x0a"  # type 10 does not exist
    raw = _with_crc(_prelude(16 + len(headers), len(headers)) + headers)
    with pytest.raises(InvalidHeaderError, match="unknown header value type 10"):
        EventStreamDecoder().feed(raw)


def test_header_overrunning_block_rejected() -> None:
    headers = b"\x01a\x07\x00\x09abc"  # string says 9 bytes, 3 present
    raw = _with_crc(_prelude(16 + len(headers), len(headers)) + headers)
    with pytest.raises(InvalidHeaderError):
        EventStreamDecoder().feed(raw)


def test_duplicate_header_rejected() -> None:
    headers = b"\x01a\x00\x01a\x01"
    raw = _with_crc(_prelude(16 + len(headers), len(headers)) + headers)
    with pytest.raises(InvalidHeaderError, match="duplicate"):
        EventStreamDecoder().feed(raw)


def test_truncated_stream_reported_at_finish() -> None:
    decoder = EventStreamDecoder()
    raw = encode_message({"a": "b"}, b"payload")
    assert decoder.feed(raw[:-3]) == []
    with pytest.raises(TruncatedStreamError):
        decoder.finish()


def test_frame_with_two_messages_is_not_one_message() -> None:
    raw = encode_message({}, b"a") + encode_message({}, b"b")
    with pytest.raises(EventStreamError):
        decode_message(raw)


def test_naive_timestamp_refused_on_encode() -> None:
    with pytest.raises(ValueError):
        encode_message({"t": dt.datetime(2024, 1, 1)})
