"""The correction step: realistic Whisper near-misses are fixed; words, numbers and doses are not."""

from __future__ import annotations

import pytest

from medical.items import Item, transcript_text
from vocab.correct import CorrectionTerm, TermCorrector
from vocab.lexicon import SPECIALTIES
from vocab.table import parse_vocabulary


def heard(text: str) -> list[Item]:
    """Items as the recognizer would give them: 0.4 s a word, punctuation split off."""
    items: list[Item] = []
    at = 0.0
    for word in text.split():
        mark = word[-1] if word[-1] in ",.?" else ""
        core = word[:-1] if mark else word
        items.append(Item(core, "pronunciation", round(at, 3), round(at + 0.3, 3), 0.9))
        at += 0.4
        if mark:
            items.append(Item(mark, "punctuation", confidence=0.0))
    return items


def corrected(specialty: str | None, text: str, vocabulary: str | None = None) -> str:
    entries = parse_vocabulary(vocabulary).entries if vocabulary else ()
    return transcript_text(TermCorrector.for_request(specialty, entries).correct(heard(text)))


@pytest.mark.parametrize(
    ("specialty", "said", "written"),
    [
        ("CARDIOLOGY", "Continue metoprolal 25 mg twice daily.", "Continue metoprolol 25 mg twice daily."),
        ("PRIMARYCARE", "Metoprolal 50 mg by mouth.", "Metoprolol 50 mg by mouth."),
        ("PRIMARYCARE", "Start a torva statin 40 milligrams nightly.", "Start atorvastatin 40 milligrams nightly."),
        ("PRIMARYCARE", "Add hydro chloro thiazide 12.5 mg.", "Add hydrochlorothiazide 12.5 mg."),
        ("UROLOGY", "Continue hydrochloro thiazide and tamsulocin.", "Continue hydrochlorothiazide and tamsulosin."),
        ("PRIMARYCARE", "Increase lisinoprel to 20 mg.", "Increase lisinopril to 20 mg."),
        ("CARDIOLOGY", "History of a trial fibrillation on apixiban.", "History of atrial fibrillation on apixaban."),
        ("CARDIOLOGY", "Paroxysmal atrial fibrilation, on carve a dilol.",
         "Paroxysmal atrial fibrillation, on carvedilol."),
        ("CARDIOLOGY", "Switch to Zarelto 20 mg.", "Switch to Xarelto 20 mg."),
        ("CARDIOLOGY", "Takes brilenta and lasix daily.", "Takes Brilinta and Lasix daily."),
        ("NEUROLOGY", "Start leveteracetam 500 mg.", "Start levetiracetam 500 mg."),
        ("ONCOLOGY", "Cycle with pembrolizumub today.", "Cycle with pembrolizumab today."),
        ("RADIOLOGY", "Small right pneumo thorax.", "Small right pneumothorax."),
        ("UROLOGY", "Cysto scopy showed trabeculation.", "Cystoscopy showed trabeculation."),
    ],
)
def test_realistic_misspellings_are_fixed(specialty: str, said: str, written: str) -> None:
    assert corrected(specialty, said) == written


@pytest.mark.parametrize(
    ("specialty", "said"),
    [
        ("CARDIOLOGY", "The station was busy and he walked to the train."),
        ("CARDIOLOGY", "Lay six 40 milligrams, five tablets, 12.5 mg twice daily."),
        ("RADIOLOGY", "The bones can be seen clearly on the film."),
        ("PRIMARYCARE", "He takes prednisolone drops and prednisone 20 mg."),
        ("PRIMARYCARE", "We made a plan to carve a pumpkin with all of the kids."),
        ("NEUROLOGY", "Mrs Wallis came with her daughter Stella."),
        ("CARDIOLOGY", "Blood pressure 142 over 88, heart rate 72, 98 percent on room air."),
        ("ONCOLOGY", "Patient is doing well, no new complaints, appetite is good."),
        ("UROLOGY", "Half a tablet of Flomax at bedtime, 0.4 mg."),
        ("PRIMARYCARE", "Metformin 1000 milligrams twice daily with meals."),
    ],
)
def test_ordinary_words_numbers_and_doses_are_left_alone(specialty: str, said: str) -> None:
    items = heard(said)
    assert TermCorrector.for_request(specialty).correct(items) == items


@pytest.mark.parametrize("specialty", SPECIALTIES)
def test_an_everyday_sentence_survives_every_specialty(specialty: str) -> None:
    items = heard("I saw her at the station yesterday, she said the plan was fine and the trial went well.")
    assert TermCorrector.for_request(specialty).correct(items) == items


def test_word_for_word_fix_keeps_each_items_timing() -> None:
    items = heard("on atrial fibrilation now")
    out = TermCorrector.for_request("CARDIOLOGY").correct(items)
    assert [i.content for i in out] == ["on", "atrial", "fibrillation", "now"]
    assert [(i.start, i.end, i.confidence) for i in out] == [(i.start, i.end, i.confidence) for i in items]


