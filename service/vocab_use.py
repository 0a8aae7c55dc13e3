"""Using a vocabulary and a specialty in recognition: the READY vocabulary an account names, the
hotwords to bias decoding toward, and the correction stage that writes terms (and DisplayAs).

Batch jobs use these through service/runner.py; streams call the same three functions.
"""

from __future__ import annotations

from medical.batch import ItemStage
from service.store.base import VocabularyStore
from vocab.bias import hotwords_for
from vocab.correct import TermCorrector
from vocab.table import VocabularyEntry, VocabularyError, parse_vocabulary

VOCABULARY_MISSING = (
    "The requested vocabulary couldn't be found. Check the vocabulary name and try your request again."
)
# Streams decode a few seconds at a time with the previous text as prompt, sharing Whisper's
# 223-token prompt window with the hotwords: they get a shorter list than whole-file jobs.
STREAM_HOTWORD_TOKENS = 100


class VocabularyUnavailable(Exception):
    """The named vocabulary can't be used; the message is what the client is told."""


def ready_entries(store: VocabularyStore, account_id: str, name: str) -> tuple[VocabularyEntry, ...]:
    """The entries of the account's READY vocabulary `name`; VocabularyUnavailable otherwise."""
    record = store.get(account_id, name)
    if record is None:
        raise VocabularyUnavailable(VOCABULARY_MISSING)
    if record.state != "READY" or record.content is None:
        raise VocabularyUnavailable(
            f"The requested vocabulary {name} isn't ready to use: its state is {record.state}. "
            "Use a vocabulary in the READY state and try your request again."
        )
    try:
        return parse_vocabulary(record.content).entries
    except VocabularyError as exc:  # validated at creation; only a rule tightened since can land here
        raise VocabularyUnavailable(f"The requested vocabulary {name} is no longer valid: {exc.reason}") from exc


def vocab_stage(specialty: str | None, entries: tuple[VocabularyEntry, ...] = ()) -> ItemStage:
    """The correction stage for one job or stream: near-miss terms fixed, DisplayAs applied.

    Run it before normalization; build it once per job or stream (it indexes the lexicon).
    """
    return TermCorrector.for_request(specialty, entries).correct


def hotwords_for_job(specialty: str | None, entries: tuple[VocabularyEntry, ...] = ()) -> tuple[str, ...]:
    return hotwords_for(entries, specialty)


def hotwords_for_stream(specialty: str | None, entries: tuple[VocabularyEntry, ...] = ()) -> tuple[str, ...]:
    """Hotwords for DecodeOptions.hotwords of a stream decoder."""
    return hotwords_for(entries, specialty, budget_tokens=STREAM_HOTWORD_TOKENS)
