"""The vocabulary file format: the guide's examples parse; every broken rule fails with its reason."""

from __future__ import annotations

import pytest

from vocab.charsets import IPA_CODE_POINTS, IPA_PHONEMES, PHRASE_CHARACTERS
from vocab.table import VocabularyEntry, VocabularyError, parse_vocabulary, spoken_form

HEADER = "Phrase\tIPA\tSoundsLike\tDisplayAs\n"
AVNRT = "atrioventricular-nodal-reentrant-tachycardia"
AVNRT_SOUNDS = "ay-tree-o-ven-trick-u-lar-node-al-re-entr-ant-tack-ih-card-ia"

# The guide's three examples, [TAB] replaced by tabs, IPA as its rendered tables show it.
GUIDE_EXAMPLE_1 = (
    "Phrase\tIPA\tSoundsLike\tDisplayAs\n"
    "acute-respiratory-distress-syndrome\t\t\tacute respiratory distress syndrome\n"
    "A.L.L.\teɪ ɛ l ɛ l\t\tALL\n"
    f"{AVNRT}\t\t{AVNRT_SOUNDS}\t\n"
)
GUIDE_EXAMPLE_2 = (
    "Phrase\tSoundsLike\tIPA\tDisplayAs\n"
    "acute-respiratory-distress-syndrome\t\t\tacute respiratory distress syndrome\n"
    f"{AVNRT}\t{AVNRT_SOUNDS}\t\t\n"
    "A.L.L.\t\teɪ ɛ l ɛ l\tALL\n"
)
GUIDE_EXAMPLE_3 = (
    "DisplayAs\tSoundsLike\tIPA\tPhrase\n"
    "acute respiratory distress syndrome\t\t\tacute-respiratory-distress-syndrome\n"
    "ALL\t\teɪ ɛ l ɛ l\tA.L.L.\n"
    f"\t{AVNRT_SOUNDS}\t\t{AVNRT}\n"
)


def failure(text: str | bytes) -> str:
    with pytest.raises(VocabularyError) as caught:
        parse_vocabulary(text)
    return caught.value.reason


@pytest.mark.parametrize("text", [GUIDE_EXAMPLE_1, GUIDE_EXAMPLE_2, GUIDE_EXAMPLE_3])
def test_guide_examples_parse_to_the_same_entries_in_any_column_order(text: str) -> None:
    table = parse_vocabulary(text)
    by_phrase = {entry.phrase: entry for entry in table}
    assert set(by_phrase) == {"acute-respiratory-distress-syndrome", "A.L.L.", AVNRT}
    assert by_phrase["acute-respiratory-distress-syndrome"] == VocabularyEntry(
        "acute-respiratory-distress-syndrome", None, None, "acute respiratory distress syndrome"
    )
    assert by_phrase["A.L.L."] == VocabularyEntry("A.L.L.", "eɪ ɛ l ɛ l", None, "ALL")
    assert by_phrase[AVNRT] == VocabularyEntry(AVNRT, None, AVNRT_SOUNDS, None)
    assert len(table) == 3


def test_header_order_is_kept_and_bytes_are_accepted() -> None:
    table = parse_vocabulary(GUIDE_EXAMPLE_3.encode("utf-8"))
    assert table.columns == ("DisplayAs", "SoundsLike", "IPA", "Phrase")


def test_guide_ipa_for_acute_respiratory_distress_syndrome_parses() -> None:
    # The guide's own IPA for this phrase is garbled in the text; this is a faithful rendering
    # using only phonemes from its table.
    ipa = "ə k j u t ɹ ɛ s p ə ɹ ə t ɔ ɹ i d ɪ s t ɹ ɛ s s ɪ n d ɹ oʊ m"
    table = parse_vocabulary(HEADER + f"acute-respiratory-distress-syndrome\t{ipa}\t\t\n")
    assert table.entries[0].ipa == ipa


