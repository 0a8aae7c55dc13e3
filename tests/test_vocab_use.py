"""What jobs and streams call to use a vocabulary: the READY entries by name, hotwords, the correction stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from medical.items import Item
from service.store.records import VocabularyRecord
from service.store.sqlite import SqliteDatabase
from service.store.sqlite_vocab import SqliteVocabularyStore
from service.vocab_use import (
    VocabularyUnavailable,
    hotwords_for_job,
    hotwords_for_stream,
    ready_entries,
    vocab_stage,
)
from vocab.bias import estimate_tokens, hotwords_prompt
from vocab.table import parse_vocabulary

ACCOUNT = "111122223333"
FILE = b"Phrase\tIPA\tSoundsLike\tDisplayAs\nkcentra\t\tkay-sen-tra\tKCENTRA\nS.T.E.M.I-s\t\t\t\n"


@pytest.fixture
def store(tmp_path: Path) -> SqliteVocabularyStore:
    store = SqliteVocabularyStore(SqliteDatabase(tmp_path / "db.sqlite3"))
    store.create(VocabularyRecord(ACCOUNT, "ready", "en-US", "s3://b/k", last_modified_time=1.0), 100, 10)
    settled = VocabularyRecord(ACCOUNT, "ready", "en-US", "s3://b/k", "READY", 2.0, content=FILE)
    assert store.settle(settled, 1.0)
    store.create(VocabularyRecord(ACCOUNT, "waiting", "en-US", "s3://b/k", last_modified_time=1.0), 100, 10)
    return store


def test_ready_entries_by_account_and_name(store: SqliteVocabularyStore) -> None:
    entries = ready_entries(store, ACCOUNT, "ready")
    assert [(e.spoken, e.written) for e in entries] == [("kcentra", "KCENTRA"), ("STEMIs", "STEMIs")]
    with pytest.raises(VocabularyUnavailable, match="couldn't be found"):
        ready_entries(store, "444455556666", "ready")
    with pytest.raises(VocabularyUnavailable, match="its state is PENDING"):
        ready_entries(store, ACCOUNT, "waiting")


def test_the_stage_writes_display_forms_and_keeps_timings() -> None:
    entries = parse_vocabulary(FILE).entries
    stage = vocab_stage("CARDIOLOGY", entries)
    items = [Item("gave", start=0.0, end=0.3), Item("kcentra", start=0.3, end=0.9), Item(".", "punctuation")]
    out = stage(items)
    assert [i.content for i in out] == ["gave", "KCENTRA", "."]
    assert (out[1].start, out[1].end) == (0.3, 0.9)


def test_hotwords_put_the_vocabulary_first_and_streams_get_fewer() -> None:
    entries = parse_vocabulary(FILE).entries
    job = hotwords_for_job("UROLOGY", entries)
    stream = hotwords_for_stream("UROLOGY", entries)
    assert job[:2] == ("kcentra", "STEMIs") and stream[:2] == ("kcentra", "STEMIs")
    assert len(stream) < len(job)
    assert estimate_tokens(" " + hotwords_prompt(stream)) <= 100
    assert hotwords_for_stream(None) == ()
