"""The medical custom vocabulary API: Create, Get, List, Update and Delete for one account.

Like the real service, a request only records the vocabulary as PENDING; a background worker
fetches the file from VocabularyFileUri (as job media is fetched), checks it with
vocab.table.parse_vocabulary and settles it READY, or FAILED with the first broken rule as its
FailureReason. The validated file is kept in the store (jobs and streams read it from there) and
copied to a reserved local bucket, which GetMedicalVocabulary's DownloadUri points into.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import msgspec
import structlog

from service import vocab_shapes as shapes
from service.errors import BadRequestException, ConflictException, LimitExceededException, NotFoundException
from service.store.base import (
    BlobNotFound,
    BlobStores,
    TooManyVocabularies,
    VocabularyBusy,
    VocabularyExists,
    VocabularyStore,
)
from service.store.records import VocabularyRecord
from vocab.table import VocabularyError, parse_vocabulary

log = structlog.get_logger(__name__)

LANGUAGE = "en-US"
DEFAULT_PAGE = 5
# Reserved bucket (per account for local buckets) holding validated files for DownloadUri.
VOCABULARY_BUCKET = "clinscribe-vocabularies"

NOT_FOUND = "The requested vocabulary couldn't be found. Check the vocabulary name and try your request again."
FILE_NOT_FOUND = (
    "The S3 URI that you provided for the vocabulary file doesn't point to an object. Make sure that the "
    "object exists and try your request again."
)
NOT_STORED = "The vocabulary file couldn't be stored. Try your request again."


@dataclass(frozen=True, slots=True)
class VocabularyLimits:
    max_total: int = 100
    max_pending: int = 10
    # file:// vocabulary URIs are accepted only below this directory, as for media.
    media_root: Path | None = None


class VocabularyService:
    def __init__(self, store: VocabularyStore, buckets: BlobStores, limits: VocabularyLimits | None = None) -> None:
        self.store = store
        self.buckets = buckets
        self.limits = limits or VocabularyLimits()
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    # -- operations -------------------------------------------------------------------------------

    def create(
        self, account_id: str, request: shapes.CreateMedicalVocabularyRequest
    ) -> shapes.CreateMedicalVocabularyResponse:
        self._check_request(request.LanguageCode, request.VocabularyFileUri)
        record = VocabularyRecord(
            account_id=account_id,
            name=request.VocabularyName,
            language_code=request.LanguageCode,
            file_uri=request.VocabularyFileUri,
            last_modified_time=time.time(),
            tags=[msgspec.to_builtins(tag) for tag in request.Tags or ()],
        )
        try:
            self.store.create(record, self.limits.max_total, self.limits.max_pending)
        except VocabularyExists as exc:
            raise ConflictException(
                "The requested vocabulary name already exists. Use a different vocabulary name."
            ) from exc
        except TooManyVocabularies as exc:
            raise self._limit_error(exc) from exc
        self._submit(record)
        return shapes.CreateMedicalVocabularyResponse(
            VocabularyName=record.name,
            LanguageCode=record.language_code,
            VocabularyState="PENDING",
            LastModifiedTime=record.last_modified_time,
        )

    def get(self, account_id: str, name: str) -> shapes.GetMedicalVocabularyResponse:
        record = self._existing(account_id, name)
        download = None
        location = record.download_location
        if record.state == "READY" and location:
            download = self.buckets(account_id).url(location["bucket"], location["key"])
        return shapes.GetMedicalVocabularyResponse(
            VocabularyName=record.name,
            LanguageCode=record.language_code,
            VocabularyState=record.state,  # type: ignore[arg-type]
            LastModifiedTime=record.last_modified_time,
            FailureReason=record.failure_reason,
            DownloadUri=download,
        )

    def list(
        self, account_id: str, request: shapes.ListMedicalVocabulariesRequest
    ) -> shapes.ListMedicalVocabulariesResponse:
        after = _decode_token(request) if request.NextToken else None
        page = self.store.list(
            account_id, request.StateEquals, request.NameContains, after, request.MaxResults or DEFAULT_PAGE
        )
        return shapes.ListMedicalVocabulariesResponse(
            Vocabularies=[
                shapes.VocabularyInfo(
                    VocabularyName=v.name,
                    LanguageCode=v.language_code,
                    LastModifiedTime=v.last_modified_time,
                    VocabularyState=v.state,  # type: ignore[arg-type]
                )
                for v in page.vocabularies
            ],
            Status=request.StateEquals,
            NextToken=_encode_token(request, page.last) if page.last else None,
        )

    def update(
        self, account_id: str, request: shapes.UpdateMedicalVocabularyRequest
    ) -> shapes.UpdateMedicalVocabularyResponse:
        self._check_request(request.LanguageCode, request.VocabularyFileUri)
        try:
            record = self.store.replace_file(
                account_id, request.VocabularyName, request.VocabularyFileUri, time.time(), self.limits.max_pending
            )
        except VocabularyBusy as exc:
            raise ConflictException(
                "The requested vocabulary is still being processed (PENDING). Wait until it is READY or FAILED "
                "and try your request again."
            ) from exc
        except TooManyVocabularies as exc:
            raise self._limit_error(exc) from exc
        if record is None:
            raise NotFoundException(NOT_FOUND)
        self._submit(record)
        return shapes.UpdateMedicalVocabularyResponse(
            VocabularyName=record.name,
            LanguageCode=record.language_code,
            LastModifiedTime=record.last_modified_time,
            VocabularyState="PENDING",
        )

    def delete(self, account_id: str, name: str) -> None:
        record = self.store.delete(account_id, name)
        if record is None:
            raise NotFoundException(NOT_FOUND)
        self._discard_download(record)

    # -- background validation --------------------------------------------------------------------

    def resume(self) -> None:
        """Validate what a stopped server left PENDING."""
        for record in self.store.pending():
            self._submit(record)

    def stop(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor:
            executor.shutdown(wait=True, cancel_futures=True)

    def _submit(self, record: VocabularyRecord) -> None:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vocabulary-validator")
            self._executor.submit(self.process, record.account_id, record.name, record.last_modified_time)

    def process(self, account_id: str, name: str, pending_since: float) -> None:
        """Settle one PENDING vocabulary; a newer Update or a Delete meanwhile wins over this result."""
        try:
            self._process(account_id, name, pending_since)
        except Exception:
            log.exception("vocabulary.validation_crashed", account=account_id, vocabulary=name)

    def _process(self, account_id: str, name: str, pending_since: float) -> None:
        record = self.store.get(account_id, name)
        if record is None or record.state != "PENDING" or record.last_modified_time != pending_since:
            return
        record.content, record.download_location = None, {}
        try:
            data = self._fetch(account_id, record.file_uri)
            parse_vocabulary(data)
            location = {"bucket": VOCABULARY_BUCKET, "key": f"medical/{name}.txt"}
            self._store_download(account_id, location, data)
            record.state, record.failure_reason = "READY", None
            record.content, record.download_location = data, location
        except VocabularyError as exc:
            record.state, record.failure_reason = "FAILED", exc.reason
        record.last_modified_time = max(time.time(), pending_since)
        if not self.store.settle(record, pending_since) and record.download_location:
            # Deleted or replaced while we worked: the object we wrote may belong to no READY record now.
            current = self.store.get(account_id, name)
            if current is None:
                self._discard_download(record)
        elif record.state == "FAILED":
            self._discard_download(record, location={"bucket": VOCABULARY_BUCKET, "key": f"medical/{name}.txt"})
        log.info("vocabulary.settled", account=account_id, vocabulary=name, state=record.state)

    def _fetch(self, account_id: str, uri: str) -> bytes:
        if uri.startswith("file://"):
            path = Path(uri[7:])
            if not path.is_file():
                raise VocabularyError(f"The file {uri} doesn't exist. Check the vocabulary file URI.")
            return path.read_bytes()
        bucket, _, key = uri[5:].partition("/")
        try:
            return self.buckets(account_id).get(bucket, key)
        except BlobNotFound as exc:
            raise VocabularyError(FILE_NOT_FOUND) from exc

    def _store_download(self, account_id: str, location: dict[str, str], data: bytes) -> None:
        try:
            self.buckets(account_id).put(location["bucket"], location["key"], data, "text/plain; charset=utf-8")
        except Exception as exc:
            log.exception("vocabulary.store_failed", account=account_id)
            raise VocabularyError(NOT_STORED) from exc

    def _discard_download(self, record: VocabularyRecord, location: dict[str, str] | None = None) -> None:
        location = location or record.download_location
        if not location:
            return
        try:
            self.buckets(record.account_id).delete(location["bucket"], location["key"])
        except Exception:
            log.exception("vocabulary.discard_failed", account=record.account_id)

    # -- checks -----------------------------------------------------------------------------------

    def _existing(self, account_id: str, name: str) -> VocabularyRecord:
        record = self.store.get(account_id, name)
        if record is None:
            raise NotFoundException(NOT_FOUND)
        return record

    def _limit_error(self, exc: TooManyVocabularies) -> LimitExceededException:
        if exc.pending:
            return LimitExceededException(
                f"You have {self.limits.max_pending} medical custom vocabularies in the PENDING state, the most "
                "allowed at once. Wait for one to finish processing and try your request again."
            )
        return LimitExceededException(
            f"You have reached the limit of {self.limits.max_total} medical custom vocabularies in your account. "
            "Delete a vocabulary and try your request again."
        )

    def _check_request(self, language_code: str, uri: str) -> None:
        if language_code != LANGUAGE:
            raise BadRequestException(
                f"The language code {language_code} isn't supported for medical custom vocabularies. "
                f"Use {LANGUAGE} and try your request again."
            )
        if uri.startswith("s3://"):
            bucket, _, key = uri[5:].partition("/")
            if bucket and key:
                return
            raise BadRequestException(f"The URI {uri} doesn't name a bucket and an object. Use s3://bucket/key.")
        if uri.startswith("file://"):
            root = self.limits.media_root
            if root is None:
                raise BadRequestException(
                    "file:// vocabulary URIs are disabled on this server. Set CLINSCRIBE_MEDIA_ROOT to allow them."
                )
            if not Path(uri[7:]).resolve().is_relative_to(root.resolve()):
                raise BadRequestException(f"The file {uri} is outside the configured media root.")
            return
        raise BadRequestException(
            f"The vocabulary file URI must start with s3:// (or file:// under the media root); got {uri[:40]!r}."
        )


def _token_filter(request: shapes.ListMedicalVocabulariesRequest) -> list[str | None]:
    return [request.StateEquals, request.NameContains]


def _encode_token(request: shapes.ListMedicalVocabulariesRequest, last: str) -> str:
    raw = json.dumps({"after": last, "filter": _token_filter(request)}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(request: shapes.ListMedicalVocabulariesRequest) -> str:
    invalid = BadRequestException("The NextToken is invalid. Use the token from the previous response.")
    try:
        data = json.loads(base64.urlsafe_b64decode(request.NextToken or ""))
        after, same_filter = data["after"], data["filter"] == _token_filter(request)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise invalid from exc
    if not same_filter or not isinstance(after, str):
        raise invalid
    return after
