"""Presigned WebSocket URLs (signed by botocore) and chunk-signature chains (signed by amazon_transcribe)."""

from __future__ import annotations

import datetime as dt
from binascii import unhexlify
from urllib.parse import urlsplit

import pytest
from amazon_transcribe.auth import Credentials as TranscribeCredentials
from amazon_transcribe.eventstream import EventSigner, EventStreamMessageSerializer
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from service.eventstream import EventStreamDecoder, decode_message, encode_message
from service.stream_errors import (
    BadRequestException,
    IncompleteSignatureException,
    InvalidSignatureException,
    StreamError,
    UnrecognizedClientException,
)
from service.stream_input import AudioEventReader
from service.stream_signing import (
    ChunkSignatureVerifier,
    seed_from_authorization,
    verify_presigned_url,
)

KEY_ID, SECRET, ACCOUNT = "AKIDSTREAMTEST", "s3cr3t/key+material", "123456789012"
REGION = "us-west-2"
PATH = "/medical-stream-transcription-websocket"
QUERY = (
    "language-code=en-US&media-encoding=pcm&sample-rate=16000&specialty=PRIMARYCARE&type=DICTATION"
    "&session-id=0f8e2a34-1b2c-4d5e-8f90-a1b2c3d4e5f6&show-speaker-label=true"
)


def secret_for(key_id: str) -> tuple[str, str] | None:
    return (SECRET, ACCOUNT) if key_id == KEY_ID else None


def presign(
    host: str = "localhost:8443",
    expires: int = 300,
    service: str = "transcribe",
    secret: str = SECRET,
    query: str = QUERY,
    scheme: str = "https",
) -> str:
    request = AWSRequest(method="GET", url=f"{scheme}://{host}{PATH}?{query}")
    SigV4QueryAuth(Credentials(KEY_ID, secret), service, REGION, expires=expires).add_auth(request)
    return request.url


def verify(url: str, *, host: str | None = None, now: dt.datetime | None = None, **kwargs):
    parts = urlsplit(url)
    return verify_presigned_url(
        method="GET",
        path=parts.path,
        query_string=parts.query,
        headers={"host": host or parts.netloc},
        secret_for=secret_for,
        now=now,
        **kwargs,
    )


def test_botocore_presigned_url_accepted() -> None:
    identity = verify(presign())
    assert identity.access_key_id == KEY_ID
    assert identity.account_id == ACCOUNT
    assert identity.region == REGION
    assert len(identity.seed_signature) == 64
    assert SECRET not in repr(identity)


def test_host_without_port_accepted_when_client_signed_it_so() -> None:
    # botocore drops the default port; the request then arrives with Host "localhost".
    verify(presign(host="localhost:443"), host="localhost:443")
    verify(presign(host="localhost"), host="localhost:8443")


def test_wrong_host_rejected() -> None:
    with pytest.raises(InvalidSignatureException, match="does not match"):
        verify(presign(), host="evil.example:8443")


def test_bad_signature_rejected() -> None:
    url = presign()
    signature = url.split("X-Amz-Signature=")[1][:64]
    forged = url.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    with pytest.raises(InvalidSignatureException):
        verify(forged)


def test_wrong_secret_rejected() -> None:
    with pytest.raises(InvalidSignatureException):
        verify(presign(secret="not-the-secret"))


def test_unknown_access_key_rejected() -> None:
    url = presign().replace(KEY_ID, "AKIDUNKNOWN")
    with pytest.raises(UnrecognizedClientException):
        verify(url)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("specialty=PRIMARYCARE", "specialty=CARDIOLOGY"),
        ("sample-rate=16000", "sample-rate=8000"),
        ("show-speaker-label=true", "show-speaker-label=false"),
    ],
)
def test_changed_parameter_rejected(old: str, new: str) -> None:
    url = presign()
    assert old in url
    with pytest.raises(InvalidSignatureException):
        verify(url.replace(old, new))


def test_added_parameter_rejected() -> None:
    with pytest.raises(InvalidSignatureException):
        verify(presign() + "&vocabulary-name=extra")


def test_expired_url_rejected() -> None:
    url = presign(expires=60)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)
    with pytest.raises(InvalidSignatureException, match="Signature expired"):
        verify(url, now=later)
    verify(url, now=later - dt.timedelta(seconds=5))