def test_spoken_and_written_forms() -> None:
    assert spoken_form("cerebral-autosomal-dominant") == "cerebral autosomal dominant"
    assert spoken_form("D.N.A.") == "DNA"
    assert spoken_form("S.T.E.M.I-s") == "STEMIs"
    assert spoken_form("d.n.a.") == "DNA"
    table = parse_vocabulary(GUIDE_EXAMPLE_1)
    written = {e.phrase: e.written for e in table}
    assert written["A.L.L."] == "ALL"
    assert written[AVNRT] == "atrioventricular nodal reentrant tachycardia"


@pytest.mark.parametrize("phrase", ["D.N.A.", "S.T.E.M.I.", "S.T.E.M.I-s", "s.t.e.m.i-s", "Crohn's-disease", "A"])
def test_acronyms_apostrophes_and_hyphenated_phrases_are_valid(phrase: str) -> None:
    assert parse_vocabulary(HEADER + f"{phrase}\t\t\t\n").entries[0].phrase == phrase


def test_lf_file_without_final_newline_and_blank_lines_parse() -> None:
    table = parse_vocabulary(HEADER + "metoprolol\t\t\t\n\nlisinopril\t\t\tLisinopril")
    assert [e.phrase for e in table] == ["metoprolol", "lisinopril"]
    assert table.entries[1].display_as == "Lisinopril"


def test_display_as_takes_any_utf8_and_spaces() -> None:
    table = parse_vocabulary(HEADER + "beta-blocker\t\t\tβ-blocker therapy\n")
    assert table.entries[0].display_as == "β-blocker therapy"


def test_utf8_byte_order_mark_is_ignored() -> None:
    assert len(parse_vocabulary(b"\xef\xbb\xbf" + (HEADER + "metoprolol\t\t\t\n").encode())) == 1


# --- failures, each with its exact reason -------------------------------------------------


def test_crlf_fails_naming_the_line() -> None:
    text = HEADER + "metoprolol\t\t\t\r\nlisinopril\t\t\t\n"
    assert failure(text) == "Line 2 ends with CRLF. Save the vocabulary file with LF line endings, not CRLF."
    assert failure(text.replace("\n", "\r\n")).startswith("Line 1 ends with CRLF.")


def test_header_separated_by_spaces_fails() -> None:
    assert failure("Phrase IPA SoundsLike DisplayAs\nmetoprolol\t\t\t\n") == (
        "The vocabulary file header is invalid: separate the column names Phrase, IPA, SoundsLike "
        "and DisplayAs with single tab characters, not spaces."
    )


def test_header_with_double_tab_fails() -> None:
    assert failure("Phrase\t\tIPA\tSoundsLike\tDisplayAs\n") == (
        "The vocabulary file header is invalid: it has an empty column name. Separate the column "
        "names with single tab characters."
    )


def test_unknown_column_fails_naming_it() -> None:
    assert failure("Phrase\tIPA\tSoundsLike\tDisplayAs\tNotes\nmetoprolol\t\t\t\t\n") == (
        "The vocabulary file header has an unknown column 'Notes'. The allowed columns are "
        "Phrase, IPA, SoundsLike and DisplayAs."
    )
    assert "unknown column 'phrase'" in failure("phrase\tIPA\tSoundsLike\tDisplayAs\n")


def test_missing_column_fails() -> None:
    assert failure("Phrase\tDisplayAs\nmetoprolol\t\n") == (
        "The vocabulary file header is missing the column(s) IPA, SoundsLike. All four columns are "
        "required, even when their values are empty."
    )


def test_duplicate_column_fails() -> None:
    assert failure("Phrase\tIPA\tIPA\tSoundsLike\tDisplayAs\n") == (
        "The vocabulary file header names the column 'IPA' more than once."
    )


def test_empty_file_and_header_only_fail() -> None:
    assert failure("").startswith("The vocabulary file is empty.")
    assert failure(HEADER) == "The vocabulary file has a header but no entries."


