"""The batch job API: Start, Get, List and Delete MedicalTranscriptionJob for one account."""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from pathlib import Path

import msgspec

from service import shapes
from service.errors import JOB_NOT_FOUND as _NOT_FOUND
from service.errors import BadRequestException, ConflictException, LimitExceededException
from service.store.base import BlobStores, JobExists, JobStore, TooManyJobs
from service.store.records import JobRecord
from service.vocab_use import VocabularyUnavailable, ready_entries
from service.vocabularies import VocabularyService

DEFAULT_PAGE = 5
LANGUAGE = "en-US"

# Settings whose features have not landed yet: refused out loud, never silently ignored.

@dataclass(frozen=True, slots=True)
class JobLimits:
    max_active: int = 250
    media_root: Path | None = None


def redacted_key(key: str) -> str:
    """Where the redacted copy of a transcript goes: beside it ("visit.json" -> "visit.redacted.json")."""
    return key[: -len(".json")] + ".redacted.json" if key.endswith(".json") else key + ".redacted"


def output_key(request: dict[str, object], job_name: str) -> str:
    key = request.get("OutputKey")
    if not isinstance(key, str) or not key:
        return f"medical/{job_name}.json"
    if key.endswith("/"):
        return f"{key}{job_name}.json"
    return key if key.endswith(".json") else f"{key}.json"


class JobService:
    def __init__(
        self,
        store: JobStore,
        buckets: BlobStores,
        limits: JobLimits,
        vocabularies: VocabularyService | None = None,
    ) -> None:
        self.store = store
        self.buckets = buckets
        self.limits = limits
        # The vocabulary API rides here so the RPC dispatch reaches it; jobs check the names they use.
        self.vocabularies = vocabularies

    def start(self, account_id: str, request: shapes.StartMedicalTranscriptionJobRequest) -> shapes.JobResponse:
        self._validate(request)
        self._validate_vocabulary(account_id, request)
        record = JobRecord(
            account_id=account_id,
            name=request.MedicalTranscriptionJobName,
            request=msgspec.to_builtins(request),
            creation_time=time.time(),
        )
        try:
            self.store.create(record, self.limits.max_active)
        except JobExists as exc:
            raise ConflictException(
                "The requested job name already exists. Use a different job name."
            ) from exc
        except TooManyJobs as exc:
            raise LimitExceededException(
                f"You have reached the limit of {self.limits.max_active} concurrent medical transcription jobs. "
                "Wait for a job to finish and try your request again."
            ) from exc
        return shapes.JobResponse(job_shape(record))

    def get(self, account_id: str, name: str) -> shapes.JobResponse:
        record = self.store.get(account_id, name)
        if record is None:
            raise BadRequestException(_NOT_FOUND)
        return shapes.JobResponse(job_shape(record))

    def list(
        self, account_id: str, request: shapes.ListMedicalTranscriptionJobsRequest
    ) -> shapes.ListMedicalTranscriptionJobsResponse:
        after = _decode_token(request) if request.NextToken else None
        page = self.store.list(
            account_id, request.Status, request.JobNameContains, after, request.MaxResults or DEFAULT_PAGE
        )
        token = _encode_token(request, page.last) if page.last else None
        return shapes.ListMedicalTranscriptionJobsResponse(
            MedicalTranscriptionJobSummaries=[summary_shape(job) for job in page.jobs],
            Status=request.Status,
            NextToken=token,
        )

    def delete(self, account_id: str, name: str) -> None:
        record = self.store.delete(account_id, name)
        if record is None:
            raise BadRequestException(_NOT_FOUND)
        location = record.output_location
        if location.get("store") == "local":
            for key in (location["key"], location.get("redacted_key")):
                if key:
                    self.buckets(account_id).delete(location["bucket"], key)

    def _validate(self, request: shapes.StartMedicalTranscriptionJobRequest) -> None:
        if request.LanguageCode != LANGUAGE:
            raise BadRequestException(
                f"The language code {request.LanguageCode} isn't supported for medical transcription. "
                f"Use {LANGUAGE} and try your request again."
            )
        uri = request.Media.MediaFileUri
        if not uri:
            raise BadRequestException("Media.MediaFileUri is required. Specify the location of your media file.")
        if request.Media.RedactedMediaFileUri:
            raise BadRequestException("Media.RedactedMediaFileUri isn't supported for medical transcription jobs.")
        self._validate_uri(uri)
        settings = request.Settings or shapes.Settings()
        if settings.ShowSpeakerLabels and settings.ChannelIdentification:
            raise BadRequestException(
                "You can't use both ShowSpeakerLabels and ChannelIdentification in the same request. "
                "Choose one and try your request again."
            )
        if settings.MaxSpeakerLabels is not None and not settings.ShowSpeakerLabels:
            raise BadRequestException("MaxSpeakerLabels requires ShowSpeakerLabels to be true.")
        if settings.ShowAlternatives and settings.MaxAlternatives is None:
            raise BadRequestException("MaxAlternatives is required when ShowAlternatives is true.")
        if settings.MaxAlternatives is not None and not settings.ShowAlternatives:
            raise BadRequestException("MaxAlternatives requires ShowAlternatives to be true.")
        if request.KMSEncryptionContext is not None and not 1 <= len(request.KMSEncryptionContext) <= 10:
            raise BadRequestException("KMSEncryptionContext must have between 1 and 10 entries.")
        if request.OutputEncryptionKMSKeyId or request.KMSEncryptionContext:
            raise BadRequestException(
                "Output encryption with a KMS key isn't available on this clinscribe server yet."
            )

    def _validate_vocabulary(self, account_id: str, request: shapes.StartMedicalTranscriptionJobRequest) -> None:
        name = request.Settings.VocabularyName if request.Settings else None
        if not name:
            return
        if self.vocabularies is None:
            raise BadRequestException("Medical custom vocabularies aren't configured on this clinscribe server.")
        try:
            ready_entries(self.vocabularies.store, account_id, name)
        except VocabularyUnavailable as exc:
            raise BadRequestException(str(exc)) from exc

    def _validate_uri(self, uri: str) -> None:
        if uri.startswith("s3://"):
            bucket, _, key = uri[5:].partition("/")
            if not bucket or not key:
                raise BadRequestException(
                    f"The URI {uri} doesn't name a bucket and an object. Use s3://bucket/key."
                )
            return
        if uri.startswith("file://"):
            root = self.limits.media_root
            if root is None:
                raise BadRequestException(
                    "file:// media URIs are disabled on this server. Set CLINSCRIBE_MEDIA_ROOT to allow them."
                )
            path = Path(uri[7:]).resolve()
            if not path.is_relative_to(root.resolve()):
                raise BadRequestException(f"The file {uri} is outside the configured media root.")
            return
        raise BadRequestException(
            f"The media URI must start with s3:// (or file:// under the media root); got {uri[:40]!r}."
        )


