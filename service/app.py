"""The ASGI application: the JSON 1.1 RPC endpoint, transcript downloads and health checks."""

from __future__ import annotations

import uuid
from typing import Any
from xml.sax.saxutils import escape

import anyio
import structlog
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import HTTPException

from audit.entry import SUCCESS
from service import rpc, sigv4
from service.config import Settings
from service.edge_audit import ApiCall
from service.errors import InternalFailureException, NoSuchKey, ServiceError
from service.services import Services
from service.store.base import BlobNotFound
from service.store.blobs import InvalidLocation
from service.stream_routes import STREAM_ROUTES

log = structlog.get_logger(__name__)


def _services(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


async def _signed(request: Request[Any, Any, Any]) -> sigv4.SignedRequest:
    scope = request.scope
    return sigv4.SignedRequest(
        method=request.method,
        raw_path=scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
        query=scope.get("query_string", b"").decode("latin-1"),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=await request.body(),
    )


def _request_id(request: Request[Any, Any, Any]) -> str:
    rid: str = request.scope.setdefault("state", {}).setdefault("request_id", str(uuid.uuid4()))
    return rid


@post("/", status_code=200)
async def rpc_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    services = _services(request)
    call = ApiCall(request_id=_request_id(request), source=request.client.host if request.client else "")
    try:
        signed = await _signed(request)
        call.caller = sigv4.verify(signed, services.secret_for, "transcribe")
        call.operation = rpc.operation_name(request.headers.get("x-amz-target"))
        decoded = rpc.decode_request(call.operation, signed.body)
        call.resource = rpc.resource_of(decoded)
        body = rpc.call(call.operation, services.jobs, call.caller, decoded)
    except ServiceError as exc:
        await anyio.to_thread.run_sync(services.record, call, exc.type)
        raise
    await anyio.to_thread.run_sync(services.record, call, SUCCESS)
    if call.operation == "StartMedicalTranscriptionJob":
        services.workers.wake()
    return Response(body, media_type=rpc.CONTENT_TYPE, headers={"x-amzn-RequestId": call.request_id})


@get("/{bucket:str}/{key:path}")
async def object_endpoint(request: Request[Any, Any, Any], bucket: str, key: str) -> Response[bytes]:
    """GetObject for local buckets, signed like S3 (header or presigned URL), scoped to the caller's account."""
    services = _services(request)
    caller = sigv4.verify(await _signed(request), services.secret_for, "s3")
    try:
        data = services.buckets(caller.account_id).get(bucket, key.lstrip("/"))
    except (BlobNotFound, InvalidLocation) as exc:
        raise NoSuchKey("The specified key does not exist.") from exc
    media_type = "application/json" if key.endswith(".json") else "application/octet-stream"
    return Response(data, media_type=media_type, headers={"x-amz-request-id": _request_id(request)})


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready")
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    ok = _services(request).ready()
    return Response({"status": "ready" if ok else "starting"}, status_code=200 if ok else 503)


def _error_response(request: Request[Any, Any, Any], error: ServiceError) -> Response[bytes]:
    headers = {"x-amzn-ErrorType": f"{error.type}:", "x-amzn-RequestId": _request_id(request)}
    if request.method == "GET" and request.url.path not in ("/health", "/ready"):
        # S3 clients parse XML errors on the object route.
        xml = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{escape(error.type)}</Code>"
            f"<Message>{escape(error.message)}</Message></Error>"
        )
        return Response(xml.encode(), status_code=error.status, media_type="application/xml", headers=headers)
    body = rpc.encode_error(error)
    return Response(body, status_code=error.status, media_type=rpc.CONTENT_TYPE, headers=headers)


def _service_error(request: Request[Any, Any, Any], exc: ServiceError) -> Response[bytes]:
    return _error_response(request, exc)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    error = ServiceError(exc.detail or "Request failed.")
    error.type = {404: "UnknownOperationException", 405: "UnknownOperationException", 413: "BadRequestException"}.get(
        exc.status_code, "BadRequestException"
    )
    error.status = 404 if exc.status_code == 404 else 400 if exc.status_code < 500 else 500
    return _error_response(request, error)


def _crash(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.exception("api.crashed", path=request.url.path, request_id=_request_id(request))
    return _error_response(request, InternalFailureException("An internal error occurred. Try your request again."))


def _routes(settings: Settings) -> list[Any]:
    """Health and readiness everywhere (the probes); the rest by the process's role."""
    routes: list[Any] = [health, ready]
    if settings.serves_api:
        routes += [rpc_endpoint, object_endpoint]
    if settings.serves_streams:
        routes += STREAM_ROUTES
    return routes


def create_app(services: Services) -> Litestar:
    app = Litestar(
        route_handlers=_routes(services.settings),
        exception_handlers={ServiceError: _service_error, HTTPException: _http_error, Exception: _crash},
        on_startup=[services.start],
        on_shutdown=[services.stop],
        openapi_config=None,
        request_max_body_size=1024 * 1024,
    )
    app.state.services = services
    return app
