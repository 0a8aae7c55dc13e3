"""The five medical vocabulary operations through boto3 against a running server, and every refusal."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from service import vocab_shapes as shapes
from service.errors import ConflictException, LimitExceededException
from service.store.base import BlobNotFound, TooManyVocabularies, VocabularyBusy, VocabularyExists
from service.store.postgres import PostgresDatabase
from service.store.postgres_vocab import PostgresVocabularyStore
from service.store.records import VocabularyRecord
from service.store.sqlite import SqliteDatabase
from service.store.sqlite_vocab import SqliteVocabularyStore
from service.vocabularies import VocabularyLimits, VocabularyService
from tests.harness import Server, put_media, raw_call, start_job, start_server
from tests.sealing_dbs import BACKENDS, open_database

HEADER = "Phrase\tIPA\tSoundsLike\tDisplayAs\n"
GOOD = (HEADER + "acute-respiratory-distress-syndrome\t\t\tARDS\nkcentra\t\tkay-sen-tra\tKcentra\n").encode()
OTHER = (HEADER + "A.L.L.\teɪ ɛ l ɛ l\t\tALL\n").encode()

# Each rule of the file format, and the exact FailureReason GetMedicalVocabulary must report.
BAD_FILES = {
    "crlf": (
        (HEADER + "kcentra\t\t\tKcentra\r\n").encode(),
        "Line 2 ends with CRLF. Save the vocabulary file with LF line endings, not CRLF.",
    ),
    "header-with-spaces": (
        b"Phrase IPA SoundsLike DisplayAs\nfoo\t\t\t\n",
        "The vocabulary file header is invalid: separate the column names Phrase, IPA, SoundsLike and DisplayAs "
        "with single tab characters, not spaces.",
    ),
    "missing-column": (
        b"Phrase\tIPA\tSoundsLike\nfoo\t\t\n",
        "The vocabulary file header is missing the column(s) DisplayAs. All four columns are required, even when "
        "their values are empty.",
    ),
    "trailing-space": (
        (HEADER + "kcentra \t\t\t\n").encode(),
        "Line 2: the Phrase value has trailing white space. Remove it.",
    ),
    "bad-character": (
        (HEADER + "kcentra!\t\t\t\n").encode(),
        "Line 2: the Phrase 'kcentra!' contains the character '!' (U+0021), which isn't in the allowed character "
        "set (a-z, A-Z, ', -, .).",
    ),
    "space-in-phrase": (
        (HEADER + "atrial fibrillation\t\t\t\n").encode(),
        "Line 2: the Phrase 'atrial fibrillation' contains the character 'space' (U+0020), which isn't in the "
        "allowed character set (a-z, A-Z, ', -, .). Separate the words of a phrase with hyphens.",
    ),
    "ipa-and-soundslike": (
        (HEADER + "kcentra\tk eɪ\tkay-sen-tra\t\n").encode(),
        "Line 2: the entry has both IPA and SoundsLike values. Give at most one of them.",
    ),
    "bad-ipa": (
        (HEADER + "kcentra\tk x\t\t\n").encode(),
        "Line 2: the IPA value contains the character 'x' (U+0078), which isn't in the allowed IPA character set.",
    ),
    "value-too-long": (
        (HEADER + "a" * 256 + "\t\t\t\n").encode(),
        "Line 2: the Phrase value is 256 characters long. Values must have fewer than 256 characters.",
    ),
    "too-many-values": (
        (HEADER + "kcentra\t\t\t\tx\n").encode(),
        "Line 2 has 5 values but the header names 4 columns. Separate the values with single tab characters.",
    ),
    "empty-phrase": (
        (HEADER + "\t\t\tKcentra\n").encode(),
        "Line 2: the Phrase value is empty. Every entry needs a Phrase.",
    ),
    "empty": (
        b"",
        "The vocabulary file is empty. Its first line must name the columns Phrase, IPA, SoundsLike and "
        "DisplayAs, separated by tabs.",
    ),
    "header-only": (HEADER.encode(), "The vocabulary file has a header but no entries."),
    "not-utf8": (
        (HEADER + "caf\xe9\t\t\t\n").encode("latin-1"),
        "The vocabulary file isn't valid UTF-8 (byte 35). Save it as UTF-8 text.",
    ),
    "too-big": (
        (HEADER + "kcentra\t\t\tKcentra\n" * 4000).encode(),
        "The vocabulary file is 72032 bytes. A custom vocabulary can't exceed 50 KB (51200 bytes).",
    ),
}


def _name(prefix: str = "vocab") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def _upload(server: Server, data: bytes, via_s3: bool = False) -> str:
    """A vocabulary file the server can fetch: in a local bucket (through the CLI, slow) or under its media root."""
    if via_s3:
        uri = f"s3://clinscribe-media/vocab/{uuid.uuid4().hex}.txt"
        put_media(server, data, uri)
        return uri
    path = Path(server.env["CLINSCRIBE_MEDIA_ROOT"]) / f"{uuid.uuid4().hex}.txt"
    path.write_bytes(data)
    return f"file://{path}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's server, with a media root so vocabulary files can be handed over as files."""
    media = tmp_path_factory.mktemp("vocab-media")
    srv = start_server(tmp_path_factory.mktemp("vocab-server"), CLINSCRIBE_MEDIA_ROOT=str(media))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def transcribe(server: Server) -> Any:
    return server.client("transcribe")