def test_wrong_number_of_values_fails() -> None:
    assert failure(HEADER + "metoprolol\t\t\t\t\n") == (
        "Line 2 has 5 values but the header names 4 columns. Separate the values with single tab characters."
    )
    assert failure(HEADER + "metoprolol\t\n").startswith("Line 2 has 2 values")


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [("café", "'é' (U+00E9)"), ("beta_blocker", "'_' (U+005F)"), ("vitamin-B12", "'1' (U+0031)")],
)
def test_phrase_character_outside_the_set_fails_naming_character_and_line(phrase: str, shown: str) -> None:
    assert failure(HEADER + "metoprolol\t\t\t\n" + f"{phrase}\t\t\t\n") == (
        f"Line 3: the Phrase '{phrase}' contains the character {shown}, which isn't in the allowed "
        "character set (a-z, A-Z, ', -, .)."
    )


def test_space_in_phrase_fails_with_hyphen_hint() -> None:
    assert failure(HEADER + "atrial fibrillation\t\t\t\n") == (
        "Line 2: the Phrase 'atrial fibrillation' contains the character 'space' (U+0020), which isn't "
        "in the allowed character set (a-z, A-Z, ', -, .). Separate the words of a phrase with hyphens."
    )


def test_sounds_like_character_outside_the_set_fails() -> None:
    assert failure(HEADER + "metoprolol\t\tme toe\t\n") == (
        "Line 2: the SoundsLike 'me toe' contains the character 'space' (U+0020), which isn't in the "
        "allowed character set (a-z, A-Z, ', -, .). Separate the parts with hyphens."
    )
    assert "'2' (U+0032)" in failure(HEADER + "metoprolol\t\tme-toe-2\t\n")


def test_sounds_like_empty_part_fails() -> None:
    assert failure(HEADER + "metoprolol\t\tme--toe\t\n") == (
        "Line 2: the SoundsLike 'me--toe' has an empty part. Separate parts with a single hyphen, "
        "with none at the start or end."
    )


@pytest.mark.parametrize("phrase", ["-Hawn", "atrial--fibrillation", "atrial-"])
def test_stray_hyphens_fail(phrase: str) -> None:
    assert failure(HEADER + f"{phrase}\t\t\t\n") == (
        f"Line 2: the Phrase '{phrase}' has an empty word. Separate words with a single hyphen, "
        "with none at the start or end."
    )


@pytest.mark.parametrize("phrase", ["Dr.", "DN.A.", "S.T.E.M.I.sa", "St.-Jude"])
def test_period_outside_an_acronym_fails(phrase: str) -> None:
    assert failure(HEADER + f"{phrase}\t\t\t\n") == (
        f"Line 2: the Phrase '{phrase}' uses a period outside an acronym. Write letters said one by "
        "one as single letters each followed by a period, such as D.N.A."
    )


def test_word_without_letters_fails() -> None:
    assert failure(HEADER + "'\t\t\t\n") == "Line 2: the Phrase ''' has a word without letters."


def test_empty_phrase_fails() -> None:
    assert failure(HEADER + "\t\t\tALL\n") == "Line 2: the Phrase value is empty. Every entry needs a Phrase."


@pytest.mark.parametrize("column", ["Phrase", "SoundsLike", "DisplayAs"])
def test_value_of_256_characters_fails(column: str) -> None:
    long_value = "a" * 256
    row = {"Phrase": "metoprolol", "IPA": "", "SoundsLike": "", "DisplayAs": ""}
    row[column] = long_value
    line = "\t".join(row[c] for c in ("Phrase", "IPA", "SoundsLike", "DisplayAs"))
    assert failure(HEADER + line + "\n") == (
        f"Line 2: the {column} value is 256 characters long. Values must have fewer than 256 characters."
    )


def test_value_of_255_characters_is_fine() -> None:
    value = "-".join(["ab"] * 85) + "a"
    assert len(value) == 255
    assert parse_vocabulary(HEADER + f"{value}\t\t\t{value}\n").entries[0].phrase == value


