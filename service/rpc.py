"""AWS JSON 1.1 dispatch: `X-Amz-Target: Transcribe.<Operation>` to the operation's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from service import shapes, vocab_shapes
from service.errors import (
    BadRequestException,
    SerializationException,
    ServiceError,
    UnknownOperationException,
)
from service.jobs import JobService
from service.sigv4 import Caller
from service.vocabularies import VocabularyService

TARGET_PREFIX = "Transcribe."
CONTENT_TYPE = "application/x-amz-json-1.1"

Handler = Callable[[JobService, Caller, Any], msgspec.Struct | None]


@dataclass(frozen=True, slots=True)
class Operation:
    request: type[msgspec.Struct]
    handler: Handler


OPERATIONS: dict[str, Operation] = {
    "StartMedicalTranscriptionJob": Operation(
        shapes.StartMedicalTranscriptionJobRequest, lambda jobs, caller, r: jobs.start(caller.account_id, r)
    ),
    "GetMedicalTranscriptionJob": Operation(
        shapes.JobNameRequest, lambda jobs, caller, r: jobs.get(caller.account_id, r.MedicalTranscriptionJobName)
    ),
    "ListMedicalTranscriptionJobs": Operation(
        shapes.ListMedicalTranscriptionJobsRequest, lambda jobs, caller, r: jobs.list(caller.account_id, r)
    ),
    "DeleteMedicalTranscriptionJob": Operation(
        shapes.JobNameRequest, lambda jobs, caller, r: jobs.delete(caller.account_id, r.MedicalTranscriptionJobName)
    ),
}



def _vocabularies(jobs: JobService) -> VocabularyService:
    if jobs.vocabularies is None:
        raise BadRequestException("Medical custom vocabularies aren't configured on this clinscribe server.")
    return jobs.vocabularies


OPERATIONS.update({
    "CreateMedicalVocabulary": Operation(
        vocab_shapes.CreateMedicalVocabularyRequest,
        lambda jobs, caller, r: _vocabularies(jobs).create(caller.account_id, r),
    ),
    "GetMedicalVocabulary": Operation(
        vocab_shapes.VocabularyNameRequest,
        lambda jobs, caller, r: _vocabularies(jobs).get(caller.account_id, r.VocabularyName),
    ),
    "ListMedicalVocabularies": Operation(
        vocab_shapes.ListMedicalVocabulariesRequest,
        lambda jobs, caller, r: _vocabularies(jobs).list(caller.account_id, r),
    ),
    "UpdateMedicalVocabulary": Operation(
        vocab_shapes.UpdateMedicalVocabularyRequest,
        lambda jobs, caller, r: _vocabularies(jobs).update(caller.account_id, r),
    ),
    "DeleteMedicalVocabulary": Operation(
        vocab_shapes.VocabularyNameRequest,
        lambda jobs, caller, r: _vocabularies(jobs).delete(caller.account_id, r.VocabularyName),
    ),
})

_encoder = msgspec.json.Encoder()


def operation_name(target: str | None) -> str:
    if not target or not target.startswith(TARGET_PREFIX):
        raise UnknownOperationException(f"Missing or unknown X-Amz-Target {target!r}; expected Transcribe.<Operation>.")
    name = target[len(TARGET_PREFIX):]
    if name not in OPERATIONS:
        raise UnknownOperationException(f"The operation {name} isn't supported by this clinscribe server.")
    return name


def decode_request(name: str, body: bytes) -> msgspec.Struct:
    try:
        return msgspec.json.decode(body or b"{}", type=OPERATIONS[name].request)
    except msgspec.ValidationError as exc:
        raise BadRequestException(f"1 validation error detected: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise SerializationException(f"The request body is not valid JSON: {exc}") from exc


def call(name: str, jobs: JobService, caller: Caller, request: msgspec.Struct) -> bytes:
    result = OPERATIONS[name].handler(jobs, caller, request)
    return b"{}" if result is None else _encoder.encode(result)


def encode_error(error: ServiceError) -> bytes:
    return _encoder.encode(error.body())


def resource_of(request: msgspec.Struct) -> str:
    """The audit resource a request names; names are pattern-checked by now, so safe to record."""
    name = getattr(request, "MedicalTranscriptionJobName", None)
    if name:
        return f"medical-transcription-job/{name}"
    vocabulary = getattr(request, "VocabularyName", None)
    return f"medical-vocabulary/{vocabulary}" if vocabulary else ""