@pytest.fixture(scope="module")
def s3(server: Server) -> Any:
    return server.client("s3")


def _create(transcribe: Any, name: str, uri: str, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = transcribe.create_medical_vocabulary(
        VocabularyName=name, LanguageCode="en-US", VocabularyFileUri=uri, **extra
    )
    return result


def _settled(transcribe: Any, name: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got: dict[str, Any] = transcribe.get_medical_vocabulary(VocabularyName=name)
        if got["VocabularyState"] != "PENDING":
            return got
        time.sleep(0.05)
    raise TimeoutError(f"vocabulary {name} still PENDING after {timeout}s")


def test_create_get_download_update_delete(transcribe: Any, s3: Any, server: Server) -> None:
    name = _name()
    created = _create(transcribe, name, _upload(server, GOOD, via_s3=True), Tags=[{"Key": "team", "Value": "icu"}])
    assert created["VocabularyState"] == "PENDING"
    assert created["LanguageCode"] == "en-US" and created["VocabularyName"] == name
    got = _settled(transcribe, name)
    assert got["VocabularyState"] == "READY", got.get("FailureReason")
    assert "FailureReason" not in got
    assert got["LastModifiedTime"] >= created["LastModifiedTime"]
    uri = got["DownloadUri"]
    assert uri == f"{server.url}/clinscribe-vocabularies/medical/{name}.txt"
    bucket, key = uri.split("/", 4)[3:]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == GOOD

    updated = transcribe.update_medical_vocabulary(
        VocabularyName=name, LanguageCode="en-US", VocabularyFileUri=_upload(server, OTHER)
    )
    assert updated["VocabularyState"] == "PENDING"
    again = _settled(transcribe, name)
    assert again["VocabularyState"] == "READY"
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == OTHER

    transcribe.delete_medical_vocabulary(VocabularyName=name)
    with pytest.raises(ClientError) as excinfo:
        transcribe.get_medical_vocabulary(VocabularyName=name)
    assert _error(excinfo)[:2] == (
        "NotFoundException",
        "The requested vocabulary couldn't be found. Check the vocabulary name and try your request again.",
    )
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key=key)
    assert _error(excinfo)[0] == "NoSuchKey"


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_each_bad_file_fails_with_its_reason(transcribe: Any, server: Server, kind: str) -> None:
    data, reason = BAD_FILES[kind]
    name = _name(kind)
    _create(transcribe, name, _upload(server, data))
    got = _settled(transcribe, name)
    assert got["VocabularyState"] == "FAILED"
    assert got["FailureReason"] == reason
    assert "DownloadUri" not in got


def test_missing_file_fails(transcribe: Any) -> None:
    name = _name("missing")
    _create(transcribe, name, "s3://clinscribe-media/vocab/not-there.txt")
    got = _settled(transcribe, name)
    assert got["VocabularyState"] == "FAILED"
    assert got["FailureReason"].startswith("The S3 URI that you provided for the vocabulary file doesn't point")


def test_update_to_a_bad_file_fails_and_removes_the_download(transcribe: Any, s3: Any, server: Server) -> None:
    name = _name("worse")
    _create(transcribe, name, _upload(server, GOOD))
    bucket, key = _settled(transcribe, name)["DownloadUri"].split("/", 4)[3:]
    transcribe.update_medical_vocabulary(
        VocabularyName=name, LanguageCode="en-US", VocabularyFileUri=_upload(server, BAD_FILES["crlf"][0])
    )
    got = _settled(transcribe, name)
    assert (got["VocabularyState"], got["FailureReason"]) == ("FAILED", BAD_FILES["crlf"][1])
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key=key)


