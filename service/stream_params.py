"""Stream parameters from a WebSocket query or HTTP/2 x-amzn-transcribe-* headers, validated once.

Both forms use the same names (`sample-rate` in the query is `x-amzn-transcribe-sample-rate` as a
header). Booleans arrive as "true"/"false" from hand-built URLs and as "True"/"False" from the
Python SDK, which writes `str(bool)`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from service.stream_errors import BadRequestException

HEADER_PREFIX = "x-amzn-transcribe-"
MEDIA_ENCODINGS = ("pcm", "flac", "ogg-opus")
SPECIALTIES = ("PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY")
TYPES = ("CONVERSATION", "DICTATION")
STABILITIES = ("low", "medium", "high")
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8_000, 48_000

_NAMES = (
    "language-code",
    "media-encoding",
    "sample-rate",
    "session-id",
    "specialty",
    "type",
    "vocabulary-name",
    "show-speaker-label",
    "enable-channel-identification",
    "number-of-channels",
    "content-identification-type",
    "enable-partial-results-stabilization",
    "partial-results-stability",
)
_VOCABULARY_NAME = re.compile(r"[0-9a-zA-Z._-]{1,200}")
_SESSION_ID = re.compile(r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")


@dataclass(frozen=True, slots=True)
class StreamParams:
    language_code: str
    media_encoding: str
    sample_rate: int
    specialty: str
    type: str
    session_id: str
    session_id_given: bool = False
    vocabulary_name: str | None = None
    show_speaker_label: bool = False
    enable_channel_identification: bool = False
    number_of_channels: int = 1
    content_identification_type: str | None = None
    enable_partial_results_stabilization: bool = False
    partial_results_stability: str | None = None

    def response_headers(self) -> dict[str, str]:
        """The x-amzn-transcribe-* headers the service echoes (HTTP/2 response headers)."""
        out = {
            "language-code": self.language_code,
            "media-encoding": self.media_encoding,
            "sample-rate": str(self.sample_rate),
            "session-id": self.session_id,
            "specialty": self.specialty,
            "type": self.type,
        }
        if self.vocabulary_name:
            out["vocabulary-name"] = self.vocabulary_name
        if self.show_speaker_label:
            out["show-speaker-label"] = "true"
        if self.enable_channel_identification:
            out["enable-channel-identification"] = "true"
            out["number-of-channels"] = str(self.number_of_channels)
        if self.content_identification_type:
            out["content-identification-type"] = self.content_identification_type
        if self.enable_partial_results_stabilization:
            out["enable-partial-results-stabilization"] = "true"
            out["partial-results-stability"] = self.partial_results_stability or "high"
        return {HEADER_PREFIX + name: value for name, value in out.items()}


def params_from_query(pairs: Iterable[tuple[str, str]]) -> StreamParams:
    """From decoded WebSocket query pairs (X-Amz-* and unknown names are ignored)."""
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in _NAMES:
            if name in values:
                raise BadRequestException(f"The parameter {name} is given more than once.")
            values[name] = value
    return _params(values, form="{}")


def params_from_headers(headers: Mapping[str, str]) -> StreamParams:
    """From HTTP/2 request headers with lower-case names."""
    values = {
        name: headers[HEADER_PREFIX + name] for name in _NAMES if HEADER_PREFIX + name in headers
    }
    return _params(values, form=HEADER_PREFIX + "{}")


def _params(values: Mapping[str, str], form: str) -> StreamParams:
    def label(name: str) -> str:
        return form.format(name)

    def required(name: str) -> str:
        value = values.get(name, "").strip()
        if not value:
            raise BadRequestException(f"The required parameter {label(name)} is missing.")
        return value

    def choice(name: str, allowed: tuple[str, ...], value: str) -> str:
        if value not in allowed:
            raise BadRequestException(
                f"{value!r} is not a valid value for {label(name)}; valid values are: {', '.join(allowed)}."
            )
        return value

    def boolean(name: str) -> bool:
        raw = values.get(name)
        if raw is None or raw == "":
            return False
        lowered = raw.strip().lower()
        if lowered not in ("true", "false"):
            raise BadRequestException(f"{raw!r} is not a valid value for {label(name)}; use true or false.")
        return lowered == "true"

    language_code = required("language-code")
    if language_code != "en-US":
        raise BadRequestException(
            f"{language_code!r} is not a valid value for {label('language-code')}; the valid value is en-US."
        )
    media_encoding = choice("media-encoding", MEDIA_ENCODINGS, required("media-encoding"))
    raw_rate = required("sample-rate")
    if not raw_rate.isdigit() or not MIN_SAMPLE_RATE <= int(raw_rate) <= MAX_SAMPLE_RATE:
        raise BadRequestException(
            f"{raw_rate!r} is not a valid value for {label('sample-rate')}; it must be an integer "
            f"between {MIN_SAMPLE_RATE} and {MAX_SAMPLE_RATE} hertz."
        )
    specialty = choice("specialty", SPECIALTIES, required("specialty"))
    # The guide's own examples write "Dictation"; the enum itself is upper case.
    stream_type = choice("type", TYPES, required("type").upper())

    session_id = values.get("session-id") or None
    if session_id is not None and not _SESSION_ID.fullmatch(session_id):
        raise BadRequestException(f"{session_id!r} is not a valid value for {label('session-id')}; use a UUID.")

    vocabulary_name = values.get("vocabulary-name") or None
    if vocabulary_name is not None and not _VOCABULARY_NAME.fullmatch(vocabulary_name):
        raise BadRequestException(
            f"{vocabulary_name!r} is not a valid value for {label('vocabulary-name')}; use 1-200 of "
            "0-9 a-z A-Z . _ -."
        )

    channel_identification = boolean("enable-channel-identification")
    raw_channels = values.get("number-of-channels")
    channels = 1
    if raw_channels:
        if not raw_channels.isdigit() or int(raw_channels) < 1:
            raise BadRequestException(f"{raw_channels!r} is not a valid value for {label('number-of-channels')}.")
        channels = int(raw_channels)
    if channel_identification and channels != 2:
        raise BadRequestException(
            f"Channel identification needs {label('number-of-channels')} set to 2."
        )
    if not channel_identification and channels != 1:
        raise BadRequestException(
            f"{label('number-of-channels')} greater than 1 needs {label('enable-channel-identification')}."
        )
    speaker_label = boolean("show-speaker-label")
    if speaker_label and channel_identification:
        raise BadRequestException("You can't use speaker labels and channel identification together.")

    content_identification = values.get("content-identification-type") or None
    if content_identification is not None:
        choice("content-identification-type", ("PHI",), content_identification)

    stabilization = boolean("enable-partial-results-stabilization")
    stability = values.get("partial-results-stability") or None
    if stability is not None:
        choice("partial-results-stability", STABILITIES, stability)
        if not stabilization:
            raise BadRequestException(
                f"{label('partial-results-stability')} needs {label('enable-partial-results-stabilization')}."
            )
    if stabilization and stability is None:
        stability = "high"

    return StreamParams(
        language_code=language_code,
        media_encoding=media_encoding,
        sample_rate=int(raw_rate),
        specialty=specialty,
        type=stream_type,
        session_id=session_id or str(uuid.uuid4()),
        session_id_given=session_id is not None,
        vocabulary_name=vocabulary_name,
        show_speaker_label=speaker_label,
        enable_channel_identification=channel_identification,
        number_of_channels=channels,
        content_identification_type=content_identification,
        enable_partial_results_stabilization=stabilization,
        partial_results_stability=stability,
    )
