"""A sound key for words: spellings that sound alike get the same key.

A compact Metaphone-style coding, hand-written so the rules fit drug and anatomy names
(Greek "ch" before a consonant is K, "ph" is F) and so the same coding can be produced from
an IPA transcription. Vowels after the first letter are dropped: recognizers mostly get
consonants right and vowels wrong ("metoprolal" for "metoprolol").
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")
_FRONT = frozenset("eiy")
_SILENT_STARTS = ("kn", "gn", "pn", "ps", "wr", "pt", "mn")


def sound_key(text: str) -> str:
    """The key of a word or phrase; letters only count, so "a torva statin" keys like "atorvastatin"."""
    word = _dedupe("".join(ch for ch in text.lower() if "a" <= ch <= "z"))
    if not word:
        return ""
    if word.startswith(_SILENT_STARTS):
        word = word[1:]
    elif word.startswith("x"):
        word = "s" + word[1:]
    elif word.startswith("wh"):
        word = "w" + word[2:]
    out: list[str] = []
    i = 0
    while i < len(word):
        code, used = _code_at(word, i)
        if code and not (out and out[-1] == code):
            out.append(code)
        i += used
    return "".join(out)


def _dedupe(word: str) -> str:
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1] or ch == "c")


def _code_at(word: str, i: int) -> tuple[str, int]:
    ch = word[i]
    nxt = word[i + 1] if i + 1 < len(word) else ""
    after = word[i + 2] if i + 2 < len(word) else ""
    prev = word[i - 1] if i > 0 else ""
    if ch in _VOWELS:
        return ("A" if i == 0 else ""), 1
    if ch == "y":
        return ("Y" if nxt in _VOWELS else ("A" if i == 0 else "")), 1
    if ch == "w":
        return ("W" if nxt in _VOWELS else ""), 1
    if ch == "h":
        return ("H" if nxt and nxt in "aeiouy" and not (prev and prev in "cgpst") else ""), 1
    if ch == "c":
        if nxt == "h":
            # Greek "chl", "chr", "sch" and "ch" before a consonant sound as K: chlorthalidone, schwannoma.
            greek = prev == "s" or (after and after not in _VOWELS) or not after
            return ("K" if greek else "X"), 2
        if nxt == "i" and after == "a":
            return "X", 2
        if nxt in _FRONT:
            return "S", 1
        if nxt == "k":
            return "K", 2
        return "K", 1
    if ch == "d":
        if nxt == "g" and after in _FRONT:
            return "J", 2
        return "T", 1
    if ch == "g":
        if nxt == "h":
            return ("K" if after in _VOWELS and i == 0 else ""), 2
        if nxt == "n":
            return "N", 2
        if nxt in _FRONT:
            return "J", 1
        return "K", 1
    if ch == "p":
        return ("F", 2) if nxt == "h" else ("P", 1)
    if ch == "s":
        if nxt == "h" or (nxt == "i" and after in "ao"):
            return "X", 2
        return "S", 1
    if ch == "t":
        if nxt == "h":
            return "0", 2
        if nxt == "i" and after in "ao":
            return "X", 2
        if nxt == "c" and after == "h":
            return "", 1
        return "T", 1
    simple = {"b": "B", "f": "F", "j": "J", "k": "K", "l": "L", "m": "M", "n": "N",
              "q": "K", "r": "R", "v": "F", "x": "KS", "z": "S"}
    return simple.get(ch, ""), 1


# IPA phonemes (as listed in vocab.charsets) to the same codes; vowels code only word-initially.
_IPA_CODES = {
    "b": "B", "d": "T", "f": "F", "g": "K", "ɡ": "K", "h": "H", "j": "Y", "k": "K", "l": "L", "l̩": "L",
    "m": "M", "n": "N", "n̩": "N", "ŋ": "NK", "p": "P", "s": "S", "t": "T", "v": "F", "w": "W", "ʍ": "W",
    "z": "S", "ð": "0", "θ": "0", "ɹ": "R", "ʃ": "X", "ʒ": "X", "ʧ": "X", "ʤ": "J", "ɝ": "R",
}


def ipa_sound_key(ipa: str) -> str:
    """The key of a space-separated IPA transcription, comparable with `sound_key` of a spelling."""
    phonemes = ipa.split()
    out: list[str] = []
    for i, phoneme in enumerate(phonemes):
        nxt = phonemes[i + 1] if i + 1 < len(phonemes) else ""
        code = _IPA_CODES.get(phoneme)
        if code is None:
            code = "A" if i == 0 else ""
        elif code in ("W", "Y", "H") and (_before_consonant(nxt) or (code == "Y" and i > 0)):
            # As in spelling, these only sound before a vowel; a /j/ inside a word is mostly
            # spelled with the vowel ("acute"), so it codes only word-initially.
            code = ""
        if code and not (out and out[-1] == code):
            out.append(code)
    return "".join(out)


def _before_consonant(next_phoneme: str) -> bool:
    # /j/ and /w/ glide into a vowel ("hue", "wh"), so an /h/ before them still sounds.
    return not next_phoneme or (next_phoneme in _IPA_CODES and next_phoneme not in ("j", "w"))