def job_shape(job: JobRecord) -> shapes.MedicalTranscriptionJob:
    request = msgspec.convert(job.request, shapes.StartMedicalTranscriptionJobRequest)
    return shapes.MedicalTranscriptionJob(
        MedicalTranscriptionJobName=job.name,
        TranscriptionJobStatus=job.status,  # type: ignore[arg-type]
        LanguageCode=request.LanguageCode,
        Media=request.Media,
        Specialty=request.Specialty,
        Type=request.Type,
        MediaSampleRateHertz=request.MediaSampleRateHertz,
        MediaFormat=request.MediaFormat,
        Transcript=shapes.MedicalTranscript(job.transcript_uri) if job.transcript_uri else None,
        StartTime=job.start_time,
        CreationTime=job.creation_time,
        CompletionTime=job.completion_time,
        FailureReason=job.failure_reason,
        Settings=request.Settings,
        ContentIdentificationType=request.ContentIdentificationType,
        Tags=request.Tags,
    )


def summary_shape(job: JobRecord) -> shapes.MedicalTranscriptionJobSummary:
    request = job.request
    return shapes.MedicalTranscriptionJobSummary(
        MedicalTranscriptionJobName=job.name,
        TranscriptionJobStatus=job.status,  # type: ignore[arg-type]
        LanguageCode=request["LanguageCode"],
        Specialty=request["Specialty"],
        Type=request["Type"],
        OutputLocationType="CUSTOMER_BUCKET",
        CreationTime=job.creation_time,
        StartTime=job.start_time,
        CompletionTime=job.completion_time,
        FailureReason=job.failure_reason,
        ContentIdentificationType=request.get("ContentIdentificationType"),
    )


def _token_filter(request: shapes.ListMedicalTranscriptionJobsRequest) -> list[str | None]:
    return [request.Status, request.JobNameContains]


def _encode_token(request: shapes.ListMedicalTranscriptionJobsRequest, last: tuple[float, str]) -> str:
    raw = json.dumps({"after": list(last), "filter": _token_filter(request)}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(request: shapes.ListMedicalTranscriptionJobsRequest) -> tuple[float, str]:
    invalid = BadRequestException("The NextToken is invalid. Use the token from the previous response.")
    try:
        data = json.loads(base64.urlsafe_b64decode(request.NextToken or ""))
        created, name = data["after"]
        same_filter = data["filter"] == _token_filter(request)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise invalid from exc
    if not same_filter or not isinstance(created, int | float) or not isinstance(name, str):
        raise invalid
    return float(created), name
