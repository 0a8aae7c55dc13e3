"""The four job operations through boto3 against a running server, good paths and every refusal."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.harness import ACCOUNT, Server, put_media, raw_call, start_job, start_server, wait_for_job

MISSING = "s3://clinscribe-media/does-not-exist.wav"


def _name(prefix: str = "job") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_start_get_list_delete(transcribe: Any, s3: Any, server: Server, fixtures_dir: Any) -> None:
    put_media(server, fixtures_dir / "audio" / "en-gb.flac", "s3://clinscribe-media/api/en-gb.flac")
    name = _name()
    started = start_job(transcribe, name, "s3://clinscribe-media/api/en-gb.flac", OutputKey="reports/",
                        Tags=[{"Key": "department", "Value": "cardiology"}])
    assert started["TranscriptionJobStatus"] == "QUEUED"
    assert started["Tags"] == [{"Key": "department", "Value": "cardiology"}]
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "COMPLETED", job.get("FailureReason")
    assert job["CreationTime"] <= job["StartTime"] <= job["CompletionTime"]
    uri = job["Transcript"]["TranscriptFileUri"]
    assert uri == f"{server.url}/clinscribe-output/reports/{name}.json"

    listed = transcribe.list_medical_transcription_jobs(JobNameContains=name.upper())
    summaries = listed["MedicalTranscriptionJobSummaries"]
    assert [s["MedicalTranscriptionJobName"] for s in summaries] == [name]
    assert summaries[0]["OutputLocationType"] == "CUSTOMER_BUCKET"

    transcribe.delete_medical_transcription_job(MedicalTranscriptionJobName=name)
    with pytest.raises(ClientError) as excinfo:
        transcribe.get_medical_transcription_job(MedicalTranscriptionJobName=name)
    assert _error(excinfo)[0] == "BadRequestException"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="clinscribe-output", Key=f"reports/{name}.json")
    assert _error(excinfo)[0] == "NoSuchKey"


@pytest.mark.parametrize(
    ("output_key", "expected"),
    [(None, "medical/{name}.json"), ("folder/sub/", "folder/sub/{name}.json"), ("exact-name.json", "exact-name.json"),
     ("named", "named.json")],
)
def test_output_key_forms(transcribe: Any, server: Server, output_key: str | None, expected: str,
                          short_clip: bytes) -> None:
    put_media(server, short_clip, "s3://clinscribe-media/keys/short.wav")
    name = _name("key")
    extra = {"OutputKey": output_key} if output_key else {}
    start_job(transcribe, name, "s3://clinscribe-media/keys/short.wav", **extra)
    job = wait_for_job(transcribe, name)
    assert job["Transcript"]["TranscriptFileUri"].endswith("/clinscribe-output/" + expected.format(name=name))


def test_list_is_newest_first_filtered_and_paged(transcribe: Any) -> None:
    prefix = _name("page")
    names = [f"{prefix}-{i}" for i in range(7)]
    for name in names:
        start_job(transcribe, name, MISSING)
    for name in names:
        wait_for_job(transcribe, name)
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"JobNameContains": prefix, "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = transcribe.list_medical_transcription_jobs(**kwargs)
        assert len(page["MedicalTranscriptionJobSummaries"]) <= 3
        seen += [s["MedicalTranscriptionJobName"] for s in page["MedicalTranscriptionJobSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == list(reversed(names))
    failed = transcribe.list_medical_transcription_jobs(Status="FAILED", JobNameContains=prefix, MaxResults=100)
    assert failed["Status"] == "FAILED"
    assert len(failed["MedicalTranscriptionJobSummaries"]) == 7
    assert all(s["FailureReason"] for s in failed["MedicalTranscriptionJobSummaries"])
    completed = transcribe.list_medical_transcription_jobs(Status="COMPLETED", JobNameContains=prefix)
    assert completed["MedicalTranscriptionJobSummaries"] == []


def test_list_default_page_size_is_bounded(transcribe: Any) -> None:
    page = transcribe.list_medical_transcription_jobs()
    assert len(page["MedicalTranscriptionJobSummaries"]) <= 5


def test_duplicate_name_conflicts(transcribe: Any) -> None:
    name = _name("dup")
    start_job(transcribe, name, MISSING)
    with pytest.raises(ClientError) as excinfo:
        start_job(transcribe, name, MISSING)
    code, message, status = _error(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "already exists" in message
    # The first job is untouched.
    assert wait_for_job(transcribe, name)["Media"]["MediaFileUri"] == MISSING


def test_unknown_job_get_and_delete(transcribe: Any) -> None:
    for call in (transcribe.get_medical_transcription_job, transcribe.delete_medical_transcription_job):
        with pytest.raises(ClientError) as excinfo:
            call(MedicalTranscriptionJobName=_name("ghost"))
        code, message, status = _error(excinfo)
        assert (code, status) == ("BadRequestException", 400)
        assert "couldn't be found" in message


def _start_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "MedicalTranscriptionJobName": _name("raw"),
        "LanguageCode": "en-US",
        "Media": {"MediaFileUri": MISSING},
        "OutputBucketName": "clinscribe-output",
        "Specialty": "PRIMARYCARE",
        "Type": "CONVERSATION",
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


BAD_STARTS = [
    ("name with space", {"MedicalTranscriptionJobName": "bad name"}, "MedicalTranscriptionJobName"),
    ("name with trailing slash", {"MedicalTranscriptionJobName": "ok-prefix/evil"}, "MedicalTranscriptionJobName"),
    ("name too long", {"MedicalTranscriptionJobName": "a" * 201}, "MedicalTranscriptionJobName"),
    ("empty name", {"MedicalTranscriptionJobName": ""}, "MedicalTranscriptionJobName"),
    ("missing name", {"MedicalTranscriptionJobName": None}, "MedicalTranscriptionJobName"),
    ("specialty", {"Specialty": "DERMATOLOGY"}, "Specialty"),
    ("type", {"Type": "MONOLOGUE"}, "Type"),
    ("language", {"LanguageCode": "en-GB"}, "en-US"),
    ("language enum", {"LanguageCode": "xx-XX"}, "en-US"),
    ("sample rate low", {"MediaSampleRateHertz": 8000}, "MediaSampleRateHertz"),
    ("sample rate high", {"MediaSampleRateHertz": 96000}, "MediaSampleRateHertz"),
    ("media format", {"MediaFormat": "aiff"}, "MediaFormat"),
    ("bucket name", {"OutputBucketName": "Bad_Bucket"}, "OutputBucketName"),
    ("bucket too long", {"OutputBucketName": "b" * 65}, "OutputBucketName"),
    ("output key chars", {"OutputKey": "a key with spaces"}, "OutputKey"),
    ("uri too long", {"Media": {"MediaFileUri": "s3://b/" + "k" * 2000}}, "MediaFileUri"),
    ("uri scheme", {"Media": {"MediaFileUri": "ftp://host/file.wav"}}, "s3://"),
    ("uri no key", {"Media": {"MediaFileUri": "s3://bucket-only"}}, "bucket and an object"),
    ("file uri without media root", {"Media": {"MediaFileUri": "file:///etc/passwd"}}, "CLINSCRIBE_MEDIA_ROOT"),
    ("no media uri", {"Media": {}}, "MediaFileUri"),
    ("max speakers high", {"Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 11}}, "MaxSpeakerLabels"),
    ("max speakers low", {"Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 1}}, "MaxSpeakerLabels"),
    ("max alternatives high", {"Settings": {"ShowAlternatives": True, "MaxAlternatives": 11}}, "MaxAlternatives"),
    ("max alternatives low", {"Settings": {"ShowAlternatives": True, "MaxAlternatives": 1}}, "MaxAlternatives"),
    ("speakers and channels", {"Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2,
                                            "ChannelIdentification": True}}, "ChannelIdentification"),
    ("max speakers alone", {"Settings": {"MaxSpeakerLabels": 3}}, "ShowSpeakerLabels"),
    ("alternatives without max", {"Settings": {"ShowAlternatives": True}}, "MaxAlternatives"),
    ("tags too many", {"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(201)]}, "Tags"),
    ("tag key too long", {"Tags": [{"Key": "k" * 129, "Value": "v"}]}, "Key"),
    ("tag value too long", {"Tags": [{"Key": "k", "Value": "v" * 257}]}, "Value"),
    ("kms key pattern", {"OutputEncryptionKMSKeyId": "-bad"}, "OutputEncryptionKMSKeyId"),
    ("content identification", {"ContentIdentificationType": "PII"}, "ContentIdentificationType"),
    ("wrong type", {"MediaSampleRateHertz": "16000"}, "MediaSampleRateHertz"),
]


@pytest.mark.parametrize(("case", "overrides", "mentions"), BAD_STARTS, ids=[c[0] for c in BAD_STARTS])
def test_start_refuses_invalid_requests(server: Server, transcribe: Any, case: str, overrides: dict[str, Any],
                                        mentions: str) -> None:
    body = _start_body(**overrides)
    response = raw_call(server, "StartMedicalTranscriptionJob", body)
    assert response.status == 400, response.body
    assert response.body["__type"] == "BadRequestException"
    assert response.headers["x-amzn-errortype"].startswith("BadRequestException")
    assert mentions in response.body["Message"]


NOT_YET = [
    {"OutputEncryptionKMSKeyId": "alias/transcripts"},
]


@pytest.mark.parametrize("overrides", NOT_YET)
def test_features_not_landed_are_refused_not_ignored(server: Server, overrides: dict[str, Any]) -> None:
    response = raw_call(server, "StartMedicalTranscriptionJob", _start_body(**overrides))
    assert response.status == 400
    assert response.body["__type"] == "BadRequestException"
    assert "isn't available" in response.body["Message"]


@pytest.mark.parametrize(
    ("body", "mentions"),
    [({"MaxResults": 0}, "MaxResults"), ({"MaxResults": 101}, "MaxResults"), ({"Status": "DONE"}, "Status"),
     ({"JobNameContains": "has space"}, "JobNameContains"), ({"NextToken": "garbage"}, "NextToken"),
     ({"NextToken": ""}, "NextToken")],
)
def test_list_refuses_invalid_requests(server: Server, body: dict[str, Any], mentions: str) -> None:
    response = raw_call(server, "ListMedicalTranscriptionJobs", body)
    assert response.status == 400
    assert response.body["__type"] == "BadRequestException"
    assert mentions in response.body["Message"]


def test_next_token_is_tied_to_its_filter(transcribe: Any, server: Server) -> None:
    prefix = _name("tok")
    for i in range(3):
        start_job(transcribe, f"{prefix}-{i}", MISSING)
    page = transcribe.list_medical_transcription_jobs(JobNameContains=prefix, MaxResults=1)
    response = raw_call(server, "ListMedicalTranscriptionJobs",
                        {"JobNameContains": "other", "MaxResults": 1, "NextToken": page["NextToken"]})
    assert response.status == 400
    assert "NextToken" in response.body["Message"]


def test_malformed_json_and_unknown_operation(server: Server) -> None:
    response = raw_call(server, "StartMedicalTranscriptionJob", b"{not json")
    assert (response.status, response.body["__type"]) == (400, "SerializationException")
    response = raw_call(server, "StartTranscriptionJob", {})
    assert (response.status, response.body["__type"]) == (400, "UnknownOperationException")
    response = raw_call(server, "", {}, target="Nonsense")
    assert response.body["__type"] == "UnknownOperationException"


def test_jobs_in_flight_are_limited_per_account(tmp_path: Any) -> None:
    # No workers: jobs stay QUEUED, so the limit is what stops the fourth.
    srv = start_server(tmp_path / "limit", CLINSCRIBE_WORKERS="0", CLINSCRIBE_MAX_JOBS_PER_ACCOUNT="3")
    try:
        client = srv.client("transcribe")
        for i in range(3):
            start_job(client, f"held-{i}", MISSING)
        with pytest.raises(ClientError) as excinfo:
            start_job(client, "held-3", MISSING)
        code, message, status = _error(excinfo)
        assert (code, status) == ("LimitExceededException", 429)
        assert "3" in message
        client.delete_medical_transcription_job(MedicalTranscriptionJobName="held-0")
        start_job(client, "held-3", MISSING)
        statuses = {s["TranscriptionJobStatus"] for s in
                    client.list_medical_transcription_jobs(MaxResults=100)["MedicalTranscriptionJobSummaries"]}
        assert statuses == {"QUEUED"}
    finally:
        srv.stop()


def test_account_id_in_transcript(transcribe: Any, s3: Any, server: Server, fixtures_dir: Any) -> None:
    from tests.harness import fetch_transcript

    put_media(server, fixtures_dir / "audio" / "en-gb.mp3", "s3://clinscribe-media/acct/en-gb.mp3")
    name = _name("acct")
    start_job(transcribe, name, "s3://clinscribe-media/acct/en-gb.mp3")
    document = fetch_transcript(s3, wait_for_job(transcribe, name))
    assert document["accountId"] == ACCOUNT
    assert document["jobName"] == name
    assert document["status"] == "COMPLETED"
