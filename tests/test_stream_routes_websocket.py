"""StartMedicalStreamTranscription over WebSocket against a running server, with real client codecs.

URLs are presigned by botocore, frames encoded (and envelopes signed) by the amazon-transcribe SDK,
replies decoded by botocore's event-stream parser; the socket is the `websockets` client.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.harness import Server, fetch_transcript, put_media, start_job, start_server, wait_for_job
from tests.stream_client import (
    EnvelopeSigner,
    audio_event,
    pcm16,
    pcm_frames,
    presign,
    read_replies,
    silence,
    stream_params,
    websocket_stream,
    words,
)


@pytest.fixture(scope="module")
def ws_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ws-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def jfk_pcm(fixtures_dir: Path) -> bytes:
    return pcm16(fixtures_dir / "audio" / "jfk.flac")


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _refused(url: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    async def attempt() -> tuple[int, dict[str, str], dict[str, Any]]:
        with pytest.raises(InvalidStatus) as excinfo:
            await connect(url, open_timeout=30)
        response = excinfo.value.response
        headers = {k.lower(): v for k, v in response.headers.raw_items()}
        return response.status_code, headers, json.loads(response.body or b"{}")

    result: tuple[int, dict[str, str], dict[str, Any]] = _run(attempt())
    return result


# ---------------------------------------------------------------- refused upgrades


def test_bad_signature_is_a_real_403(ws_server: Server) -> None:
    status, headers, body = _refused(presign(ws_server.url, stream_params(), secret="not-the-secret-key-000000"))
    assert status == 403
    assert headers["x-amzn-errortype"].startswith("InvalidSignatureException")
    assert "signature" in body["message"].lower()


def test_expired_url_is_refused(ws_server: Server) -> None:
    signed_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=400)
    status, headers, body = _refused(presign(ws_server.url, stream_params(), expires=300, when=signed_at))
    assert status == 403
    assert headers["x-amzn-errortype"].startswith("InvalidSignatureException")
    assert "expired" in body["message"].lower()


def test_expires_over_300_seconds_is_refused(ws_server: Server) -> None:
    status, headers, _ = _refused(presign(ws_server.url, stream_params(), expires=301))
    assert status == 400
    assert headers["x-amzn-errortype"].startswith("BadRequestException")


def test_parameter_changed_after_signing_is_refused(ws_server: Server) -> None:
    url = presign(ws_server.url, stream_params())
    parts = urlsplit(url)
    query = [(k, "CARDIOLOGY" if k == "specialty" else v) for k, v in parse_qsl(parts.query)]
    status, headers, _ = _refused(parts._replace(query=urlencode(query)).geturl())
    assert status == 403
    assert headers["x-amzn-errortype"].startswith("InvalidSignatureException")


def test_unknown_key_is_refused(ws_server: Server) -> None:
    status, headers, _ = _refused(presign(ws_server.url, stream_params(), key_id="CLINUNKNOWNKEY000001"))
    assert status == 403
    assert headers["x-amzn-errortype"].startswith("UnrecognizedClientException")


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        (stream_params(specialty="DERMATOLOGY"), "specialty"),
        (stream_params(**{"sample-rate": "96000"}), "sample-rate"),
        (stream_params(**{"media-encoding": "mp3"}), "media-encoding"),
        (stream_params(**{"language-code": ""}), "language-code"),
    ],
)
def test_bad_parameters_are_a_real_400(ws_server: Server, params: dict[str, str], needle: str) -> None:
    status, headers, body = _refused(presign(ws_server.url, params))
    assert status == 400
    assert headers["x-amzn-errortype"].startswith("BadRequestException")
    assert needle in body["message"]


# ---------------------------------------------------------------- errors after the upgrade


def test_corrupted_crc_gets_an_exception_then_close(ws_server: Server) -> None:
    frame = bytearray(audio_event(silence(0.1)))
    frame[-1] ^= 0xFF
    reply = _run(websocket_stream(presign(ws_server.url, stream_params()), [bytes(frame)]))
    assert reply.status is None
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
    assert "crc" in reply.exceptions[0][1].lower() or "checksum" in reply.exceptions[0][1].lower()
    assert reply.close_code is not None and reply.results == []


def test_text_frame_gets_an_exception_then_close(ws_server: Server) -> None:
    async def scenario() -> tuple[list[tuple[str, str]], int | None]:
        async with connect(presign(ws_server.url, stream_params())) as socket:
            await socket.send(audio_event(silence(0.1)))
            await socket.send('{"AudioEvent": "text is not audio"}')
            reply = await read_replies(socket)
            return reply.exceptions, reply.close_code

    exceptions, code = _run(scenario())
    assert exceptions and exceptions[0][0] == "BadRequestException"
    assert "text" in exceptions[0][1].lower()
    assert code is not None


def test_broken_chunk_signature_chain(ws_server: Server) -> None:
    url = presign(ws_server.url, stream_params())
    seed = dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]
    good = EnvelopeSigner(seed)
    first = good.wrap(audio_event(silence(0.1)))
    # The second envelope chains from the seed again instead of from the first signature.
    broken = EnvelopeSigner(seed).wrap(audio_event(silence(0.1)))
    reply = _run(websocket_stream(url, [first, broken]))
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
    assert "chain" in reply.exceptions[0][1]


def test_silence_past_15_seconds_ends_the_stream(ws_server: Server) -> None:
    async def scenario() -> tuple[list[tuple[str, str]], int | None, float]:
        loop = asyncio.get_running_loop()
        async with connect(presign(ws_server.url, stream_params())) as socket:
            await socket.send(audio_event(silence(0.5)))
            sent_at = loop.time()
            reply = await read_replies(socket)
            return reply.exceptions, reply.close_code, loop.time() - sent_at

    exceptions, code, waited = _run(scenario())
    assert exceptions == [("BadRequestException", exceptions[0][1])]
    assert "15 seconds" in exceptions[0][1]
    assert code is not None
    assert waited >= 14.5


def test_26th_concurrent_stream_is_refused(ws_server: Server) -> None:
    async def scenario() -> tuple[int, str]:
        held = [await connect(presign(ws_server.url, stream_params()), open_timeout=30) for _ in range(25)]
        try:
            with pytest.raises(InvalidStatus) as excinfo:
                await connect(presign(ws_server.url, stream_params()), open_timeout=30)
            response = excinfo.value.response
            return response.status_code, response.headers["x-amzn-ErrorType"]
        finally:
            await asyncio.gather(*(socket.close() for socket in held))

    status, error_type = _run(scenario())
    assert status == 429
    assert error_type.startswith("LimitExceededException")

    # The slots come back once those streams are closed.
    async def again() -> None:
        for _ in range(50):
            try:
                async with connect(presign(ws_server.url, stream_params()), open_timeout=30):
                    return
            except InvalidStatus:
                await asyncio.sleep(0.1)
        raise AssertionError("stream slots were not released")

    _run(again())


def test_audio_at_the_wrong_sample_rate_is_reported(ws_server: Server, fixtures_dir: Path) -> None:
    # 48 kHz microphone audio declared as 16 kHz: it would play three times too slow.
    pcm = pcm16(fixtures_dir / "audio" / "jfk.flac", rate=48_000)
    reply = _run(websocket_stream(presign(ws_server.url, stream_params()), pcm_frames(pcm, 0.5, 48_000)))
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
    assert "sample rate" in reply.exceptions[0][1] and "16000 Hz" in reply.exceptions[0][1]
    assert not reply.finals


# ---------------------------------------------------------------- recognition


@pytest.fixture(scope="module")
def batch_words(ws_server: Server, fixtures_dir: Path) -> list[str]:
    """jfk.flac through the batch API of the same server: what the stream is compared with."""
    put_media(ws_server, fixtures_dir / "audio" / "jfk.flac", "s3://clinscribe-media/stream/jfk.flac")
    transcribe = ws_server.client("transcribe")
    start_job(transcribe, "stream-jfk", "s3://clinscribe-media/stream/jfk.flac")
    job = wait_for_job(transcribe, "stream-jfk")
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    document = fetch_transcript(ws_server.client("s3"), job)
    return words(document["results"]["transcripts"][0]["transcript"])


def _differences(a: list[str], b: list[str]) -> int:
    import difflib

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def _check_results(reply: Any, audio_s: float) -> None:
    assert reply.exceptions == []
    assert reply.close_code == 1000
    by_id: dict[str, list[dict[str, Any]]] = {}
    for result in reply.results:
        by_id.setdefault(result["ResultId"], []).append(result)
    for results in by_id.values():
        # One ResultId per segment: its partials, then exactly one final, last.
        assert [r["IsPartial"] for r in results].count(False) == 1 and not results[-1]["IsPartial"]
    previous_end = 0.0
    for final in reply.finals:
        assert previous_end - 0.5 <= final["StartTime"] < final["EndTime"] <= audio_s + 0.01
        previous_end = final["EndTime"]
        items = final["Alternatives"][0]["Items"]
        spoken = [i for i in items if i["Type"] == "pronunciation"]
        assert spoken and all(0.0 <= i["Confidence"] <= 1.0 for i in spoken)
        assert all(final["StartTime"] - 0.01 <= i["StartTime"] <= i["EndTime"] <= final["EndTime"] + 0.01
                   for i in spoken)
        assert any(i["Type"] == "punctuation" for i in items)


def test_faster_than_real_time_matches_batch(ws_server: Server, jfk_pcm: bytes, batch_words: list[str]) -> None:
    reply = _run(websocket_stream(presign(ws_server.url, stream_params()), pcm_frames(jfk_pcm, 0.1)))
    _check_results(reply, len(jfk_pcm) / 32_000)
    streamed = words(reply.final_text)
    assert _differences(streamed, batch_words) <= 3, (streamed, batch_words)


def test_real_time_pace_with_partials_matches_batch(
    ws_server: Server, jfk_pcm: bytes, batch_words: list[str]
) -> None:
    reply = _run(websocket_stream(presign(ws_server.url, stream_params()), pcm_frames(jfk_pcm, 0.1),
                                  pace_s=0.1, frame_audio_s=0.1))
    _check_results(reply, len(jfk_pcm) / 32_000)
    streamed = words(reply.final_text)
    assert _differences(streamed, batch_words) <= 3, (streamed, batch_words)
    partials = [r for r in reply.results if r["IsPartial"]]
    assert partials, "no partial results while audio arrived"
    assert all("Confidence" not in item for r in partials for item in r["Alternatives"][0]["Items"])


def test_signed_envelopes_at_8_khz(ws_server: Server, jfk_pcm: bytes) -> None:
    """The JS v3 client's way: every AudioEvent in a signed envelope, chained from the URL's signature."""
    narrow = np.frombuffer(pcm16(Path(__file__).parent.parent.parent / "shared" / "fixtures" / "audio" / "jfk.flac",
                                 rate=8_000), dtype="<i2")[: 8_000 * 3].tobytes()
    url = presign(ws_server.url, stream_params(**{"sample-rate": "8000"}))
    signer = EnvelopeSigner(dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"])
    frames = [signer.wrap(frame) for frame in pcm_frames(narrow, 0.25, 8_000)]
    reply = _run(websocket_stream(url, frames, end=signer.wrap(b"")))
    assert reply.exceptions == [] and reply.close_code == 1000
    assert {"fellow", "americans"} <= set(words(reply.final_text)), reply.final_text


def test_stream_results_are_normalized(ws_server: Server) -> None:
    from bench.synth import synthesize

    audio = synthesize("The blood pressure was one hundred twenty over eighty.", "en-us")
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    reply = _run(websocket_stream(presign(ws_server.url, stream_params()), pcm_frames(pcm, 0.1)))
    assert reply.exceptions == []
    assert "BP" in reply.final_text and "120/80" in reply.final_text, reply.final_text
    item_contents = [i["Content"] for r in reply.finals for i in r["Alternatives"][0]["Items"]]
    assert "120/80" in item_contents


def test_phi_identification_labels_entities(ws_server: Server) -> None:
    from bench.synth import synthesize

    audio = synthesize("The patient's name is John Smith. He lives in Boston.", "en-us")
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    url = presign(ws_server.url, stream_params(**{"content-identification-type": "PHI"}))
    reply = _run(websocket_stream(url, pcm_frames(pcm, 0.1)))
    assert reply.exceptions == []
    entities = [e for r in reply.finals for e in r["Alternatives"][0].get("Entities", [])]
    assert any(e["Category"] == "PHI-Personal" and e["Type"] == "NAME" and "Smith" in e["Content"]
               for e in entities), (reply.final_text, entities)
    for entity in entities:
        assert entity["StartTime"] <= entity["EndTime"] and 0.0 <= entity["Confidence"] <= 1.0
    # Without the parameter there are no entities.
    plain = _run(websocket_stream(presign(ws_server.url, stream_params()), pcm_frames(pcm, 0.1)))
    assert all("Entities" not in r["Alternatives"][0] for r in plain.results)