def test_future_date_beyond_skew_rejected() -> None:
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    with pytest.raises(InvalidSignatureException, match="not yet current"):
        verify(presign(), now=earlier)


@pytest.mark.parametrize("expires", [301, 3600])
def test_expires_above_300_rejected(expires: int) -> None:
    with pytest.raises(BadRequestException, match="X-Amz-Expires"):
        verify(presign(expires=expires))


def test_expires_zero_rejected() -> None:
    url = presign().replace("X-Amz-Expires=300", "X-Amz-Expires=0")
    with pytest.raises(BadRequestException):
        verify(url)


def test_wrong_service_rejected() -> None:
    with pytest.raises(InvalidSignatureException, match="transcribe"):
        verify(presign(service="s3"))


def test_region_pinned_when_asked() -> None:
    verify(presign(), region=REGION)
    with pytest.raises(InvalidSignatureException, match="region"):
        verify(presign(), region="eu-west-1")


@pytest.mark.parametrize(
    "field",
    ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"],
)
def test_missing_field_rejected(field: str) -> None:
    url = presign()
    base, query = url.split("?", 1)
    kept = "&".join(p for p in query.split("&") if not p.startswith(field + "="))
    with pytest.raises(IncompleteSignatureException, match=field):
        verify(f"{base}?{kept}")


def test_errors_carry_aws_types_and_status() -> None:
    with pytest.raises(StreamError) as info:
        verify(presign(expires=301))
    assert (info.value.error_type, info.value.status) == ("BadRequestException", 400)
    with pytest.raises(StreamError) as info:
        verify(presign(), host="other:1")
    assert (info.value.error_type, info.value.status) == ("InvalidSignatureException", 403)


# ---------------------------------------------------------------- chunk-signature chain

T0 = dt.datetime(2025, 3, 4, 5, 6, 7, 891000, tzinfo=dt.UTC)


def _seed() -> str:
    request = AWSRequest(
        method="POST",
        url="https://localhost:8443/medical-stream-transcription",
        headers={"x-amzn-transcribe-language-code": "en-US"},
    )
    SigV4Auth(Credentials(KEY_ID, SECRET), "transcribe", REGION).add_auth(request)
    return seed_from_authorization(request.headers["Authorization"]).signature


def _sdk_envelopes(seed: str, chunks: list[bytes], secret: str = SECRET) -> list[bytes]:
    """What amazon_transcribe's AudioStream writes: each AudioEvent signed, then a signed empty end."""
    times = iter([T0 + dt.timedelta(milliseconds=250 * i) for i in range(len(chunks) + 1)])
    signer = EventSigner("transcribe", REGION, utc_now=lambda: next(times))
    serializer = EventStreamMessageSerializer()
    creds = TranscribeCredentials(KEY_ID, secret)
    prior = unhexlify(seed)
    out = []
    for chunk in [*chunks, None]:
        payload = b"" if chunk is None else serializer.serialize(
            {":content-type": "application/octet-stream", ":event-type": "AudioEvent", ":message-type": "event"},
            chunk,
        )
        headers = signer.sign(payload, prior, creds)
        prior = headers[":chunk-signature"]
        out.append(serializer.serialize(headers, payload))
    return out


def _verifier(seed: str) -> ChunkSignatureVerifier:
    return ChunkSignatureVerifier(secret=SECRET, region=REGION, seed_signature=seed, clock=lambda: T0)


def test_seed_read_from_authorization_header() -> None:
    seed = seed_from_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20250304/us-west-2/transcribe/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32
    )
    assert (seed.access_key_id, seed.region, seed.service, seed.signature) == (
        "AKID", "us-west-2", "transcribe", "ab" * 32,
    )
    with pytest.raises(IncompleteSignatureException):
        seed_from_authorization("Bearer token")


def test_sdk_chain_verifies_and_ends() -> None:
    seed = _seed()
    chunks = [b"\x01\x02" * 100, b"\x03\x04" * 50, b"\x05" * 10]
    reader = AudioEventReader(_verifier(seed), require_signed=True)
    got = []
    for envelope in _sdk_envelopes(seed, chunks):
        got.extend(reader.feed(envelope))
    assert got == chunks
    assert reader.ended


