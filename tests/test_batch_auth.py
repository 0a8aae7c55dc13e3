"""SigV4 on every request: unknown keys, bad signatures, clock skew, and account isolation."""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from service.store.records import AccessKey
from tests.harness import KEY_ID, SECRET, Server, key_store, put_media, raw_call, start_job, wait_for_job

OTHER_KEY, OTHER_ACCOUNT = "CLINTESTKEY000000002", "444455556666"
OTHER_SECRET = "other-secret-0123456789abcdefghijklmnopq"


@pytest.fixture(scope="module")
def other_account(server: Server) -> Any:
    keys = key_store(server)
    if keys.get(OTHER_KEY) is None:
        keys.add(AccessKey(OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT, "transcriber", time.time()))
    return server.client("transcribe", OTHER_KEY, OTHER_SECRET)


def test_unknown_key_is_unrecognized(server: Server) -> None:
    response = raw_call(server, "ListMedicalTranscriptionJobs", {}, key_id="CLINNOSUCHKEY0000000")
    assert (response.status, response.body["__type"]) == (403, "UnrecognizedClientException")
    assert response.headers["x-amzn-errortype"].startswith("UnrecognizedClientException")


def test_wrong_secret_is_invalid_signature(server: Server) -> None:
    client = server.client("transcribe", KEY_ID, "not-the-secret")
    with pytest.raises(ClientError) as excinfo:
        client.list_medical_transcription_jobs()
    assert excinfo.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize("minutes", [-6, 6, -60 * 24])
def test_clock_skew_over_five_minutes_is_refused(server: Server, minutes: int) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    response = raw_call(server, "ListMedicalTranscriptionJobs", {}, when=when)
    assert response.status == 403
    assert response.body["__type"] == "InvalidSignatureException"
    assert "Signature" in response.body["Message"]


def test_skew_within_five_minutes_is_accepted(server: Server) -> None:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=4)
    assert raw_call(server, "ListMedicalTranscriptionJobs", {}, when=when).status == 200


def test_tampered_body_fails_signature(server: Server) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=server.url + "/", data=b'{"MaxResults": 5}',
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "Transcribe.ListMedicalTranscriptionJobs"})
    SigV4Auth(Credentials(KEY_ID, SECRET), "transcribe", "us-east-1").add_auth(request)
    prepared = request.prepare()
    tampered = urllib.request.Request(prepared.url, data=b'{"MaxResults": 6}', headers=dict(prepared.headers),
                                      method="POST")
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(tampered, timeout=10)
    assert excinfo.value.code == 403
    assert b"InvalidSignatureException" in excinfo.value.read()


def test_wrong_service_scope_is_refused(server: Server) -> None:
    response = raw_call(server, "ListMedicalTranscriptionJobs", {}, service="s3")
    assert response.status == 403
    assert "transcribe" in response.body["Message"]


def test_unsigned_request_is_refused(server: Server) -> None:
    request = urllib.request.Request(server.url + "/", data=b"{}", method="POST",
                                     headers={"X-Amz-Target": "Transcribe.ListMedicalTranscriptionJobs",
                                              "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request, timeout=10)
    assert excinfo.value.code == 403
    assert excinfo.value.headers["x-amzn-ErrorType"].startswith("MissingAuthenticationTokenException")


def test_accounts_never_see_each_others_jobs(transcribe: Any, other_account: Any, s3: Any, server: Server,
                                             short_clip: bytes) -> None:
    put_media(server, short_clip, "s3://clinscribe-media/iso/short.wav")
    name = f"iso-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, name, "s3://clinscribe-media/iso/short.wav")
    job = wait_for_job(transcribe, name)
    assert job["TranscriptionJobStatus"] == "COMPLETED"
    with pytest.raises(ClientError):
        other_account.get_medical_transcription_job(MedicalTranscriptionJobName=name)
    with pytest.raises(ClientError):
        other_account.delete_medical_transcription_job(MedicalTranscriptionJobName=name)
    names = [j["MedicalTranscriptionJobName"] for j in
             other_account.list_medical_transcription_jobs(MaxResults=100)["MedicalTranscriptionJobSummaries"]]
    assert name not in names
    # The same job name is free in the other account.
    start_job(other_account, name, "s3://clinscribe-media/iso/short.wav")
    # The other account's media lookup is its own: the object isn't there for it.
    assert wait_for_job(other_account, name)["TranscriptionJobStatus"] == "FAILED"
    # And the transcript object is invisible to it.
    other_s3 = server.client("s3", OTHER_KEY, OTHER_SECRET)
    key = job["Transcript"]["TranscriptFileUri"].split("/", 4)[4]
    with pytest.raises(ClientError) as excinfo:
        other_s3.get_object(Bucket="clinscribe-output", Key=key)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchKey"
    assert s3.get_object(Bucket="clinscribe-output", Key=key)["Body"].read()


def test_transcript_download_needs_a_signature(transcribe: Any, s3: Any, server: Server, short_clip: bytes) -> None:
    put_media(server, short_clip, "s3://clinscribe-media/dl/short.wav")
    name = f"dl-{uuid.uuid4().hex[:8]}"
    start_job(transcribe, name, "s3://clinscribe-media/dl/short.wav")
    uri = wait_for_job(transcribe, name)["Transcript"]["TranscriptFileUri"]
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(uri, timeout=10)
    assert excinfo.value.code == 403
    bucket, key = uri.split("/", 4)[3:]
    presigned = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=60)
    with urllib.request.urlopen(presigned, timeout=10) as response:
        assert b'"jobName"' in response.read()
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(presigned.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10)
    assert excinfo.value.code == 403


def test_revoked_key_is_refused_at_once(server: Server) -> None:
    keys = key_store(server)
    keys.add(AccessKey("CLINTESTKEY000000009", "revoked-secret-0123456789abcdefghijklmno", "777788889999",
                       "transcriber", time.time()))
    client = server.client("transcribe", "CLINTESTKEY000000009", "revoked-secret-0123456789abcdefghijklmno")
    assert client.list_medical_transcription_jobs()["MedicalTranscriptionJobSummaries"] == []
    keys.revoke("CLINTESTKEY000000009")
    with pytest.raises(ClientError) as excinfo:
        client.list_medical_transcription_jobs()
    assert excinfo.value.response["Error"]["Code"] == "UnrecognizedClientException"
