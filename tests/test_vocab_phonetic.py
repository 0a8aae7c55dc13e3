"""Sound keys: misheard spellings of the same sounds share a key; different words do not."""

from __future__ import annotations

import pytest

from vocab.phonetic import ipa_sound_key, sound_key


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("metoprolal", "metoprolol"),
        ("a torva statin", "atorvastatin"),
        ("hydro chloro thiazide", "hydrochlorothiazide"),
        ("lysinopril", "lisinopril"),
        ("Zarelto", "Xarelto"),
        ("fenytoin", "phenytoin"),
        ("ay-tree-o-ven-trick-u-lar", "atrioventricular"),
        ("tamsulocin", "tamsulosin"),
        ("klorthalidone", "chlorthalidone"),
    ],
)
def test_sound_alikes_share_a_key(heard: str, meant: str) -> None:
    assert sound_key(heard) == sound_key(meant)


@pytest.mark.parametrize(
    ("a", "b"),
    [("prednisone", "prednisolone"), ("hydralazine", "hydroxyzine"), ("Celebrex", "Cerebyx"), ("statin", "station")],
)
def test_different_words_differ(a: str, b: str) -> None:
    assert sound_key(a) != sound_key(b)


def test_key_shapes() -> None:
    assert sound_key("") == ""
    assert sound_key("123") == ""
    assert sound_key("knee") == "N"
    assert sound_key("pheochromocytoma").startswith("FKR")
    assert sound_key("schwannoma").startswith("SK")


def test_ipa_keys_match_spelling_keys() -> None:
    assert ipa_sound_key("eɪ ɛ l ɛ l") == sound_key("ALL")
    assert ipa_sound_key("ə k j u t") == sound_key("acute")
    assert ipa_sound_key("h j u m ɝ ə s") == sound_key("humerus")
    assert ipa_sound_key("m ɛ t f ɔ ɹ m ɪ n") == sound_key("metformin")
