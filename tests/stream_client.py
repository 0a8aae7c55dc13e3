"""Real streaming clients for tests: presigned WebSocket URLs, AudioEvent frames, decoded replies.

Frames are built with the amazon-transcribe SDK's encoder and signer and replies decoded with
botocore's event-stream parser, so the server is checked against the real clients' codecs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
from amazon_transcribe.auth import Credentials as SdkCredentials
from amazon_transcribe.eventstream import EventSigner, EventStreamMessageSerializer
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.eventstream import EventStreamBuffer
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.harness import KEY_ID, SECRET

WS_PATH = "/medical-stream-transcription-websocket"
REGION = "us-east-1"
SAMPLE_RATE = 16_000
_serializer = EventStreamMessageSerializer()


def pcm16(path: Path, rate: int = SAMPLE_RATE) -> bytes:
    """A fixture file decoded to mono signed 16-bit little-endian PCM at `rate`."""
    import av

    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        parts = []
        for frame in container.decode(audio=0):
            parts += [f.to_ndarray().tobytes() for f in resampler.resample(frame)]
        parts += [f.to_ndarray().tobytes() for f in resampler.resample(None)]
    return b"".join(parts)


def silence(seconds: float, rate: int = SAMPLE_RATE) -> bytes:
    return np.zeros(int(seconds * rate), dtype="<i2").tobytes()


def stream_params(**overrides: str) -> dict[str, str]:
    params = {
        "language-code": "en-US",
        "media-encoding": "pcm",
        "sample-rate": str(SAMPLE_RATE),
        "specialty": "PRIMARYCARE",
        "type": "DICTATION",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v != ""}


def presign(base_url: str, params: dict[str, str], *, key_id: str = KEY_ID, secret: str = SECRET,
            expires: int = 300, when: dt.datetime | None = None) -> str:
    """A ws:// URL presigned by botocore exactly as the guide's WebSocket examples do."""
    url = base_url.replace("http", "ws", 1) + WS_PATH + "?" + urlencode(params)
    request = AWSRequest(method="GET", url=url.replace("ws", "http", 1))
    signer = SigV4QueryAuth(Credentials(key_id, secret), "transcribe", REGION, expires=expires)
    if when is not None:
        request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        signer._modify_request_before_signing(request)
        signature = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        signer._inject_signature_to_request(request, signature)
    else:
        signer.add_auth(request)
    return str(request.url).replace("http", "ws", 1)


def audio_event(payload: bytes) -> bytes:
    return _serializer.serialize(
        {":message-type": "event", ":event-type": "AudioEvent", ":content-type": "application/octet-stream"}, payload
    )


class EnvelopeSigner:
    """Wraps AudioEvents in signed envelopes chained from a seed signature, like the SDKs do."""

    def __init__(self, seed_hex: str, secret: str = SECRET, key_id: str = KEY_ID) -> None:
        self._signer = EventSigner("transcribe", REGION)
        self._prior = bytes.fromhex(seed_hex)
        self._credentials = SdkCredentials(key_id, secret)

    def wrap(self, message: bytes) -> bytes:
        headers = self._signer.sign(message, self._prior, self._credentials)
        self._prior = headers[":chunk-signature"]  # type: ignore[assignment]
        return _serializer.serialize(headers, message)


@dataclass
class StreamReply:
    status: int | None = None  # HTTP status of a refused upgrade
    headers: dict[str, str] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    # (exception type, message) of exception messages
    exceptions: list[tuple[str, str]] = field(default_factory=list)
    close_code: int | None = None
    # (seconds since the first audio was sent, audio seconds sent so far, result)
    timeline: list[tuple[float, float, dict[str, Any]]] = field(default_factory=list)

    @property
    def finals(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["IsPartial"]]

    @property
    def final_text(self) -> str:
        return " ".join(r["Alternatives"][0]["Transcript"] for r in self.finals)


def decode_replies(data: bytes, buffer: EventStreamBuffer, reply: StreamReply, at: tuple[float, float]) -> None:
    buffer.add_data(data)
    for message in buffer:
        headers = message.headers
        if headers.get(":message-type") == "exception":
            reply.exceptions.append((headers[":exception-type"], json.loads(message.payload)["Message"]))
        elif headers.get(":event-type") == "TranscriptEvent":
            for result in json.loads(message.payload)["Transcript"]["Results"]:
                reply.results.append(result)
                reply.timeline.append((at[0], at[1], result))


async def read_replies(socket: Any, reply: StreamReply | None = None) -> StreamReply:
    """Everything the server sends until it closes (any close code); the close code is recorded."""
    reply = reply or StreamReply()
    buffer = EventStreamBuffer()
    try:
        async for message in socket:
            assert isinstance(message, bytes), "the server sends binary frames only"
            decode_replies(message, buffer, reply, (0.0, 0.0))
    except ConnectionClosed:
        pass
    reply.close_code = socket.close_code
    return reply


