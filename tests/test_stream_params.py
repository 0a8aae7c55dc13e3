"""Stream parameters from WebSocket queries and HTTP/2 headers."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from service.stream_errors import BadRequestException
from service.stream_params import StreamParams, params_from_headers, params_from_query
from service.stream_signing import parse_query

BASE = {
    "language-code": "en-US",
    "media-encoding": "pcm",
    "sample-rate": "16000",
    "specialty": "PRIMARYCARE",
    "type": "DICTATION",
}


def query(**changes: str | None) -> StreamParams:
    values = {**BASE, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return params_from_query([(k, v) for k, v in values.items() if v is not None])


def test_minimal_query() -> None:
    params = query()
    assert (params.language_code, params.media_encoding, params.sample_rate) == ("en-US", "pcm", 16000)
    assert (params.specialty, params.type) == ("PRIMARYCARE", "DICTATION")
    assert uuid.UUID(params.session_id) and not params.session_id_given
    assert not params.show_speaker_label and params.number_of_channels == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.sample_rate = 8000  # type: ignore[misc]


def test_full_query_from_raw_string() -> None:
    raw = (
        "language-code=en-US&media-encoding=ogg-opus&sample-rate=48000&specialty=CARDIOLOGY&type=conversation"
        "&session-id=0f8e2a34-1b2c-4d5e-8f90-a1b2c3d4e5f6&vocabulary-name=cardio.v1"
        "&show-speaker-label=true&content-identification-type=PHI"
        "&enable-partial-results-stabilization=true&partial-results-stability=medium"
        "&X-Amz-Signature=ignored"
    )
    params = params_from_query(parse_query(raw))
    assert params.type == "CONVERSATION"
    assert params.session_id == "0f8e2a34-1b2c-4d5e-8f90-a1b2c3d4e5f6" and params.session_id_given
    assert params.vocabulary_name == "cardio.v1" and params.show_speaker_label
    assert params.content_identification_type == "PHI"
    assert params.enable_partial_results_stabilization and params.partial_results_stability == "medium"


def test_http2_headers_with_sdk_booleans() -> None:
    headers = {f"x-amzn-transcribe-{k}": v for k, v in BASE.items()}
    headers["x-amzn-transcribe-show-speaker-label"] = "True"  # what amazon-transcribe sends
    headers["x-amzn-transcribe-enable-partial-results-stabilization"] = "True"
    params = params_from_headers(headers)
    assert params.show_speaker_label
    assert params.partial_results_stability == "high"  # the default level
    echoed = params.response_headers()
    assert echoed["x-amzn-transcribe-session-id"] == params.session_id
    assert echoed["x-amzn-transcribe-sample-rate"] == "16000"


def test_header_errors_name_the_header() -> None:
    headers = {f"x-amzn-transcribe-{k}": v for k, v in BASE.items() if k != "specialty"}
    with pytest.raises(BadRequestException, match="x-amzn-transcribe-specialty"):
        params_from_headers(headers)


@pytest.mark.parametrize("name", list(BASE))
def test_required(name: str) -> None:
    with pytest.raises(BadRequestException, match=name):
        query(**{name.replace("-", "_"): None})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("language-code", "en-GB"),
        ("media-encoding", "mp3"),
        ("sample-rate", "7999"),
        ("sample-rate", "48001"),
        ("sample-rate", "16k"),
        ("specialty", "DERMATOLOGY"),
        ("specialty", "primarycare"),
        ("type", "MONOLOGUE"),
        ("session-id", "not-a-uuid"),
        ("vocabulary-name", "bad name!"),
        ("show-speaker-label", "yes"),
        ("content-identification-type", "PII"),
        ("partial-results-stability", "extreme"),
    ],
)
def test_bad_values(name: str, value: str) -> None:
    extra = {"enable-partial-results-stabilization": "true"} if name == "partial-results-stability" else {}
    with pytest.raises(BadRequestException, match=name):
        query(**{name.replace("-", "_"): value, **{k.replace("-", "_"): v for k, v in extra.items()}})


@pytest.mark.parametrize("rate", ["8000", "16000", "44100", "48000"])
def test_sample_rates_accepted(rate: str) -> None:
    assert query(sample_rate=rate).sample_rate == int(rate)


@pytest.mark.parametrize("specialty", ["PRIMARYCARE", "CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "RADIOLOGY", "UROLOGY"])
def test_all_specialties(specialty: str) -> None:
    assert query(specialty=specialty).specialty == specialty


def test_channel_identification_needs_two_channels() -> None:
    params = query(enable_channel_identification="true", number_of_channels="2")
    assert params.enable_channel_identification and params.number_of_channels == 2
    with pytest.raises(BadRequestException, match="number-of-channels"):
        query(enable_channel_identification="true")
    with pytest.raises(BadRequestException, match="enable-channel-identification"):
        query(number_of_channels="2")


def test_speaker_labels_and_channels_exclusive() -> None:
    with pytest.raises(BadRequestException, match="together"):
        query(show_speaker_label="true", enable_channel_identification="true", number_of_channels="2")


def test_stability_needs_stabilization() -> None:
    with pytest.raises(BadRequestException, match="enable-partial-results-stabilization"):
        query(partial_results_stability="low")


def test_duplicate_query_parameter() -> None:
    pairs = [*BASE.items(), ("specialty", "UROLOGY")]
    with pytest.raises(BadRequestException, match="more than once"):
        params_from_query(pairs)
