"""The medical custom vocabulary file: a tab-separated table, parsed and checked as the guide describes.

A file is UTF-8 text with LF line ends. Its first line names the four columns Phrase, IPA,
SoundsLike and DisplayAs in any order, separated by single tabs; every later line gives one
entry with exactly as many tab-separated values. Any rule broken fails the whole vocabulary
with a `VocabularyError` whose reason becomes the vocabulary's FailureReason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from vocab.charsets import IPA_CODE_POINTS, describe_character, first_disallowed_character, first_unknown_phoneme

COLUMNS = ("Phrase", "IPA", "SoundsLike", "DisplayAs")
MAX_FILE_BYTES = 50 * 1024
MAX_VALUE_CHARS = 255  # "fewer than 256 characters"

_WORD = re.compile(r"[A-Za-z']*[A-Za-z][A-Za-z']*")
# Letters said one by one: "D.N.A." or, before a plural "-s", "S.T.E.M.I".
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")


class VocabularyError(ValueError):
    """The vocabulary file breaks a rule; `reason` is the FailureReason to report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class VocabularyEntry:
    """One row of the table. Absent optional values are None."""

    phrase: str
    ipa: str | None = None
    sounds_like: str | None = None
    display_as: str | None = None

    @property
    def spoken(self) -> str:
        """The phrase as a recognizer writes what it hears: words spaced, acronyms as capitals."""
        return spoken_form(self.phrase)

    @property
    def written(self) -> str:
        """How the phrase appears in a transcript: DisplayAs when given, else its spoken form."""
        return self.display_as if self.display_as is not None else self.spoken


