"""SigV4 verification of incoming requests (Authorization header or presigned query).

The request is rebuilt from exactly the headers the client signed and re-signed with
botocore's own SigV4 classes, so canonicalization matches the clients byte for byte;
signatures are compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from service.errors import (
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    ServiceError,
    UnrecognizedClientException,
)

MAX_SKEW = dt.timedelta(minutes=5)
ALGORITHM = "AWS4-HMAC-SHA256"
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed a request: the key, its account, and the region the client addressed."""

    access_key_id: str
    account_id: str
    region: str


@dataclass(frozen=True, slots=True)
class SignedRequest:
    method: str
    raw_path: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


# access key id -> (secret, account id), or None when the key is unknown or revoked.
SecretLookup = Callable[[str], tuple[str, str] | None]


def _parse_amz_date(value: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise InvalidSignatureException(f"X-Amz-Date '{value}' is not in the form YYYYMMDD'T'HHMMSS'Z'.") from exc


def _check_skew(signed_at: dt.datetime, now: dt.datetime) -> None:
    if signed_at < now - MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature expired: {signed_at:%Y%m%dT%H%M%SZ} is now earlier than "
            f"{now - MAX_SKEW:%Y%m%dT%H%M%SZ} ({now:%Y%m%dT%H%M%SZ} - 5 min.)"
        )
    if signed_at > now + MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature not yet current: {signed_at:%Y%m%dT%H%M%SZ} is still later than "
            f"{now + MAX_SKEW:%Y%m%dT%H%M%SZ} ({now:%Y%m%dT%H%M%SZ} + 5 min.)"
        )


def _scope(credential: str, amz_date: str, service: str) -> tuple[str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise InvalidSignatureException(f"Credential should be scoped to a valid region, not '{credential}'.")
    key_id, date, region, scope_service, _ = parts
    if scope_service != service:
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{service}', not '{scope_service}'."
        )
    if date != amz_date[:8]:
        raise InvalidSignatureException(f"Date in Credential scope does not match YYYYMMDD from X-Amz-Date: {date}.")
    return key_id, region


def _host_variants(host: str) -> list[str]:
    # Some clients sign the host without the port (or :authority); try the received form first.
    variants = [host]
    if ":" in host and not host.endswith("]"):
        variants.append(host.rsplit(":", 1)[0])
    return variants


def _signer_class(service: str, presigned: bool) -> type[SigV4Auth]:
    # Presigned S3 URLs hash no payload ("UNSIGNED-PAYLOAD"); the other classes differ the same way.
    if service == "s3":
        return S3SigV4QueryAuth if presigned else S3SigV4Auth
    return SigV4QueryAuth if presigned else SigV4Auth


def _signature(
    request: SignedRequest, signed: list[str], host: str, query: str, key: tuple[str, str, str], amz_date: str,
    service: str, presigned: bool,
) -> str:
    access_key_id, secret, region = key
    headers = {name: request.headers.get(name, "") for name in signed}
    headers["host"] = host
    url = f"http://{host}{request.raw_path}" + (f"?{query}" if query else "")
    aws_request = AWSRequest(method=request.method, url=url, data=request.body, headers=headers)
    aws_request.context["timestamp"] = amz_date
    signer = _signer_class(service, presigned)(Credentials(access_key_id, secret), service, region)
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


def verify(
    request: SignedRequest, lookup: SecretLookup, service: str, now: dt.datetime | None = None
) -> Caller:
    """Return the caller, or raise the error type a real endpoint would send."""
    now = now or dt.datetime.now(dt.UTC)
    query_params = parse_qsl(request.query, keep_blank_values=True)
    query_map = dict(query_params)
    authorization = request.headers.get("authorization")
    if authorization:
        match = _AUTH_RE.match(authorization.strip())
        if not match:
            raise InvalidSignatureException("Authorization header requires 'Credential', 'Signature' and "
                                            "'SignedHeaders' parameters with the AWS4-HMAC-SHA256 algorithm.")
        amz_date = request.headers.get("x-amz-date", "")
        if not amz_date:
            raise InvalidSignatureException("Authorization header requires existence of either a 'X-Amz-Date' "
                                            "or a 'Date' header.")
        credential, signed_names, given = match["credential"], match["signed"], match["signature"]
        query = request.query
        expires = None
    elif "X-Amz-Signature" in query_map:
        missing = [k for k in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders")
                   if k not in query_map]
        if missing:
            raise InvalidSignatureException(f"Presigned URL is missing {', '.join(missing)}.")
        if query_map["X-Amz-Algorithm"] != ALGORITHM:
            raise InvalidSignatureException(f"Unsupported algorithm {query_map['X-Amz-Algorithm']}.")
        amz_date, credential = query_map["X-Amz-Date"], query_map["X-Amz-Credential"]
        signed_names, given = query_map["X-Amz-SignedHeaders"], query_map["X-Amz-Signature"]
        query = urlencode([(k, v) for k, v in query_params if k != "X-Amz-Signature"])
        expires = query_map.get("X-Amz-Expires")
    elif "AWSAccessKeyId" in query_map and "Signature" in query_map:
        raise InvalidSignatureException(
            "Signature Version 2 is not supported; presign with SigV4, e.g. boto3 with "
            "Config(signature_version='s3v4')."
        )
    else:
        raise MissingAuthenticationTokenException("Missing Authentication Token")

    signed_at = _parse_amz_date(amz_date)
    key_id, region = _scope(credential, amz_date, service)
    found = lookup(key_id)
    if found is None:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    secret, account_id = found
    if expires is not None:
        _check_expiry(signed_at, expires, now)
    else:
        _check_skew(signed_at, now)
    signed = signed_names.split(";")
    if "host" not in signed:
        raise InvalidSignatureException("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    host = request.headers.get("host") or request.headers.get(":authority", "")
    for candidate in _host_variants(host):
        expected = _signature(
            request, signed, candidate, query, (key_id, secret, region), amz_date, service, expires is not None
        )
        if hmac.compare_digest(expected, given):
            return Caller(key_id, account_id, region)
    raise InvalidSignatureException(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )


def _check_expiry(signed_at: dt.datetime, expires: str, now: dt.datetime) -> None:
    try:
        seconds = int(expires)
    except ValueError as exc:
        raise InvalidSignatureException("X-Amz-Expires must be a number of seconds.") from exc
    if not 1 <= seconds <= 604800:
        raise InvalidSignatureException("X-Amz-Expires must be between 1 and 604800 seconds.")
    if signed_at > now + MAX_SKEW:
        raise InvalidSignatureException("Request is not yet valid.")
    if now > signed_at + dt.timedelta(seconds=seconds):
        raise ExpiredRequest("Request has expired.")


class ExpiredRequest(ServiceError):
    type, status = "AccessDenied", 403