@pytest.mark.parametrize(("line", "column"), [
    ("metoprolol \t\t\t", "Phrase"),
    ("metoprolol\t\t\tMetoprolol ", "DisplayAs"),
    ("A.L.L.\teɪ ɛ l ɛ l \t\t", "IPA"),
    ("metoprolol\t\tme-toe \t", "SoundsLike"),
])
def test_trailing_spaces_fail(line: str, column: str) -> None:
    assert failure(HEADER + line + "\n") == f"Line 2: the {column} value has trailing white space. Remove it."


def test_leading_spaces_fail() -> None:
    assert failure(HEADER + "A.L.L.\t eɪ ɛ l ɛ l\t\t\n") == (
        "Line 2: the IPA value has leading white space. Remove it."
    )


def test_ipa_with_two_spaces_between_phonemes_fails() -> None:
    assert failure(HEADER + "A.L.L.\teɪ  ɛ l ɛ l\t\t\n") == (
        "Line 2: the IPA value separates phonemes with more than one space. Use exactly one."
    )


def test_ipa_phonemes_run_together_fail() -> None:
    assert failure(HEADER + "A.L.L.\teɪɛ l ɛ l\t\t\n") == (
        "Line 2: the IPA value contains 'eɪɛ', which isn't one of the allowed phonemes. "
        "Separate each phoneme with a single space."
    )


@pytest.mark.parametrize(
    ("ipa", "shown"), [("r ɛ d", "'r' (U+0072)"), ("ɚ", "'ɚ' (U+025A)"), ("ˈk æ t", "'ˈ' (U+02C8)")]
)
def test_ipa_character_outside_the_set_fails(ipa: str, shown: str) -> None:
    assert failure(HEADER + f"red\t{ipa}\t\t\n") == (
        f"Line 2: the IPA value contains the character {shown}, which isn't in the allowed IPA character set."
    )


def test_lone_code_point_of_a_diphthong_is_not_a_phoneme() -> None:
    # 0065 is listed only inside eɪ (0065 026A), so a bare "e" is no phoneme.
    assert "contains 'e', which isn't one of the allowed phonemes" in failure(HEADER + "A\te\t\t\n")


def test_ipa_and_sounds_like_together_fail() -> None:
    assert failure(HEADER + "A.L.L.\teɪ ɛ l ɛ l\tay-el-el\t\n") == (
        "Line 2: the entry has both IPA and SoundsLike values. Give at most one of them."
    )


def test_file_over_50_kb_fails() -> None:
    names = (f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}" for i in range(6000))
    rows = "".join(f"term-{name}\t\t\t\n" for name in names)
    text = HEADER + rows
    assert len(text.encode()) > 51200
    assert failure(text) == (
        f"The vocabulary file is {len(text.encode())} bytes. A custom vocabulary can't exceed 50 KB (51200 bytes)."
    )


def test_file_just_under_50_kb_is_fine() -> None:
    row = "metoprolol\t\t\t\n"
    count = (51200 - len(HEADER)) // len(row)
    assert len(parse_vocabulary(HEADER + row * count)) == count


def test_invalid_utf8_fails() -> None:
    assert failure(HEADER.encode() + b"caf\xe9\t\t\t\n") == (
        "The vocabulary file isn't valid UTF-8 (byte 35). Save it as UTF-8 text."
    )


def test_charsets_match_the_guide() -> None:
    assert set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-.") == PHRASE_CHARACTERS
    assert len(IPA_PHONEMES) == 44
    assert {"aʊ", "aɪ", "eɪ", "oʊ", "ɔɪ", "l\u0329", "n\u0329", "ʤ", "ʧ", "θ", "ɡ", "g"} <= IPA_PHONEMES
    assert "\u0329" in IPA_CODE_POINTS and "r" not in IPA_CODE_POINTS
