"""The characters a US English medical vocabulary file may use, as the guide's character set lists them."""

from __future__ import annotations

import string

# Phrase and SoundsLike: a-z, A-Z, apostrophe, hyphen, period. Nothing else, not even a space.
PHRASE_CHARACTERS: frozenset[str] = frozenset(string.ascii_letters + "'-.")


def _phoneme(*code_points: int) -> str:
    return "".join(chr(cp) for cp in code_points)


# IPA phonemes, each written as the code point sequence the guide's table gives for it.
# Several are two code points (diphthongs, syllabic consonants); a lone 0061, 0065 or 006F
# is not in the table, so "a", "e" and "o" are only valid as parts of aʊ, aɪ, eɪ and oʊ.
IPA_PHONEMES: frozenset[str] = frozenset(
    {
        _phoneme(0x0061, 0x028A),  # aʊ
        _phoneme(0x0061, 0x026A),  # aɪ
        _phoneme(0x0062),  # b
        _phoneme(0x0064),  # d
        _phoneme(0x0065, 0x026A),  # eɪ
        _phoneme(0x0066),  # f
        _phoneme(0x0067),  # g
        _phoneme(0x0068),  # h
        _phoneme(0x0069),  # i
        _phoneme(0x006A),  # j
        _phoneme(0x006B),  # k
        _phoneme(0x006C),  # l
        _phoneme(0x006C, 0x0329),  # l̩
        _phoneme(0x006D),  # m
        _phoneme(0x006E),  # n
        _phoneme(0x006E, 0x0329),  # n̩
        _phoneme(0x006F, 0x028A),  # oʊ
        _phoneme(0x0070),  # p
        _phoneme(0x0073),  # s
        _phoneme(0x0074),  # t
        _phoneme(0x0075),  # u
        _phoneme(0x0076),  # v
        _phoneme(0x0077),  # w
        _phoneme(0x007A),  # z
        _phoneme(0x00E6),  # æ
        _phoneme(0x00F0),  # ð
        _phoneme(0x014B),  # ŋ
        _phoneme(0x0251),  # ɑ
        _phoneme(0x0254),  # ɔ
        _phoneme(0x0254, 0x026A),  # ɔɪ
        _phoneme(0x0259),  # ə
        _phoneme(0x025B),  # ɛ
        _phoneme(0x025D),  # ɝ
        _phoneme(0x0261),  # ɡ
        _phoneme(0x026A),  # ɪ
        _phoneme(0x0279),  # ɹ
        _phoneme(0x0283),  # ʃ
        _phoneme(0x028A),  # ʊ
        _phoneme(0x028C),  # ʌ
        _phoneme(0x028D),  # ʍ
        _phoneme(0x0292),  # ʒ
        _phoneme(0x02A4),  # ʤ
        _phoneme(0x02A7),  # ʧ
        _phoneme(0x03B8),  # θ
    }
)

IPA_CODE_POINTS: frozenset[str] = frozenset(ch for phoneme in IPA_PHONEMES for ch in phoneme)


def first_disallowed_character(value: str) -> str | None:
    """The first character of a Phrase or SoundsLike value outside the allowed set, if any."""
    return next((ch for ch in value if ch not in PHRASE_CHARACTERS), None)


def first_unknown_phoneme(ipa: str) -> str | None:
    """The first space-separated token of an IPA value that is not one of the listed phonemes."""
    return next((token for token in ipa.split(" ") if token not in IPA_PHONEMES), None)


def describe_character(ch: str) -> str:
    """A character as a failure reason names it: itself and its code point, so invisible ones show."""
    shown = {" ": "space", "\t": "tab"}.get(ch, ch)
    return f"'{shown}' (U+{ord(ch):04X})"