async def websocket_stream(url: str, frames: list[bytes], *, pace_s: float = 0.0, frame_audio_s: float = 0.0,
                           end: bytes | None = None, linger_s: float = 120.0) -> StreamReply:
    """Send `frames` (one every `pace_s`), then `end` (default: an empty AudioEvent); collect replies."""
    reply = StreamReply()
    try:
        socket = await connect(url, max_size=None, open_timeout=30)
    except InvalidStatus as exc:
        reply.status = exc.response.status_code
        reply.headers = {k.lower(): v for k, v in exc.response.headers.raw_items()}
        return reply
    buffer = EventStreamBuffer()
    started = time.monotonic()
    sent = [0.0]

    async def sender() -> None:
        for n, frame in enumerate(frames):
            if pace_s:
                await asyncio.sleep(max(0.0, started + n * pace_s - time.monotonic()))
            await socket.send(frame)
            sent[0] += frame_audio_s
        await socket.send(audio_event(b"") if end is None else end)

    async with socket:
        task = asyncio.create_task(sender())
        try:
            async with asyncio.timeout(linger_s):
                async for message in socket:
                    assert isinstance(message, bytes), "the server sends binary frames only"
                    decode_replies(message, buffer, reply, (time.monotonic() - started, sent[0]))
        except ConnectionClosed:
            pass
        reply.close_code = socket.close_code
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return reply


def pcm_frames(pcm: bytes, frame_s: float = 0.1, rate: int = SAMPLE_RATE) -> list[bytes]:
    step = int(frame_s * rate) * 2
    return [audio_event(pcm[i : i + step]) for i in range(0, len(pcm), step)]


def words(text: str) -> list[str]:
    return [w.strip(".,?!;:").lower() for w in text.split() if w.strip(".,?!;:")]


# ---------------------------------------------------------------- HTTP/2: the amazon-transcribe SDK


def medical_sdk_client(endpoint: str, specialty: str = "PRIMARYCARE", stream_type: str = "DICTATION",
                       key_id: str = KEY_ID, secret: str = SECRET) -> Any:
    """The SDK's client, pointed at `endpoint` and at the medical operation (it has no medical call).

    awscrt reads the trusted CA from SSL_CERT_FILE: set it before the first client is built.
    """
    from amazon_transcribe.auth import StaticCredentialResolver
    from amazon_transcribe.client import TranscribeStreamingClient
    from amazon_transcribe.endpoints import StaticEndpointResolver
    from amazon_transcribe.serialize import TranscribeStreamingSerializer

    class MedicalSerializer(TranscribeStreamingSerializer):
        def serialize_start_stream_transcription_request(self, endpoint: str, request_shape: Any) -> Any:
            request = super().serialize_start_stream_transcription_request(endpoint, request_shape)
            request.path = "/medical-stream-transcription"
            if specialty:
                request.headers["x-amzn-transcribe-specialty"] = specialty
            if stream_type:
                request.headers["x-amzn-transcribe-type"] = stream_type
            return request

    client = TranscribeStreamingClient(
        region=REGION,
        endpoint_resolver=StaticEndpointResolver(endpoint),
        credential_resolver=StaticCredentialResolver(key_id, secret),
    )
    client._serializer = MedicalSerializer()
    return client


async def sdk_stream(client: Any, pcm: bytes, *, chunk_s: float = 0.1, pace_s: float = 0.0,
                     rate: int = SAMPLE_RATE, **request: Any) -> StreamReply:
    """Stream PCM through the SDK; exceptions from the service end up in `reply.exceptions`."""
    from amazon_transcribe.exceptions import SDKError as SdkError

    reply = StreamReply()
    try:
        stream = await client.start_stream_transcription(
            language_code="en-US", media_sample_rate_hz=rate, media_encoding="pcm", **request
        )
    except SdkError as exc:
        reply.exceptions.append((type(exc).__name__, str(getattr(exc, "message", exc))))
        return reply
    response = stream.response
    reply.headers = {
        "x-amzn-request-id": response.request_id or "",
        "x-amzn-transcribe-session-id": response.session_id or "",
        "x-amzn-transcribe-sample-rate": str(response.media_sample_rate_hz),
    }
    started = time.monotonic()
    step = int(chunk_s * rate) * 2

    async def sender() -> None:
        for n, i in enumerate(range(0, len(pcm), step)):
            if pace_s:
                await asyncio.sleep(max(0.0, started + n * pace_s - time.monotonic()))
            await stream.input_stream.send_audio_event(audio_chunk=pcm[i : i + step])
        await stream.input_stream.end_stream()

    task = asyncio.create_task(sender())
    try:
        async for event in stream.output_stream:
            for result in event.transcript.results:
                as_dict = {
                    "ResultId": result.result_id,
                    "StartTime": result.start_time,
                    "EndTime": result.end_time,
                    "IsPartial": result.is_partial,
                    "Alternatives": [
                        {"Transcript": a.transcript, "Items": [vars(i) for i in a.items]}
                        for a in result.alternatives
                    ],
                }
                reply.results.append(as_dict)
                reply.timeline.append((time.monotonic() - started, 0.0, as_dict))
    except SdkError as exc:
        reply.exceptions.append((type(exc).__name__, str(getattr(exc, "message", exc))))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return reply
