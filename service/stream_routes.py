"""StartMedicalStreamTranscription over WebSocket and HTTP/2: raw ASGI routes on the Litestar app.

Raw ASGI because both transports are full duplex: Litestar's WebSocket helpers accept before
we can refuse with a real HTTP status (and turn text frames into b""), and its Stream response
consumes `receive()` itself. Everything before the upgrade (or before HTTP/2 response headers)
is refused with a status and `x-amzn-ErrorType`; after it, errors go out as exception messages
(`service.stream_pump`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import ExitStack, suppress
from typing import Any

import structlog
from litestar import asgi

from service import sigv4
from service.errors import ServiceError
from service.stream_errors import BadRequestException, StreamError
from service.stream_hooks import hooks_for
from service.stream_input import AudioEventReader
from service.stream_params import StreamParams, params_from_headers, params_from_query
from service.stream_pump import ClientGone, Outcome, Transport, in_thread, pump
from service.stream_session import StreamSession
from service.stream_signing import ChunkSignatureVerifier, parse_query, seed_from_authorization, verify_presigned_url

log = structlog.get_logger(__name__)

# Plain dicts rather than Litestar's TypedDicts: the routes use ASGI messages beyond those types.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

WEBSOCKET_PATH = "/medical-stream-transcription-websocket"
HTTP2_PATH = "/medical-stream-transcription"
EVENTSTREAM = "application/vnd.amazon.eventstream"


def _services(scope: Scope) -> Any:
    return scope["litestar_app"].state.services


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def _raw(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def _error_parts(error: StreamError | ServiceError) -> tuple[int, str, str]:
    if isinstance(error, StreamError):
        return error.status, error.error_type, error.message
    return error.status, error.type, error.message


def _error_body(error_type: str, message: str) -> bytes:
    return json.dumps({"__type": error_type, "message": message, "Message": message}).encode()


# ---------------------------------------------------------------- WebSocket


@asgi(WEBSOCKET_PATH, copy_scope=True)
async def websocket_stream(scope: Scope, receive: Receive, send: Send) -> None:
    request_id = str(uuid.uuid4())
    if scope["type"] != "websocket":
        await _http_refusal(send, BadRequestException("This endpoint takes WebSocket connections only."), request_id)
        return
    if (await receive())["type"] != "websocket.connect":
        return
    services = _services(scope)
    with ExitStack() as slot:
        try:
            identity = verify_presigned_url(
                method="GET",
                path=scope["path"],
                query_string=scope["query_string"],
                headers=_headers(scope),
                secret_for=services.secret_for,
            )
            params = params_from_query(parse_query(scope["query_string"]))
            slot.enter_context(services.streams.stream(identity.account_id))
        except StreamError as exc:
            log.info("stream.refused", transport="websocket", error=exc.error_type, request_id=request_id)
            await _refuse_upgrade(scope, send, exc, request_id)
            return
        verifier = ChunkSignatureVerifier(
            secret=identity.secret, region=identity.region, seed_signature=identity.seed_signature
        )
        session = await in_thread(
            lambda: StreamSession(
                params,
                services.stream_recognizer,
                AudioEventReader(verifier),
                hooks=hooks_for(params),
                phi=services.phi,
            )
        )
        await send({"type": "websocket.accept", "headers": _raw(_accept_headers(params, request_id))})
        log.info("stream.start", transport="websocket", account=identity.account_id, session=params.session_id)
        outcome = await pump(session, _websocket_transport(receive, send))
        _log_end(outcome, params, "websocket")
        if not outcome.client_gone:
            code = 1000 if outcome.error is None else 1011 if outcome.error.status >= 500 else 1008
            with suppress(Exception):  # the client may have gone in between
                await send({"type": "websocket.close", "code": code})


def _accept_headers(params: StreamParams, request_id: str) -> dict[str, str]:
    return {"x-amzn-request-id": request_id, "x-amzn-transcribe-session-id": params.session_id}


def _websocket_transport(receive: Receive, send: Send) -> Transport:
    async def next_frame() -> bytes | None:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            raise ClientGone()
        if message.get("text") is not None:
            raise BadRequestException("Text frames aren't accepted: send AudioEvent messages in binary frames.")
        data: bytes = message.get("bytes") or b""
        return data

    async def send_frame(data: bytes) -> None:
        try:
            await send({"type": "websocket.send", "bytes": data})
        except Exception as exc:  # the server raises its own type once the socket is closed
            raise ClientGone() from exc

    return Transport(next_frame, send_frame)


async def _refuse_upgrade(scope: Scope, send: Send, error: StreamError, request_id: str) -> None:
    if "websocket.http.response" not in (scope.get("extensions") or {}):
        # No way to answer with a status: a policy close is the best a client will see.
        await send({"type": "websocket.close", "code": 1008, "reason": error.error_type})
        return
    status, error_type, message = _error_parts(error)
    await send(
        {
            "type": "websocket.http.response.start",
            "status": status,
            "headers": _raw(_error_headers(error_type, request_id)),
        }
    )
    await send({"type": "websocket.http.response.body", "body": _error_body(error_type, message)})


def _error_headers(error_type: str, request_id: str) -> dict[str, str]:
    return {
        "x-amzn-errortype": f"{error_type}:",
        "x-amzn-requestid": request_id,
        "content-type": "application/json",
    }


# ---------------------------------------------------------------- HTTP/2


@asgi(HTTP2_PATH, copy_scope=True)
async def http2_stream(scope: Scope, receive: Receive, send: Send) -> None:
    request_id = str(uuid.uuid4())
    if scope["type"] != "http" or scope["method"] != "POST":
        if scope["type"] == "http":
            await _http_refusal(send, BadRequestException("Use POST with an event-stream body."), request_id)
        return
    services = _services(scope)
    headers = _headers(scope)
    with ExitStack() as slot:
        try:
            caller = sigv4.verify(
                sigv4.SignedRequest(
                    method="POST",
                    raw_path=scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
                    query=scope.get("query_string", b"").decode("latin-1"),
                    headers=headers,
                    # The SDKs sign the empty body: the audio follows as signed events.
                    body=b"",
                ),
                services.secret_for,
                "transcribe",
            )
            seed = seed_from_authorization(headers.get("authorization", ""))
            params = params_from_headers(headers)
            slot.enter_context(services.streams.stream(caller.account_id))
            secret = services.secret_for(caller.access_key_id)
            if secret is None:
                raise BadRequestException("The access key was revoked.")
        except (StreamError, ServiceError) as exc:
            log.info("stream.refused", transport="http2", error=_error_parts(exc)[1], request_id=request_id)
            await _http_refusal(send, exc, request_id)
            return
        reader = AudioEventReader(
            ChunkSignatureVerifier(secret=secret[0], region=seed.region, seed_signature=seed.signature),
            require_signed=True,
        )
        session = await in_thread(
            lambda: StreamSession(params, services.stream_recognizer, reader, hooks=hooks_for(params), phi=services.phi)
        )
        response_headers = {
            **params.response_headers(),
            "x-amzn-request-id": request_id,
            "content-type": EVENTSTREAM,
        }
        # The SDKs wait for the response headers before they send any audio.
        await send({"type": "http.response.start", "status": 200, "headers": _raw(response_headers)})
        log.info("stream.start", transport="http2", account=caller.account_id, session=params.session_id)
        outcome = await pump(session, _http_transport(receive, send, reader))
        _log_end(outcome, params, "http2")
        if not outcome.client_gone:
            with suppress(Exception):  # the client may have gone in between
                await send({"type": "http.response.body", "body": b"", "more_body": False})


def _http_transport(receive: Receive, send: Send, reader: AudioEventReader) -> Transport:
    ended = False

    async def next_chunk() -> bytes | None:
        nonlocal ended
        if ended:
            return None
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        ended = not message.get("more_body", False)
        data: bytes = message.get("body", b"")
        return data if data or not ended else None

    async def send_chunk(data: bytes) -> None:
        try:
            await send({"type": "http.response.body", "body": data, "more_body": True})
        except Exception as exc:  # the server raises its own type once the stream is reset
            raise ClientGone() from exc

    return Transport(next_chunk, send_chunk, reader.finish)


async def _http_refusal(send: Send, error: StreamError | ServiceError, request_id: str) -> None:
    status, error_type, message = _error_parts(error)
    headers = _raw(_error_headers(error_type, request_id))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": _error_body(error_type, message), "more_body": False})


def _log_end(outcome: Outcome, params: StreamParams, transport: str) -> None:
    log.info(
        "stream.end",
        transport=transport,
        session=params.session_id,
        error=outcome.error.error_type if outcome.error else None,
        client_gone=outcome.client_gone,
    )


STREAM_ROUTES = [websocket_stream, http2_stream]
