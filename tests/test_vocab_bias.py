"""Hotword lists: spoken forms, custom vocabulary first, always within the prompt budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vocab.bias import HOTWORD_TOKEN_BUDGET, display_map, estimate_tokens, hotwords_for, hotwords_prompt
from vocab.lexicon import SPECIALTIES
from vocab.table import VocabularyEntry, parse_vocabulary

ENTRIES = parse_vocabulary(
    "Phrase\tIPA\tSoundsLike\tDisplayAs\n"
    "acute-respiratory-distress-syndrome\t\t\tARDS\n"
    "S.T.E.M.I-s\t\t\t\n"
    "Kcentra\t\tkay-sen-tra\tKcentra\n"
    "A.L.L.\teɪ ɛ l ɛ l\t\tALL\n"
).entries

_WHISPER_TOKENIZER = Path(__file__).resolve().parents[1] / ".venv/share/clinscribe/models/whisper-base/tokenizer.json"


def test_entries_come_first_as_spoken_hinted_ones_leading() -> None:
    hotwords = hotwords_for(ENTRIES, None)
    assert hotwords == ("Kcentra", "ALL", "acute respiratory distress syndrome", "STEMIs")


def test_specialty_fills_the_room_after_the_vocabulary() -> None:
    hotwords = hotwords_for(ENTRIES, "CARDIOLOGY")
    assert hotwords[:4] == ("Kcentra", "ALL", "acute respiratory distress syndrome", "STEMIs")
    assert "carvedilol" in hotwords
    assert not any(word.lower() == "no acute distress" for word in hotwords)


@pytest.mark.parametrize("specialty", [*SPECIALTIES, None])
def test_hotwords_fit_the_budget(specialty: str | None) -> None:
    hotwords = hotwords_for(ENTRIES, specialty)
    assert estimate_tokens(" " + hotwords_prompt(hotwords)) <= HOTWORD_TOKEN_BUDGET
    assert len(set(hotwords)) == len(hotwords)


def test_a_huge_vocabulary_is_cut_to_the_budget() -> None:
    many = [VocabularyEntry(f"term-{chr(97 + i % 26)}{chr(97 + i // 26)}") for i in range(500)]
    hotwords = hotwords_for(many, "ONCOLOGY", budget_tokens=60)
    assert 0 < len(hotwords) < 500
    assert estimate_tokens(" " + hotwords_prompt(hotwords)) <= 60
    assert hotwords[0] == "term aa"


def test_custom_token_counter_is_used() -> None:
    hotwords = hotwords_for([], "NEUROLOGY", budget_tokens=10, count_tokens=lambda text: len(text.split(",")))
    assert len(hotwords) == 10


def test_no_specialty_and_no_vocabulary_gives_nothing() -> None:
    assert hotwords_for([], None) == ()
    assert hotwords_for([], "NOT-A-SPECIALTY") == ()


def test_display_map_only_holds_entries_with_display_as() -> None:
    assert display_map(ENTRIES) == {
        "acute respiratory distress syndrome": "ARDS",
        "kcentra": "Kcentra",
        "all": "ALL",
    }


@pytest.fixture(scope="module")
def whisper_tokenizer() -> Any:
    if not _WHISPER_TOKENIZER.exists():
        pytest.skip("Whisper tokenizer not installed")
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(_WHISPER_TOKENIZER))


@pytest.mark.parametrize("specialty", SPECIALTIES)
def test_estimate_stays_above_whispers_real_token_count(specialty: str, whisper_tokenizer: Any) -> None:
    tokenizer = whisper_tokenizer
    prompt = " " + hotwords_prompt(hotwords_for(ENTRIES, specialty))
    real = len(tokenizer.encode(prompt, add_special_tokens=False).ids)
    # faster-whisper keeps at most 223 tokens of hotwords.
    assert real <= estimate_tokens(prompt) <= HOTWORD_TOKEN_BUDGET < 223