def test_duplicate_name_is_a_conflict(transcribe: Any, server: Server) -> None:
    name = _name("dup")
    uri = _upload(server, GOOD)
    _create(transcribe, name, uri)
    with pytest.raises(ClientError) as excinfo:
        _create(transcribe, name, uri)
    assert _error(excinfo) == (
        "ConflictException", "The requested vocabulary name already exists. Use a different vocabulary name.", 409
    )


def test_unknown_names(transcribe: Any, server: Server) -> None:
    name = _name("nobody")
    for call in (
        lambda: transcribe.get_medical_vocabulary(VocabularyName=name),
        lambda: transcribe.delete_medical_vocabulary(VocabularyName=name),
        lambda: transcribe.update_medical_vocabulary(
            VocabularyName=name, LanguageCode="en-US", VocabularyFileUri=_upload(server, GOOD)
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo)[0::2] == ("NotFoundException", 404)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"LanguageCode": "en-GB", "VocabularyFileUri": "s3://clinscribe-media/x.txt"}, "language code en-GB"),
        ({"LanguageCode": "en-US", "VocabularyFileUri": "https://example.com/x.txt"}, "must start with s3://"),
        ({"LanguageCode": "en-US", "VocabularyFileUri": "s3://bucket-only"}, "doesn't name a bucket and an object"),
        ({"LanguageCode": "en-US", "VocabularyFileUri": "file:///etc/passwd"}, "outside the configured media root"),
    ],
)
def test_bad_requests(transcribe: Any, body: dict[str, str], fragment: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        transcribe.create_medical_vocabulary(VocabularyName=_name("bad"), **body)
    code, message, status = _error(excinfo)
    assert (code, status) == ("BadRequestException", 400) and fragment in message


def test_names_and_filters_the_model_constrains(server: Server) -> None:
    bad_name = raw_call(server, "CreateMedicalVocabulary",
                        {"VocabularyName": "has space", "LanguageCode": "en-US", "VocabularyFileUri": "s3://b/k"})
    assert bad_name.status == 400 and bad_name.body["__type"] == "BadRequestException"
    bad_state = raw_call(server, "ListMedicalVocabularies", {"StateEquals": "DONE"})
    assert bad_state.status == 400 and bad_state.body["__type"] == "BadRequestException"


def test_list_filters_and_pages(transcribe: Any, server: Server) -> None:
    prefix = _name("page")
    good, bad = _upload(server, GOOD), _upload(server, BAD_FILES["empty"][0])
    names = [f"{prefix}-{i}" for i in range(7)]
    for i, name in enumerate(names):
        _create(transcribe, name, bad if i % 3 == 0 else good)
    for name in names:
        _settled(transcribe, name)
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"NameContains": prefix.upper(), "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = transcribe.list_medical_vocabularies(**kwargs)
        assert len(page["Vocabularies"]) <= 3
        seen.extend(v["VocabularyName"] for v in page["Vocabularies"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    failed = transcribe.list_medical_vocabularies(NameContains=prefix, StateEquals="FAILED", MaxResults=100)
    assert failed["Status"] == "FAILED"
    assert [v["VocabularyName"] for v in failed["Vocabularies"]] == names[0::3]
    ready = transcribe.list_medical_vocabularies(NameContains=prefix, StateEquals="READY", MaxResults=100)
    assert {v["VocabularyName"] for v in ready["Vocabularies"]} == set(names) - set(names[0::3])
    assert all(v["LanguageCode"] == "en-US" and v["LastModifiedTime"] for v in ready["Vocabularies"])
    first = transcribe.list_medical_vocabularies(NameContains=prefix, MaxResults=2)
    with pytest.raises(ClientError) as excinfo:  # a token is only good for the filter it came from
        transcribe.list_medical_vocabularies(NameContains=prefix, StateEquals="READY", NextToken=first["NextToken"])
    assert _error(excinfo)[0] == "BadRequestException"
    with pytest.raises(ClientError) as excinfo:
        transcribe.list_medical_vocabularies(NextToken="not-a-token")
    assert _error(excinfo)[0] == "BadRequestException"


def test_jobs_accept_only_ready_vocabularies_of_the_account(transcribe: Any, server: Server,
                                                           short_clip: bytes) -> None:
    media = _upload(server, short_clip)
    with pytest.raises(ClientError) as excinfo:
        start_job(transcribe, _name("job"), media, Settings={"VocabularyName": _name("absent")})
    assert _error(excinfo)[:2] == (
        "BadRequestException",
        "The requested vocabulary couldn't be found. Check the vocabulary name and try your request again.",
    )
    failed = _name("failed")
    _create(transcribe, failed, _upload(server, BAD_FILES["empty"][0]))
    _settled(transcribe, failed)
    with pytest.raises(ClientError) as excinfo:
        start_job(transcribe, _name("job"), media, Settings={"VocabularyName": failed})
    code, message, _ = _error(excinfo)
    assert code == "BadRequestException" and "isn't ready to use: its state is FAILED" in message


def test_at_most_100_vocabularies_per_account(transcribe: Any, server: Server) -> None:
    existing = transcribe.list_medical_vocabularies(MaxResults=100)
    assert "NextToken" not in existing
    room = 100 - len(existing["Vocabularies"])
    uri = _upload(server, GOOD)
    made = [f"quota-{i:03d}" for i in range(room)]
    try:
        for i, name in enumerate(made):
            _create(transcribe, name, uri)
            if i % 9 == 8:  # stay under the pending limit, which has a test of its own
                _settled(transcribe, name)
        _settled(transcribe, made[-1])
        with pytest.raises(ClientError) as excinfo:
            _create(transcribe, "quota-over", uri)
        code, message, status = _error(excinfo)
        assert (code, status) == ("LimitExceededException", 429) and "limit of 100 medical custom" in message
        transcribe.delete_medical_vocabulary(VocabularyName=made.pop(0))
        _create(transcribe, "quota-over", uri)
        made.append("quota-over")
    finally:
        for name in made:
            transcribe.delete_medical_vocabulary(VocabularyName=name)


# -- the pending limit and the stores, in process ---------------------------------------------------


class _GatedBuckets:
    """Local blobs whose reads wait for a gate: keeps vocabularies PENDING as long as a test needs."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.objects: dict[tuple[str, str], bytes] = {}

    def __call__(self, account_id: str) -> _GatedBuckets:
        return self

    def get(self, bucket: str, key: str) -> bytes:
        self.gate.wait(30)
        try:
            return self.objects[(bucket, key)]
        except KeyError as exc:
            raise BlobNotFound(key) from exc

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "") -> None:
        self.objects[(bucket, key)] = data

    def delete(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)

    def url(self, bucket: str, key: str) -> str:
        return f"http://127.0.0.1:1/{bucket}/{key}"


@pytest.fixture(params=BACKENDS)
def vocabulary_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with open_database(request.param, tmp_path) as db:
        if isinstance(db, SqliteDatabase):
            yield SqliteVocabularyStore(db)
        else:
            assert isinstance(db, PostgresDatabase)
            yield PostgresVocabularyStore(db)


def test_at_most_10_pending_and_no_update_while_pending(vocabulary_store: Any) -> None:
    buckets = _GatedBuckets()
    buckets.objects[("media", "v.txt")] = GOOD
    service = VocabularyService(vocabulary_store, buckets, VocabularyLimits())
    try:
        for i in range(10):
            service.create("111122223333", shapes.CreateMedicalVocabularyRequest(f"p{i}", "en-US", "s3://media/v.txt"))
        with pytest.raises(LimitExceededException, match="10 medical custom vocabularies in the PENDING state"):
            service.create("111122223333", shapes.CreateMedicalVocabularyRequest("p10", "en-US", "s3://media/v.txt"))
        # Another account has its own limits.
        service.create("444455556666", shapes.CreateMedicalVocabularyRequest("p0", "en-US", "s3://media/v.txt"))
        with pytest.raises(ConflictException, match="PENDING"):
            service.update("111122223333", shapes.UpdateMedicalVocabularyRequest("p0", "en-US", "s3://media/v.txt"))
        buckets.gate.set()
        deadline = time.monotonic() + 20
        while vocabulary_store.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not vocabulary_store.pending()
        assert service.get("111122223333", "p3").VocabularyState == "READY"
        service.create("111122223333", shapes.CreateMedicalVocabularyRequest("p10", "en-US", "s3://media/v.txt"))
    finally:
        buckets.gate.set()
        service.stop()


def test_store_rules(vocabulary_store: Any) -> None:
    store = vocabulary_store

    def record(name: str, account: str = "111122223333") -> VocabularyRecord:
        return VocabularyRecord(account, name, "en-US", "s3://b/k", last_modified_time=100.0)

    store.create(record("a_b"), 3, 2)
    with pytest.raises(VocabularyExists):
        store.create(record("a_b"), 3, 2)
    store.create(record("axb"), 3, 2)
    with pytest.raises(TooManyVocabularies) as raised:
        store.create(record("c"), 3, 2)
    assert raised.value.pending
    # "_" is a name character, not a wildcard.
    assert [v.name for v in store.list("111122223333", None, "a_", None, 10).vocabularies] == ["a_b"]
    with pytest.raises(VocabularyBusy):
        store.replace_file("111122223333", "a_b", "s3://b/new", 200.0, 10)
    settled = record("a_b")
    settled.state, settled.content, settled.last_modified_time = "READY", GOOD, 150.0
    assert store.settle(settled, 100.0)
    assert not store.settle(settled, 100.0)  # already settled: a late worker changes nothing
    assert store.get("111122223333", "a_b").content == GOOD
    replaced = store.replace_file("111122223333", "a_b", "s3://b/new", 200.0, 10)
    assert replaced.state == "PENDING" and replaced.file_uri == "s3://b/new"
    assert store.replace_file("111122223333", "zzz", "s3://b/new", 200.0, 10) is None
    assert store.get("444455556666", "a_b") is None
    assert [v.name for v in store.pending()] == ["axb", "a_b"]
    store.create(record("c", "444455556666"), 3, 2)
    assert store.delete("111122223333", "axb").name == "axb"
    assert store.delete("111122223333", "axb") is None
    page = store.list("111122223333", None, None, None, 1)
    assert [v.name for v in page.vocabularies] == ["a_b"] and page.last is None
