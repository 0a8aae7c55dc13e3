"""StartMedicalStreamTranscription over HTTP/2 on the HTTPS listener, driven by the amazon-transcribe SDK.

The SDK (awscrt) negotiates h2 by ALPN, trusts the server's local CA through SSL_CERT_FILE, signs
the request and chains a signature through every audio event; a small serializer subclass turns its
StartStreamTranscription request into the medical one (tests/stream_client.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Server, start_server
from tests.stream_client import medical_sdk_client, pcm16, sdk_stream, silence, words


@pytest.fixture(scope="module")
def h2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("h2-server"), plain_http=False)
    previous = os.environ.get("SSL_CERT_FILE")
    # awscrt reads its trust store from here (SSL_CERT_DIR is not enough).
    os.environ["SSL_CERT_FILE"] = str(srv.data_dir / "tls" / "ca.pem")
    yield srv
    if previous is None:
        os.environ.pop("SSL_CERT_FILE", None)
    else:
        os.environ["SSL_CERT_FILE"] = previous
    srv.stop()


def _run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 300))


def test_sdk_stream_at_real_time_pace(h2_server: Server, fixtures_dir: Path) -> None:
    pcm = pcm16(fixtures_dir / "audio" / "jfk.flac")
    client = medical_sdk_client(h2_server.url)
    reply = _run(sdk_stream(client, pcm, chunk_s=0.1, pace_s=0.1))
    assert reply.exceptions == []
    # Response headers came back before any audio was sent (the SDK waits for them).
    assert reply.headers["x-amzn-request-id"] and reply.headers["x-amzn-transcribe-session-id"]
    assert reply.headers["x-amzn-transcribe-sample-rate"] == "16000"
    assert [r["IsPartial"] for r in reply.results].count(False) >= 2
    assert any(r["IsPartial"] for r in reply.results), "no partials while audio arrived"
    spoken = set(words(reply.final_text))
    assert {"fellow", "americans", "country", "ask"} <= spoken, reply.final_text
    for final in reply.finals:
        items = [i for i in final["Alternatives"][0]["Items"] if i["item_type"] == "pronunciation"]
        assert all(final["StartTime"] - 0.01 <= i["start_time"] <= i["end_time"] <= final["EndTime"] + 0.01
                   for i in items)


def test_bad_specialty_is_refused_before_streaming(h2_server: Server) -> None:
    client = medical_sdk_client(h2_server.url, specialty="DERMATOLOGY")
    reply = _run(sdk_stream(client, silence(0.2)))
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
    assert "specialty" in reply.exceptions[0][1]


def test_bad_signature_is_refused(h2_server: Server) -> None:
    client = medical_sdk_client(h2_server.url, secret="not-the-secret-key-000000")
    reply = _run(sdk_stream(client, silence(0.2)))
    assert reply.exceptions
    assert "signature" in reply.exceptions[0][1].lower()


def test_broken_chunk_signature_chain(h2_server: Server) -> None:
    client = medical_sdk_client(h2_server.url)
    signer = client._event_signer
    real_sign = signer.sign
    count = [0]

    def sign(payload: bytes, prior_signature: bytes, credentials: Any) -> Any:
        count[0] += 1
        # From the third event on, chain from a wrong prior signature.
        return real_sign(payload, prior_signature if count[0] < 3 else b"\0" * 32, credentials)

    signer.sign = sign
    reply = _run(sdk_stream(client, silence(1.0), chunk_s=0.1))
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
    assert "chain" in reply.exceptions[0][1]


def test_channel_identification_needs_two_channels(h2_server: Server) -> None:
    client = medical_sdk_client(h2_server.url)
    reply = _run(sdk_stream(client, silence(0.2), enable_channel_identification=True, number_of_channels=3))
    assert reply.exceptions and reply.exceptions[0][0] == "BadRequestException"
