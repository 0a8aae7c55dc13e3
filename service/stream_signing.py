"""SigV4 for streams: presigned WebSocket URLs and the chunk-signature chain of audio envelopes.

A presigned URL is checked the way AWS does for `GET /medical-stream-transcription-websocket`:
every X-Amz-* field present, the scope's service `transcribe`, 1 <= X-Amz-Expires <= 300,
not expired, at most 5 minutes of clock skew, and the signature recomputed over every query
parameter except X-Amz-Signature with the Host the request arrived with.

Signed envelopes (`:date`, `:chunk-signature`, payload = one whole event message) chain each
signature from the previous one; the first from the seed signature of the request
(Authorization header on HTTP/2, X-Amz-Signature on WebSocket). End of stream is a signed
envelope with an empty payload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from service.eventstream import Message, decode_message, encode_headers
from service.stream_errors import (
    BadRequestException,
    IncompleteSignatureException,
    InvalidSignatureException,
    UnrecognizedClientException,
)

SERVICE = "transcribe"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_EXPIRES_S = 300
MAX_SKEW = dt.timedelta(minutes=5)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_REQUIRED = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")

# access key id -> (secret access key, account id), or None when the key is unknown.
SecretLookup = Callable[[str], tuple[str, str] | None]


@dataclass(frozen=True, slots=True)
class StreamIdentity:
    """Who opened the stream, and what the chunk-signature chain (if any) starts from."""

    access_key_id: str
    account_id: str
    region: str
    seed_signature: str  # hex
    signed_at: dt.datetime
    secret: str = field(repr=False)


def signing_key(secret: str, date: str, region: str, service: str = SERVICE) -> bytes:
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _hmac(key: bytes, msg: str | bytes) -> bytes:
    data = msg.encode("utf-8") if isinstance(msg, str) else msg
    return hmac.new(key, data, hashlib.sha256).digest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- presigned WebSocket URL


def parse_query(query_string: str | bytes) -> list[tuple[str, str]]:
    """Split a raw query string into decoded pairs, keeping blanks and order; '+' stays '+'."""
    raw = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    pairs: list[tuple[str, str]] = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def verify_presigned_url(
    *,
    method: str,
    path: str,
    query_string: str | bytes,
    headers: Mapping[str, str],
    secret_for: SecretLookup,
    now: dt.datetime | None = None,
    region: str | None = None,
) -> StreamIdentity:
    """Check a presigned request; return the caller's identity or raise a `StreamError`.

    `path` is the decoded request path, `query_string` the raw one as received, `headers` the
    request headers with lower-case names (at least `host`). `region`, when given, is the only
    region accepted in the credential scope.
    """
    now = now or _now()
    pairs = parse_query(query_string)
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name.startswith("X-Amz-"):
            if name in fields:
                raise IncompleteSignatureException(f"Duplicate query parameter {name}.")
            fields[name] = value
    missing = [name for name in _REQUIRED if not fields.get(name)]
    if missing:
        raise IncompleteSignatureException(
            "Missing required authentication query parameters: " + ", ".join(missing) + "."
        )
    if fields["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignatureException(f"Unsupported X-Amz-Algorithm; it must be {ALGORITHM}.")

    scope = fields["X-Amz-Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not scope[0]:
        raise IncompleteSignatureException(
            "X-Amz-Credential must have the form <access key>/<date>/<region>/<service>/aws4_request."
        )
    access_key_id, scope_date, scope_region, scope_service, _ = scope
    if scope_service != SERVICE:
        raise InvalidSignatureException(f"Credential should be scoped to correct service: '{SERVICE}'.")
    if region is not None and scope_region != region:
        raise InvalidSignatureException(f"Credential should be scoped to a valid region: '{region}'.")

    amz_date = fields["X-Amz-Date"]
    signed_at = _parse_amz_date(amz_date)
    if scope_date != amz_date[:8]:
        raise InvalidSignatureException("Date in Credential scope does not match X-Amz-Date.")
    expires = _parse_expires(fields["X-Amz-Expires"])
    if signed_at - now > MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature not yet current: {amz_date} is still later than "
            f"{(now + MAX_SKEW).strftime(_AMZ_DATE)} ({now.strftime(_AMZ_DATE)} + 5 min.)"
        )
    if now > signed_at + dt.timedelta(seconds=expires):
        raise InvalidSignatureException(
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - dt.timedelta(seconds=expires)).strftime(_AMZ_DATE)} "
            f"({now.strftime(_AMZ_DATE)} - {expires} sec.)"
        )

    signature = fields["X-Amz-Signature"]
    if not _HEX_SIGNATURE.fullmatch(signature):
        raise IncompleteSignatureException("X-Amz-Signature must be 64 lower-case hex digits.")
    known = secret_for(access_key_id)
    if known is None:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    secret, account_id = known

    signed_names = fields["X-Amz-SignedHeaders"].split(";")
    if "host" not in signed_names:
        raise IncompleteSignatureException("X-Amz-SignedHeaders must include host.")
    key = signing_key(secret, scope_date, scope_region)
    unsigned = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
    string_prefix = f"{ALGORITHM}\n{amz_date}\n{scope_date}/{scope_region}/{SERVICE}/aws4_request\n"
    for candidate in _canonical_header_candidates(signed_names, headers):
        # botocore hashes the empty GET body; some presigners write UNSIGNED-PAYLOAD.
        for payload_hash in (_EMPTY_SHA256, "UNSIGNED-PAYLOAD"):
            canonical = "\n".join(
                [
                    method.upper(),
                    quote(path, safe="/~"),
                    canonical_query(unsigned),
                    candidate,
                    ";".join(signed_names),
                    payload_hash,
                ]
            )
            string_to_sign = string_prefix + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, signature):
                return StreamIdentity(access_key_id, account_id, scope_region, signature, signed_at, secret)
    raise InvalidSignatureException(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )


def _canonical_header_candidates(names: list[str], headers: Mapping[str, str]) -> list[str]:
    lines = []
    for name in names:
        value = headers.get(name)
        if value is None:
            raise IncompleteSignatureException(f"Signed header {name} is missing from the request.")
        lines.append(f"{name}:{' '.join(value.split())}\n")
    candidates = ["".join(lines)]
    # Clients sign the host without a default or forced port (e.g. :443, :8443) in some setups.
    host = headers.get("host", "")
    if ":" in host and not host.endswith("]"):
        bare = host.rsplit(":", 1)[0]
        candidates.append("".join(f"host:{bare}\n" if line.startswith("host:") else line for line in lines))
    return candidates


def _parse_amz_date(value: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, _AMZ_DATE).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise IncompleteSignatureException(f"X-Amz-Date must be YYYYMMDDTHHMMSSZ, got {value!r}.") from exc


def _parse_expires(value: str) -> int:
    if not value.isdigit():
        raise BadRequestException("X-Amz-Expires must be an integer number of seconds.")
    expires = int(value)
    if not 1 <= expires <= MAX_EXPIRES_S:
        raise BadRequestException(
            f"X-Amz-Expires must be between 1 and {MAX_EXPIRES_S} seconds; got {expires}."
        )
    return expires


# ---------------------------------------------------------------- HTTP/2 Authorization header

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})\s*"
)


@dataclass(frozen=True, slots=True)
class AuthorizationSeed:
    access_key_id: str
    region: str
    service: str
    signature: str  # hex: the seed of the chunk-signature chain


def seed_from_authorization(value: str) -> AuthorizationSeed:
    """Read the credential scope and signature out of an (already verified) Authorization header."""
    match = _AUTHORIZATION.fullmatch(value.strip())
    if not match:
        raise IncompleteSignatureException("Authorization header is not a valid AWS4-HMAC-SHA256 header.")
    return AuthorizationSeed(match["key"], match["region"], match["service"], match["signature"])


# ---------------------------------------------------------------- chunk-signature chain


class ChunkSignatureVerifier:
    """Verifies signed envelopes in order; `open` returns the inner message, None at end of stream."""

    def __init__(
        self,
        *,
        secret: str,
        region: str,
        seed_signature: str,
        service: str = SERVICE,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._secret = secret
        self._region = region
        self._service = service
        self._prior = bytes.fromhex(seed_signature)
        self._clock = clock
        self._keys: dict[str, bytes] = {}
        self.ended = False

    def open(self, envelope: Message) -> Message | None:
        if self.ended:
            raise BadRequestException("Received an event after the end-of-stream event.")
        date = envelope.headers.get(":date")
        signature = envelope.headers.get(":chunk-signature")
        if not isinstance(date, dt.datetime) or not isinstance(signature, bytes):
            raise BadRequestException(
                "A signed event needs a :date timestamp header and a :chunk-signature byte-array header."
            )
        now = self._clock()
        if abs(now - date) > MAX_SKEW:
            raise BadRequestException(
                f"The :date of a signed event ({date.isoformat()}) is more than 5 minutes from the "
                f"server time ({now.isoformat()})."
            )
        expected = self.expected_signature(date, envelope.payload)
        if not hmac.compare_digest(expected, signature):
            raise BadRequestException(
                "The chunk signature of an audio event does not match: the signature chain is broken."
            )
        self._prior = expected
        if not envelope.payload:
            self.ended = True
            return None
        try:
            return decode_message(envelope.payload)
        except ValueError as exc:
            raise BadRequestException(f"The signed event does not hold a valid event message: {exc}") from exc

    def expected_signature(self, date: dt.datetime, payload: bytes) -> bytes:
        stamp = date.astimezone(dt.UTC).strftime(_AMZ_DATE)
        day = stamp[:8]
        key = self._keys.get(day)
        if key is None:
            key = self._keys[day] = signing_key(self._secret, day, self._region, self._service)
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                stamp,
                f"{day}/{self._region}/{self._service}/aws4_request",
                self._prior.hex(),
                hashlib.sha256(encode_headers({":date": date})).hexdigest(),
                hashlib.sha256(payload).hexdigest(),
            ]
        )
        return _hmac(key, string_to_sign)
