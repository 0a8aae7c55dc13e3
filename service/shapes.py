"""Wire shapes of the batch job API, named and constrained as in the botocore `transcribe` model.

boto3 checks only required members, minimums and types; patterns, maximums and enums
reach us, so the constraints are declared here and enforced when the body is decoded.
Attribute names are the AWS member names, so no renaming can drift from the wire.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

JobName = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[0-9a-zA-Z._-]+$")]
Uri = Annotated[str, Meta(min_length=1, max_length=2000)]
BucketName = Annotated[str, Meta(max_length=64, pattern=r"^[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]$")]
OutputKey = Annotated[str, Meta(min_length=1, max_length=1024, pattern=r"^[a-zA-Z0-9-_.!*'()/]{1,1024}$")]
KmsKeyId = Annotated[str, Meta(min_length=1, max_length=2048, pattern=r"^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$")]
SampleRate = Annotated[int, Meta(ge=16000, le=48000)]
# The model allows 30 speakers; the medical guide documents 2 to 10.
MaxSpeakers = Annotated[int, Meta(ge=2, le=10)]
MaxAlternatives = Annotated[int, Meta(ge=2, le=10)]
TagKey = Annotated[str, Meta(min_length=1, max_length=128)]
TagValue = Annotated[str, Meta(max_length=256)]
NextToken = Annotated[str, Meta(min_length=1, max_length=8192)]
MaxResults = Annotated[int, Meta(ge=1, le=100)]

JobStatus = Literal["QUEUED", "IN_PROGRESS", "FAILED", "COMPLETED"]
MediaFormat = Literal["mp3", "mp4", "wav", "flac", "ogg", "amr", "webm", "m4a"]
# The real service takes PRIMARYCARE only for batch jobs; clinscribe tunes decoding for all six.
Specialty = Literal["PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY"]
MedicalType = Literal["CONVERSATION", "DICTATION"]


class Shape(msgspec.Struct, omit_defaults=True):
    """Base for wire shapes: absent members stay absent in responses."""


class Media(Shape):
    MediaFileUri: Uri | None = None
    RedactedMediaFileUri: Uri | None = None


class Settings(Shape):
    ShowSpeakerLabels: bool | None = None
    MaxSpeakerLabels: MaxSpeakers | None = None
    ChannelIdentification: bool | None = None
    ShowAlternatives: bool | None = None
    MaxAlternatives: MaxAlternatives | None = None
    VocabularyName: JobName | None = None


class Tag(Shape):
    Key: TagKey
    Value: TagValue


class StartMedicalTranscriptionJobRequest(Shape):
    MedicalTranscriptionJobName: JobName
    LanguageCode: str
    Media: Media
    OutputBucketName: BucketName
    Specialty: Specialty
    Type: MedicalType
    MediaSampleRateHertz: SampleRate | None = None
    MediaFormat: MediaFormat | None = None
    OutputKey: OutputKey | None = None
    OutputEncryptionKMSKeyId: KmsKeyId | None = None
    KMSEncryptionContext: dict[str, str] | None = None
    Settings: Settings | None = None
    ContentIdentificationType: Literal["PHI"] | None = None
    Tags: Annotated[list[Tag], Meta(min_length=1, max_length=200)] | None = None


class JobNameRequest(Shape):
    MedicalTranscriptionJobName: JobName


class ListMedicalTranscriptionJobsRequest(Shape):
    Status: JobStatus | None = None
    JobNameContains: JobName | None = None
    NextToken: NextToken | None = None
    MaxResults: MaxResults | None = None


class MedicalTranscript(Shape):
    TranscriptFileUri: str | None = None


class MedicalTranscriptionJob(Shape):
    MedicalTranscriptionJobName: str
    TranscriptionJobStatus: JobStatus
    LanguageCode: str
    Media: Media
    Specialty: str
    Type: str
    MediaSampleRateHertz: int | None = None
    MediaFormat: str | None = None
    Transcript: MedicalTranscript | None = None
    StartTime: float | None = None
    CreationTime: float | None = None
    CompletionTime: float | None = None
    FailureReason: str | None = None
    Settings: Settings | None = None
    ContentIdentificationType: str | None = None
    Tags: list[Tag] | None = None


class MedicalTranscriptionJobSummary(Shape):
    MedicalTranscriptionJobName: str
    TranscriptionJobStatus: JobStatus
    LanguageCode: str
    Specialty: str
    Type: str
    OutputLocationType: Literal["CUSTOMER_BUCKET", "SERVICE_BUCKET"]
    CreationTime: float | None = None
    StartTime: float | None = None
    CompletionTime: float | None = None
    FailureReason: str | None = None
    ContentIdentificationType: str | None = None


class JobResponse(Shape):
    MedicalTranscriptionJob: MedicalTranscriptionJob


class ListMedicalTranscriptionJobsResponse(Shape):
    MedicalTranscriptionJobSummaries: list[MedicalTranscriptionJobSummary]
    Status: JobStatus | None = None
    NextToken: str | None = None