def test_chain_verifies_across_any_fragmentation() -> None:
    seed = _seed()
    stream = b"".join(_sdk_envelopes(seed, [b"a" * 700, b"b" * 300]))
    reader = AudioEventReader(_verifier(seed), require_signed=True)
    got = [chunk for i in range(0, len(stream), 7) for chunk in reader.feed(stream[i : i + 7])]
    assert got == [b"a" * 700, b"b" * 300] and reader.ended


def test_wrong_seed_breaks_chain() -> None:
    envelopes = _sdk_envelopes(_seed(), [b"audio"])
    reader = AudioEventReader(_verifier("00" * 32), require_signed=True)
    with pytest.raises(BadRequestException, match="chain is broken"):
        reader.feed(envelopes[0])


def test_reordered_events_break_chain() -> None:
    seed = _seed()
    _first, second, _end = _sdk_envelopes(seed, [b"one", b"two"])
    reader = AudioEventReader(_verifier(seed), require_signed=True)
    with pytest.raises(BadRequestException, match="chain"):
        reader.feed(second)


def test_dropped_event_breaks_chain() -> None:
    seed = _seed()
    first, _second, end = _sdk_envelopes(seed, [b"one", b"two"])
    reader = AudioEventReader(_verifier(seed), require_signed=True)
    assert reader.feed(first) == [b"one"]
    with pytest.raises(BadRequestException, match="chain"):
        reader.feed(end)


def test_tampered_audio_breaks_chain() -> None:
    seed = _seed()
    (envelope, _end) = _sdk_envelopes(seed, [b"original audio"])
    outer = EventStreamDecoder().feed(envelope)[0]
    inner = decode_message(outer.payload)
    forged = encode_message(outer.headers, encode_message(inner.headers, b"forged audio!!"))
    with pytest.raises(BadRequestException, match="chain"):
        AudioEventReader(_verifier(seed), require_signed=True).feed(forged)


def test_wrong_secret_breaks_chain() -> None:
    seed = _seed()
    envelopes = _sdk_envelopes(seed, [b"audio"], secret="other")
    with pytest.raises(BadRequestException):
        AudioEventReader(_verifier(seed), require_signed=True).feed(envelopes[0])


def test_stale_date_rejected() -> None:
    seed = _seed()
    envelopes = _sdk_envelopes(seed, [b"audio"])
    verifier = ChunkSignatureVerifier(
        secret=SECRET, region=REGION, seed_signature=seed, clock=lambda: T0 + dt.timedelta(minutes=10)
    )
    with pytest.raises(BadRequestException, match="5 minutes"):
        AudioEventReader(verifier, require_signed=True).feed(envelopes[0])


def test_unsigned_event_refused_when_signing_required() -> None:
    plain = encode_message({":message-type": "event", ":event-type": "AudioEvent"}, b"audio")
    with pytest.raises(BadRequestException, match="signed"):
        AudioEventReader(_verifier(_seed()), require_signed=True).feed(plain)


def test_events_after_end_refused() -> None:
    seed = _seed()
    envelopes = _sdk_envelopes(seed, [b"audio"])
    reader = AudioEventReader(_verifier(seed), require_signed=True)
    reader.feed(envelopes[0] + envelopes[1])
    with pytest.raises(BadRequestException, match="end"):
        reader.feed(envelopes[0])


def test_plain_websocket_events_and_empty_end() -> None:
    reader = AudioEventReader()
    audio = encode_message(
        {":content-type": "application/octet-stream", ":event-type": "AudioEvent", ":message-type": "event"},
        b"pcm bytes",
    )
    end = encode_message({":event-type": "AudioEvent", ":message-type": "event"}, b"")
    assert reader.feed(audio) == [b"pcm bytes"]
    assert reader.feed(end) == [] and reader.ended


def test_non_audio_event_refused() -> None:
    other = encode_message({":event-type": "ConfigurationEvent", ":message-type": "event"}, b"{}")
    with pytest.raises(BadRequestException, match="AudioEvent"):
        AudioEventReader().feed(other)


def test_corrupt_bytes_become_bad_request() -> None:
    raw = bytearray(encode_message({":event-type": "AudioEvent", ":message-type": "event"}, b"pcm"))
    raw[-1] ^= 1
    with pytest.raises(BadRequestException, match="CRC"):
        AudioEventReader().feed(bytes(raw))


def test_signed_event_without_signed_request_refused() -> None:
    seed = _seed()
    with pytest.raises(BadRequestException):
        AudioEventReader().feed(_sdk_envelopes(seed, [b"x"])[0])