@dataclass(frozen=True, slots=True)
class VocabularyTable:
    """A parsed, valid vocabulary file."""

    columns: tuple[str, ...]
    entries: tuple[VocabularyEntry, ...]

    def __iter__(self) -> Iterator[VocabularyEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def spoken_form(phrase: str) -> str:
    """ "cerebral-autosomal" -> "cerebral autosomal", "D.N.A." -> "DNA", "S.T.E.M.I-s" -> "STEMIs"."""
    words: list[str] = []
    previous_was_acronym = False
    for part in phrase.split("-"):
        if _ACRONYM.fullmatch(part):
            words.append(part.replace(".", "").upper())
            previous_was_acronym = True
        elif previous_was_acronym and part.lower() == "s":
            words[-1] += "s"
            previous_was_acronym = False
        else:
            words.append(part)
            previous_was_acronym = False
    return " ".join(w for w in words if w)


def parse_vocabulary(data: bytes | str) -> VocabularyTable:
    """Parse and check a vocabulary file; raise VocabularyError naming the first broken rule."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        raise VocabularyError(
            f"The vocabulary file is {len(raw)} bytes. A custom vocabulary can't exceed 50 KB "
            f"({MAX_FILE_BYTES} bytes)."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VocabularyError(
            f"The vocabulary file isn't valid UTF-8 (byte {exc.start}). Save it as UTF-8 text."
        ) from None
    text = text.removeprefix("\ufeff")  # Windows editors prepend a byte order mark.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines:
        raise VocabularyError("The vocabulary file is empty. Its first line must name the columns "
                              "Phrase, IPA, SoundsLike and DisplayAs, separated by tabs.")
    for number, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            raise VocabularyError(
                f"Line {number} ends with CRLF. Save the vocabulary file with LF line endings, not CRLF."
            )
    columns = _parse_header(lines[0])
    entries = [
        _parse_row(number, line, columns)
        for number, line in enumerate(lines[1:], start=2)
        if line != ""
    ]
    if not entries:
        raise VocabularyError("The vocabulary file has a header but no entries.")
    return VocabularyTable(columns=columns, entries=tuple(entries))


def _parse_header(line: str) -> tuple[str, ...]:
    names = line.split("\t")
    if "\t" not in line and " " in line.strip():
        raise VocabularyError(
            "The vocabulary file header is invalid: separate the column names Phrase, IPA, SoundsLike "
            "and DisplayAs with single tab characters, not spaces."
        )
    if any(name == "" for name in names):
        raise VocabularyError(
            "The vocabulary file header is invalid: it has an empty column name. Separate the column "
            "names with single tab characters."
        )
    for name in names:
        if name not in COLUMNS:
            raise VocabularyError(
                f"The vocabulary file header has an unknown column '{name}'. The allowed columns are "
                "Phrase, IPA, SoundsLike and DisplayAs."
            )
    for name in COLUMNS:
        if names.count(name) > 1:
            raise VocabularyError(f"The vocabulary file header names the column '{name}' more than once.")
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise VocabularyError(
            "The vocabulary file header is missing the column(s) "
            + ", ".join(missing)
            + ". All four columns are required, even when their values are empty."
        )
    return tuple(names)


def _parse_row(number: int, line: str, columns: tuple[str, ...]) -> VocabularyEntry:
    values = line.split("\t")
    if len(values) != len(columns):
        raise VocabularyError(
            f"Line {number} has {len(values)} values but the header names {len(columns)} columns. "
            "Separate the values with single tab characters."
        )
    row = dict(zip(columns, values, strict=True))
    for column in columns:
        _check_value_shape(number, column, row[column])
    phrase = row["Phrase"]
    if phrase == "":
        raise VocabularyError(f"Line {number}: the Phrase value is empty. Every entry needs a Phrase.")
    _check_phrase(number, phrase)
    ipa, sounds_like = row["IPA"], row["SoundsLike"]
    if ipa:
        _check_ipa(number, ipa)
    if sounds_like:
        _check_sounds_like(number, sounds_like)
    if ipa and sounds_like:
        raise VocabularyError(
            f"Line {number}: the entry has both IPA and SoundsLike values. Give at most one of them."
        )
    return VocabularyEntry(phrase, ipa or None, sounds_like or None, row["DisplayAs"] or None)


def _check_value_shape(number: int, column: str, value: str) -> None:
    if len(value) > MAX_VALUE_CHARS:
        raise VocabularyError(
            f"Line {number}: the {column} value is {len(value)} characters long. Values must have "
            "fewer than 256 characters."
        )
    if value != value.rstrip():
        raise VocabularyError(f"Line {number}: the {column} value has trailing white space. Remove it.")
    if value != value.lstrip():
        raise VocabularyError(f"Line {number}: the {column} value has leading white space. Remove it.")


def _check_phrase(number: int, phrase: str) -> None:
    bad = first_disallowed_character(phrase)
    if bad is not None:
        hint = " Separate the words of a phrase with hyphens." if bad.isspace() else ""
        raise VocabularyError(
            f"Line {number}: the Phrase '{phrase}' contains the character {describe_character(bad)}, "
            f"which isn't in the allowed character set (a-z, A-Z, ', -, .).{hint}"
        )
    parts = phrase.split("-")
    if any(part == "" for part in parts):
        raise VocabularyError(
            f"Line {number}: the Phrase '{phrase}' has an empty word. Separate words with a single "
            "hyphen, with none at the start or end."
        )
    for part in parts:
        if "." in part and not _ACRONYM.fullmatch(part):
            raise VocabularyError(
                f"Line {number}: the Phrase '{phrase}' uses a period outside an acronym. Write letters "
                "said one by one as single letters each followed by a period, such as D.N.A."
            )
        if "." not in part and not _WORD.fullmatch(part):
            raise VocabularyError(f"Line {number}: the Phrase '{phrase}' has a word without letters.")


def _check_ipa(number: int, ipa: str) -> None:
    bad = next((ch for ch in ipa if ch != " " and ch not in IPA_CODE_POINTS), None)
    if bad is not None:
        raise VocabularyError(
            f"Line {number}: the IPA value contains the character {describe_character(bad)}, which isn't "
            "in the allowed IPA character set."
        )
    if "  " in ipa:
        raise VocabularyError(
            f"Line {number}: the IPA value separates phonemes with more than one space. Use exactly one."
        )
    unknown = first_unknown_phoneme(ipa)
    if unknown is not None:
        raise VocabularyError(
            f"Line {number}: the IPA value contains '{unknown}', which isn't one of the allowed phonemes. "
            "Separate each phoneme with a single space."
        )


def _check_sounds_like(number: int, sounds_like: str) -> None:
    bad = first_disallowed_character(sounds_like)
    if bad is not None:
        hint = " Separate the parts with hyphens." if bad.isspace() else ""
        raise VocabularyError(
            f"Line {number}: the SoundsLike '{sounds_like}' contains the character "
            f"{describe_character(bad)}, which isn't in the allowed character set (a-z, A-Z, ', -, .).{hint}"
        )
    if any(part == "" for part in sounds_like.split("-")):
        raise VocabularyError(
            f"Line {number}: the SoundsLike '{sounds_like}' has an empty part. Separate parts with a "
            "single hyphen, with none at the start or end."
        )
