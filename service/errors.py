"""The error types clients expect, with the HTTP status each one travels with.

boto3 reads the type from `__type` in the JSON body; the streaming SDKs read the
`x-amzn-ErrorType` header. Every error response carries both.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error a client sees: AWS error type, HTTP status and a message."""

    type: str = "InternalFailureException"
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"__type": self.type, "Message": self.message}


class BadRequestException(ServiceError):
    type, status = "BadRequestException", 400


class ConflictException(ServiceError):
    type, status = "ConflictException", 409


class NotFoundException(ServiceError):
    type, status = "NotFoundException", 404


class LimitExceededException(ServiceError):
    type, status = "LimitExceededException", 429


class InternalFailureException(ServiceError):
    type, status = "InternalFailureException", 500


class UnknownOperationException(ServiceError):
    type, status = "UnknownOperationException", 400


class SerializationException(ServiceError):
    type, status = "SerializationException", 400


class MissingAuthenticationTokenException(ServiceError):
    type, status = "MissingAuthenticationTokenException", 403


class UnrecognizedClientException(ServiceError):
    type, status = "UnrecognizedClientException", 403


class InvalidSignatureException(ServiceError):
    type, status = "InvalidSignatureException", 403


class AccessDeniedException(ServiceError):
    type, status = "AccessDeniedException", 403


class SignatureDoesNotMatch(ServiceError):
    """S3-style name for the object download route, where S3 clients expect it."""

    type, status = "SignatureDoesNotMatch", 403


class NoSuchKey(ServiceError):
    type, status = "NoSuchKey", 404


JOB_NOT_FOUND = "The requested job couldn't be found. Check the job name and try your request again."
