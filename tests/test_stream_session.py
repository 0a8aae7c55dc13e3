"""A whole stream through StreamSession: client bytes in, TranscriptEvent messages out (fake recognizer)."""

from __future__ import annotations

import contextlib
import datetime as dt
from binascii import unhexlify
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from amazon_transcribe.auth import Credentials
from amazon_transcribe.deserialize import TranscribeStreamingEventParser
from amazon_transcribe.eventstream import EventSigner, EventStreamMessageSerializer
from botocore.eventstream import EventStreamBuffer

from medical.audio import decode
from medical.items import Word
from medical.recognizer import SAMPLE_RATE, DecodeOptions, Segment
from service.eventstream import encode_message
from service.stream_errors import BadRequestException, LimitExceededException
from service.stream_input import AudioEventReader
from service.stream_limits import StreamLimiter
from service.stream_params import params_from_query
from service.stream_session import StreamSession
from service.stream_signing import ChunkSignatureVerifier

AUDIO = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "audio"
AUDIO_HEADERS = {":content-type": "application/octet-stream", ":event-type": "AudioEvent", ":message-type": "event"}


class FakeRecognizer:
    def __init__(self) -> None:
        self.options: list[DecodeOptions] = []

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Iterator[Segment]:
        self.options.append(options)
        n = int(len(audio) / SAMPLE_RATE / 0.4)
        words = [Word(f" w{i}", i * 0.4, i * 0.4 + 0.3, 0.7) for i in range(n)]
        yield Segment(0.0, len(audio) / SAMPLE_RATE, "", words)


def params(**extra: str):
    base = {
        "language-code": "en-US",
        "media-encoding": "pcm",
        "sample-rate": "16000",
        "specialty": "CARDIOLOGY",
        "type": "CONVERSATION",
        **extra,
    }
    return params_from_query(base.items())


def parse(messages: list[bytes]) -> list:
    buffer = EventStreamBuffer()
    for message in messages:
        buffer.add_data(message)
    parser = TranscribeStreamingEventParser()
    return [result for event in buffer for result in parser.parse(event).transcript.results]


@pytest.fixture(scope="module")
def pcm() -> bytes:
    mono = decode((AUDIO / "jfk.flac").read_bytes()).mono[: 6 * SAMPLE_RATE]
    return (mono * 32767).astype("<i2").tobytes()


def test_plain_websocket_pcm_stream(pcm: bytes) -> None:
    fake = FakeRecognizer()
    session = StreamSession(params(), fake, AudioEventReader())
    out: list[bytes] = []
    for i in range(0, len(pcm), 3200):
        out.extend(session.receive(encode_message(AUDIO_HEADERS, pcm[i : i + 3200])))
    out.extend(session.receive(encode_message(AUDIO_HEADERS, b"")))
    assert session.ended_by_client
    out.extend(session.close())
    results = parse(out)
    assert any(r.is_partial for r in results) and not results[-1].is_partial
    assert all(o.specialty == "CARDIOLOGY" and o.type == "CONVERSATION" for o in fake.options)
    assert 5.5 <= session.audio_seconds <= 6.1


def test_signed_http2_stream_with_stabilization(pcm: bytes) -> None:
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    seed = "ab" * 32
    signer = EventSigner("transcribe", "us-east-1", utc_now=lambda: t0)
    serializer = EventStreamMessageSerializer()
    prior = unhexlify(seed)
    body = b""
    for chunk in [pcm[i : i + 6400] for i in range(0, len(pcm), 6400)] + [None]:
        payload = b"" if chunk is None else serializer.serialize(AUDIO_HEADERS, chunk)
        headers = signer.sign(payload, prior, Credentials("AKID", "secret"))
        prior = headers[":chunk-signature"]
        body += serializer.serialize(headers, payload)
    verifier = ChunkSignatureVerifier(secret="secret", region="us-east-1", seed_signature=seed, clock=lambda: t0)
    session = StreamSession(
        params(**{"enable-partial-results-stabilization": "true"}),
        FakeRecognizer(),
        AudioEventReader(verifier, require_signed=True),
    )
    out = [m for i in range(0, len(body), 4096) for m in session.receive(body[i : i + 4096])]
    assert session.ended_by_client
    out.extend(session.close())
    results = parse(out)
    assert results and all(item.stable is not None for r in results for item in r.alternatives[0].items)


def test_channel_identification_splits_channels(pcm: bytes) -> None:
    mono = np.frombuffer(pcm, dtype="<i2")
    stereo = np.stack([mono, np.zeros_like(mono)], axis=1).astype("<i2").tobytes()
    session = StreamSession(
        params(**{"enable-channel-identification": "true", "number-of-channels": "2"}),
        FakeRecognizer(),
        AudioEventReader(),
    )
    frames = [encode_message(AUDIO_HEADERS, stereo[i : i + 6400]) for i in range(0, len(stereo), 6400)]
    out = [message for frame in frames for message in session.receive(frame)]
    out.extend(session.close())
    results = parse(out)
    assert results and {r.channel_id for r in results} == {"ch_0"}  # the silent channel says nothing


def test_declared_flac_but_pcm_sent() -> None:
    session = StreamSession(params(**{"media-encoding": "flac"}), FakeRecognizer(), AudioEventReader())
    noise = (np.random.default_rng(0).normal(0, 3000, 16000)).astype("<i2").tobytes()
    with pytest.raises(BadRequestException, match="decoded"):
        session.receive(encode_message(AUDIO_HEADERS, noise))
        session.close()


def test_26th_concurrent_stream_refused() -> None:
    limiter = StreamLimiter()
    with contextlib.ExitStack() as held:
        for _ in range(25):
            held.enter_context(limiter.stream("111122223333"))
        with pytest.raises(LimitExceededException) as info, limiter.stream("111122223333"):
            pass
        assert info.value.status == 429
        with limiter.stream("444455556666"):  # other accounts are unaffected
            assert limiter.open_streams("444455556666") == 1
    assert limiter.open_streams("111122223333") == 0
    with limiter.stream("111122223333"):
        pass
