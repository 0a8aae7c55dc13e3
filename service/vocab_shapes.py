"""Wire shapes of the medical custom vocabulary API, named and constrained as in the botocore model."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from service.shapes import MaxResults, NextToken, Shape, Tag, Uri

# The model's pattern is unanchored at the end; names are also used as object keys, so anchor it.
VocabularyName = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[0-9a-zA-Z._-]+$")]
VocabularyState = Literal["PENDING", "READY", "FAILED"]


class CreateMedicalVocabularyRequest(Shape):
    VocabularyName: VocabularyName
    LanguageCode: str
    VocabularyFileUri: Uri
    Tags: Annotated[list[Tag], Meta(min_length=1, max_length=200)] | None = None


class UpdateMedicalVocabularyRequest(Shape):
    VocabularyName: VocabularyName
    LanguageCode: str
    VocabularyFileUri: Uri


class VocabularyNameRequest(Shape):
    VocabularyName: VocabularyName


class ListMedicalVocabulariesRequest(Shape):
    NextToken: NextToken | None = None
    MaxResults: MaxResults | None = None
    StateEquals: VocabularyState | None = None
    NameContains: VocabularyName | None = None


class CreateMedicalVocabularyResponse(Shape):
    VocabularyName: str
    LanguageCode: str
    VocabularyState: VocabularyState
    LastModifiedTime: float
    FailureReason: str | None = None


class UpdateMedicalVocabularyResponse(Shape):
    VocabularyName: str
    LanguageCode: str
    LastModifiedTime: float
    VocabularyState: VocabularyState


class GetMedicalVocabularyResponse(Shape):
    VocabularyName: str
    LanguageCode: str
    VocabularyState: VocabularyState
    LastModifiedTime: float
    FailureReason: str | None = None
    DownloadUri: str | None = None


class VocabularyInfo(Shape):
    VocabularyName: str
    LanguageCode: str
    LastModifiedTime: float
    VocabularyState: VocabularyState


class ListMedicalVocabulariesResponse(Shape):
    Vocabularies: list[VocabularyInfo]
    Status: VocabularyState | None = None
    NextToken: str | None = None