def test_joined_words_share_the_window_span() -> None:
    items = [
        Item("a", start=1.0, end=1.1, confidence=0.9),
        Item("torva", start=1.1, end=1.5, confidence=0.4),
        Item("statin", start=1.5, end=2.0, confidence=0.8),
    ]
    (item,) = TermCorrector.for_request("PRIMARYCARE").correct(items)
    assert (item.content, item.start, item.end, item.confidence) == ("atorvastatin", 1.0, 2.0, 0.4)


def test_split_into_more_words_spreads_timings_in_order() -> None:
    items = [Item("atrialfibrilation", start=2.0, end=3.0, confidence=0.7, speaker="spk_0")]
    out = TermCorrector.for_request("CARDIOLOGY").correct(items)
    assert [i.content for i in out] == ["atrial", "fibrillation"]
    assert out[0].start == 2.0 and out[-1].end == 3.0 and out[0].end == out[1].start
    assert all(i.speaker == "spk_0" for i in out)


def test_items_without_timings_are_corrected_too() -> None:
    items = [Item("a"), Item("torva"), Item("statin")]
    (item,) = TermCorrector.for_request("PRIMARYCARE").correct(items)
    assert item.content == "atorvastatin" and item.start is None


def test_words_are_not_joined_across_punctuation() -> None:
    assert corrected("PRIMARYCARE", "hydro, chloro thiazide") == "hydro, chloro thiazide"


def test_right_words_are_kept_as_they_are_cased() -> None:
    text = "Metoprolol tartrate. ATRIAL FIBRILLATION."
    assert corrected("CARDIOLOGY", text) == text


VOCABULARY = (
    "Phrase\tIPA\tSoundsLike\tDisplayAs\n"
    "acute-respiratory-distress-syndrome\t\t\tARDS\n"
    "A.L.L.\teɪ ɛ l ɛ l\t\tALL\n"
    "Kcentra\t\tkay-sen-tra\tKcentra\n"
    "Xofigo\tz oʊ f i ɡ oʊ\t\tXofigo\n"
    "metoprolol\t\t\tLopressor\n"
)


def test_display_as_is_applied_to_exact_phrases() -> None:
    assert corrected(None, "Diagnosed with acute respiratory distress syndrome today.", VOCABULARY) == (
        "Diagnosed with ARDS today."
    )


def test_acronym_entries_match_only_capitals() -> None:
    assert corrected(None, "all of the ALL markers and A L L again", VOCABULARY) == (
        "all of the ALL markers and ALL again"
    )


def test_sounds_like_and_ipa_guide_the_fix() -> None:
    assert corrected(None, "give kay sentra now and then zofeego", VOCABULARY) == "give Kcentra now and then Xofigo"


def test_vocabulary_overrides_the_lexicon() -> None:
    assert corrected("PRIMARYCARE", "metoprolal and metoprolol", VOCABULARY) == "Lopressor and Lopressor"


def test_ambiguous_near_misses_are_left_alone() -> None:
    terms = [
        CorrectionTerm("Zorvanol", ("zorvanol",), ("SRFNL",), ("zorvanol",)),
        CorrectionTerm("Zorvanil", ("zorvanil",), ("SRFNL",), ("zorvanil",)),
    ]
    items = heard("take zorvanel")
    assert TermCorrector(terms).correct(items) == items
    assert transcript_text(TermCorrector(terms[:1]).correct(items)) == "take Zorvanol"


def test_nothing_to_correct_with_no_terms() -> None:
    items = heard("metoprolal 25 mg")
    assert TermCorrector([]).correct(items) == items
    assert TermCorrector.for_request(None).correct([]) == []


@pytest.mark.parametrize(
    ("specialty", "said"),
    [
        ("ONCOLOGY", "Patient is afebrile today."),  # "febrile neutropenia" is in the lexicon
        ("PRIMARYCARE", "Patient was febrile overnight."),  # "afebrile" is in the lexicon
        ("CARDIOLOGY", "Small bilateral effusions noted."),
        ("CARDIOLOGY", "Bradycardic overnight, anginal symptoms resolved."),
        ("NEUROLOGY", "Bibasilar crackles on exam."),
        ("CARDIOLOGY", "Thick sputum production."),  # sounds like "septum"
        ("PRIMARYCARE", "Hypercalcemia workup pending."),  # sounds like "hyperglycemia"
        ("CARDIOLOGY", "Check platelets and coagulation studies."),  # not "anticoagulation"
        ("PRIMARYCARE", "Known hypotension and hypothyroidism."),
    ],
)
def test_real_words_that_look_like_terms_are_left_alone(specialty: str, said: str) -> None:
    items = heard(said)
    assert TermCorrector.for_request(specialty).correct(items) == items
