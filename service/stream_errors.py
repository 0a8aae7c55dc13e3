"""Errors of the streaming edge, each carrying the AWS error type and HTTP status a client expects.

Before the WebSocket upgrade (or before HTTP/2 response headers) a route answers `status` with an
`x-amzn-ErrorType: <error_type>` header; after it, the same error goes out as an event-stream
exception message (`service.eventstream.exception_message(err.error_type, err.message)`).
"""

from __future__ import annotations


class StreamError(Exception):
    error_type = "InternalFailureException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestException(StreamError):
    error_type = "BadRequestException"
    status = 400


class LimitExceededException(StreamError):
    error_type = "LimitExceededException"
    status = 429


class InternalFailureException(StreamError):
    error_type = "InternalFailureException"
    status = 500


class InvalidSignatureException(StreamError):
    error_type = "InvalidSignatureException"
    status = 403


class IncompleteSignatureException(StreamError):
    error_type = "IncompleteSignatureException"
    status = 403


class UnrecognizedClientException(StreamError):
    error_type = "UnrecognizedClientException"
    status = 403
