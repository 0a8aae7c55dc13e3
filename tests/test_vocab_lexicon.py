"""Specialty lexicons: all six load with provenance, are big enough, and yield bias subsets."""

from __future__ import annotations

import pytest

from vocab.lexicon import (
    CATEGORIES,
    SPECIALTIES,
    LexiconError,
    LexiconTerm,
    bias_terms,
    load_lexicon,
    parse_lexicon,
)


@pytest.mark.parametrize("specialty", SPECIALTIES)
def test_each_specialty_loads_with_provenance_and_enough_terms(specialty: str) -> None:
    lexicon = load_lexicon(specialty)
    assert lexicon.specialty == specialty
    assert len(lexicon) >= 150
    assert "written for clinscribe" in lexicon.provenance
    assert "not copied" in lexicon.provenance
    assert lexicon.license.startswith("CC0-1.0")
    texts = [t.text.lower() for t in lexicon]
    assert len(texts) == len(set(texts)), "duplicate terms"
    counts = {c: sum(t.category == c for t in lexicon) for c in CATEGORIES}
    assert counts["drug"] >= 20 and counts["condition"] >= 20 and counts["procedure"] >= 20
    assert counts["anatomy"] >= 20 and counts["phrase"] >= 15


@pytest.mark.parametrize("specialty", SPECIALTIES)
def test_terms_are_clean_text(specialty: str) -> None:
    for term in load_lexicon(specialty):
        assert term.text == term.text.strip() and "  " not in term.text
        assert not any(ch.isdigit() for ch in term.text), term.text  # numbers are never lexicon words
        if term.sounds_like:
            assert all(part.isalpha() for part in term.sounds_like.split("-"))


def test_expected_terms_are_where_clinicians_would_look() -> None:
    assert "atrial fibrillation" in {t.text for t in load_lexicon("CARDIOLOGY")}
    assert "levetiracetam" in {t.text for t in load_lexicon("NEUROLOGY")}
    assert "pembrolizumab" in {t.text for t in load_lexicon("ONCOLOGY")}
    assert "pneumothorax" in {t.text for t in load_lexicon("RADIOLOGY")}
    assert "tamsulosin" in {t.text for t in load_lexicon("UROLOGY")}
    assert "hydrochlorothiazide" in {t.text for t in load_lexicon("PRIMARYCARE")}


def test_unknown_specialty_fails() -> None:
    with pytest.raises(LexiconError, match="No lexicon for specialty 'DERMATOLOGY'"):
        load_lexicon("DERMATOLOGY")
    with pytest.raises(LexiconError):
        load_lexicon("cardiology")


@pytest.mark.parametrize("limit", [0, 1, 7, 40])
def test_bias_terms_are_bounded_and_skip_everyday_words(limit: int) -> None:
    chosen = bias_terms(load_lexicon("CARDIOLOGY"), limit)
    assert len(chosen) == limit
    assert not any(t.is_everyday for t in chosen)


def test_bias_terms_favour_drugs_but_cover_categories() -> None:
    chosen = bias_terms(load_lexicon("UROLOGY"), 16)
    categories = [t.category for t in chosen]
    assert categories[:3] == ["drug", "drug", "drug"]
    assert {"drug", "condition", "procedure", "anatomy", "phrase"} <= set(categories)
    assert categories.count("drug") > categories.count("anatomy")


def test_everyday_terms_are_recognised() -> None:
    assert LexiconTerm("no acute distress", "phrase").is_everyday
    assert not LexiconTerm("metoprolol tartrate", "drug").is_everyday


GOOD = (
    "# Provenance: written here\n# License: CC0-1.0\n"
    "term\tcategory\tsounds_like\nmetoprolol\tdrug\tme-toe-pro-lol\natrial fibrillation\tcondition\n"
)


def test_parse_lexicon_reads_terms_and_hints() -> None:
    lexicon = parse_lexicon("TEST", GOOD)
    assert lexicon.terms == (
        LexiconTerm("metoprolol", "drug", "me-toe-pro-lol"),
        LexiconTerm("atrial fibrillation", "condition", None),
    )
    assert lexicon.provenance == "written here"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("# License: CC0-1.0\n", ""), "no '# Provenance:' and '# License:' header"),
        (GOOD.replace("\tcondition", "\tdisease"), "unknown category 'disease'"),
        (GOOD.replace("term\tcategory\tsounds_like\n", ""), "expected the column line"),
        (GOOD + "lonely\n", "expected term<TAB>category"),
        ("# Provenance: x\n# License: y\nterm\tcategory\n", "has no terms"),
    ],
)
def test_malformed_lexicon_fails(text: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_lexicon("TEST", text)
