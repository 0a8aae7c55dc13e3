"""Internal records the stores keep; plain data, independent of the wire shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIVE_STATUSES = ("QUEUED", "IN_PROGRESS")


@dataclass(slots=True)
class JobRecord:
    """One medical transcription job: the request as received plus its lifecycle."""

    account_id: str
    name: str
    # The StartMedicalTranscriptionJob request body, as decoded (AWS member names).
    request: dict[str, Any]
    status: str = "QUEUED"
    creation_time: float = 0.0
    start_time: float | None = None
    completion_time: float | None = None
    failure_reason: str | None = None
    transcript_uri: str | None = None
    attempts: int = 0
    # The output object written, so delete can remove it from local buckets.
    output_location: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AccessKey:
    access_key_id: str
    secret_access_key: str
    account_id: str
    role: str = "transcriber"
    created: float = 0.0
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class JobPage:
    jobs: list[JobRecord]
    # (creation_time, name) of the last job returned, when more may follow.
    last: tuple[float, str] | None


@dataclass(slots=True)
class VocabularyRecord:
    """One medical custom vocabulary: where its file came from, its state, and the validated file."""

    account_id: str
    name: str
    language_code: str
    file_uri: str
    state: str = "PENDING"
    last_modified_time: float = 0.0
    failure_reason: str | None = None
    # The validated file (at most 50 KB), kept so jobs and streams read it without a bucket round trip.
    content: bytes | None = None
    # Where the validated file was stored for GetMedicalVocabulary's DownloadUri: {"bucket", "key"}.
    download_location: dict[str, str] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class VocabularyPage:
    vocabularies: list[VocabularyRecord]
    # Name of the last vocabulary returned, when more may follow.
    last: str | None
