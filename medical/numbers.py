"""Spoken numbers: parse number words (and digits the recognizer already wrote) at a position.

The parser reads lower-cased words and returns what a run of them means: a cardinal ("one thousand
and thirty one"), an ordinal ("forty third"), a fraction ("three sixteenths"), a decimal ("three point
twenty three"), or a string of digits said one or two at a time ("four two five...", "nineteen sixty
two", "one twenty"). Which of these is written as digits is decided by the rules in
`medical.normalize`; this module only says what was said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
# Scales written as words when nothing follows them: "one billion" -> "1 billion".
WORD_SCALES = frozenset({"million", "billion", "trillion"})
ORDINAL_ONES = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}
ORDINAL_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}
ORDINAL_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
ORDINAL_SCALES = {"hundredth": 100, "thousandth": 1000, "millionth": 1_000_000}
# Fraction denominators; "first" and "second" never are ("one second" is a time).
DENOMINATORS = {
    "half": 2, "halves": 2, "quarter": 4, "quarters": 4,
    **{w: v for w, v in {**ORDINAL_ONES, **ORDINAL_TEENS, **ORDINAL_TENS, **ORDINAL_SCALES}.items()
       if v > 2},
    **{w + "s": v for w, v in {**ORDINAL_ONES, **ORDINAL_TEENS, **ORDINAL_TENS, **ORDINAL_SCALES}.items()
       if v > 2},
}
# Fractions safe after "a" anywhere ("a quarter"); "a third"/"a fifth" only before "of" or at the end,
# since "a third time" and "a fifth dose" are ordinals.
ALWAYS_FRACTION_AFTER_A = frozenset({"half", "quarter", "hundredth", "thousandth"})
ZERO_WORDS = frozenset({"oh", "o"})  # zero only inside a run of digits ("nine four one one oh")

_DIGITS = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")
_DIGITS_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")

Kind = Literal["cardinal", "ordinal", "fraction", "decimal", "digits", "written"]


@dataclass(frozen=True, slots=True)
class Number:
    """What a run of words `[start, end)` said as a number."""

    kind: Kind  # "written": digits the recognizer already wrote ("120", "37.4", "1,000")
    text: str  # the written form: "1031", "123,456,789", "43rd", "3/16", "0.4", "94110"
    value: float  # numeric value (for a fraction, the quotient; for digits, the digit string read as a number)
    end: int  # index after the last word used
    words: int  # how many number words were said (a written "120" counts as one)
    scale: str | None = None  # a trailing "million"/"billion" kept as a word

    @property
    def small(self) -> bool:
        """A cardinal or ordinal up to ten said as one word: the rules keep it a word."""
        return self.kind in ("cardinal", "ordinal") and self.words == 1 and self.value <= 10


def is_written_number(word: str) -> bool:
    return bool(_DIGITS.match(word))


def group_with_commas(value: int) -> str:
    # The guide writes 1242 and 1031 plainly and 123,456,789 grouped: group from five digits on.
    return f"{value:,}" if value >= 10_000 else str(value)


def ordinal_suffix(value: int) -> str:
    if 10 <= value % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def parse_two_digit(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """A pair said as one group: "sixty two" -> "62", "twelve" -> "12", "oh five" -> "05"."""
    if i >= len(words):
        return None
    w = words[i]
    if w in TENS:
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in ONES and ONES[nxt] > 0:
            return str(TENS[w] + ONES[nxt]), i + 2
        return str(TENS[w]), i + 1
    if w in TEENS:
        return str(TEENS[w]), i + 1
    if w in ZERO_WORDS and i + 1 < len(words) and words[i + 1] in ONES and ONES[words[i + 1]] > 0:
        return f"0{ONES[words[i + 1]]}", i + 2
    return None


def _under_hundred(words: Sequence[str], i: int) -> tuple[int, int] | None:
    w = words[i] if i < len(words) else ""
    if w in TENS:
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in ONES and ONES[nxt] > 0:
            return TENS[w] + ONES[nxt], i + 2
        return TENS[w], i + 1
    if w in TEENS:
        return TEENS[w], i + 1
    if w in ONES:
        return ONES[w], i + 1
    return None


def _under_thousand(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """0-999 (and "twelve hundred"-style 1100-9900), "and" allowed after "hundred"."""
    n = len(words)
    w = words[i] if i < n else ""
    if w == "a" and i + 1 < n and words[i + 1] == "hundred":
        head: tuple[int, int] | None = (1, i + 1)
    else:
        head = _under_hundred(words, i)
    if head is None:
        return None
    value, j = head
    if j < n and words[j] == "hundred" and 0 < value < 100:
        value *= 100
        j += 1
        k = j + 1 if j < n and words[j] == "and" else j
        # "seven hundred eight nine" (the guide's own example) is 789: two digits said one at a time.
        if (k + 1 < n and words[k] in ONES and words[k + 1] in ONES and ONES[words[k]] > 0
                and (k + 2 >= n or words[k + 2] not in ONES)):
            return value + 10 * ONES[words[k]] + ONES[words[k + 1]], k + 2
        rest = _under_hundred(words, k) if k < n else None
        if rest is not None and rest[0] > 0:
            return value + rest[0], rest[1]
    return value, j


def parse_cardinal(words: Sequence[str], i: int) -> tuple[int, int, str | None] | None:
    """A grammatical cardinal at `i`: (value, end, trailing scale word kept or None)."""
    n = len(words)
    first = _under_thousand(words, i)
    if first is None:
        if i + 1 < n and words[i] == "a" and words[i + 1] in SCALES:
            first = (1, i + 1)
        else:
            return None
    total, j = 0, first[1]
    group = first[0]
    last_scale = 10**15
    while j < n and words[j] in SCALES and SCALES[words[j]] < last_scale:
        scale_word = words[j]
        last_scale = SCALES[scale_word]
        total += group * last_scale
        group = 0
        j += 1
        k = j + 1 if j < n and words[j] == "and" else j
        nxt = _under_thousand(words, k) if k < n else None
        if nxt is None or nxt[0] == 0:
            # Nothing follows the scale: "one hundred million" keeps "million" as a word.
            if scale_word in WORD_SCALES:
                return total // SCALES[scale_word], j, scale_word
            return total, j, None
        # "one million two" continues; "one thousand two thousand" does not.
        if nxt[1] < n and words[nxt[1]] in SCALES and SCALES[words[nxt[1]]] >= last_scale:
            return total, j, None
        group, j = nxt
    return total + group, j, None


def _digit_run(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """Two or more digits said one at a time ("three four five", "nine four one one oh")."""
    out: list[str] = []
    j = i
    while j < len(words):
        w = words[j]
        if w in ONES:
            out.append(str(ONES[w]))
        elif w in ZERO_WORDS:
            out.append("0")
        else:
            break
        j += 1
    # A leading "oh" needs a long run behind it ("oh two one three nine"): "o two" is oxygen.
    if len(out) < 2 or (words[i] in ZERO_WORDS and len(out) < 4) or set(out) == {"0"}:
        return None
    return "".join(out), j


def _fraction_digits(words: Sequence[str], i: int, written_ok: bool = False) -> tuple[str, int] | None:
    """Digits after "point": one at a time ("zero five") or in pairs ("twenty three")."""
    out: list[str] = []
    j = i
    while j < len(words):
        w = words[j]
        if w in ONES or (w in ZERO_WORDS and j > i):
            out.append(str(ONES.get(w, 0)))
            j += 1
            continue
        if (written_ok and w.isdigit() and len(w) <= 2 and j == i
                and (j + 1 >= len(words) or words[j + 1] not in SCALES)):  # "37 point 4" as written by the recognizer
            return w, j + 1
        pair = parse_two_digit(words, j) if w not in ZERO_WORDS else None
        if pair is None:
            break
        out.append(pair[0])
        j = pair[1]
    if not out:
        return None
    return "".join(out), j


def _written(word: str) -> float:
    return float(word.replace(",", ""))


def parse_integer_part(words: Sequence[str], i: int) -> Number | None:
    """Cardinal, or digits said in runs or pairs, or a number already written in digits."""
    n = len(words)
    w = words[i] if i < n else ""
    if is_written_number(w):
        return Number("written", w, _written(w), i + 1, 1)
    run = _digit_run(words, i)
    cardinal = parse_cardinal(words, i)
    if run is not None and (cardinal is None or run[1] > cardinal[1]):
        # "three four five" is 345, not 3 then 45: a run said digit by digit wins over a cardinal.
        return Number("digits", run[0], float(run[0]), run[1], run[1] - i)
    if cardinal is None:
        return None
    value, j, scale = cardinal
    # Pairs said as groups: "nineteen sixty two", "twenty twelve", "one twenty", "twenty one thirty".
    if scale is None and value < 100 and j < n and words[j] not in SCALES:
        pair = parse_two_digit(words, j)
        if pair is not None and words[j] not in ONES:
            digits = f"{value}{pair[0]}"
            return Number("digits", digits, float(digits), pair[1], pair[1] - i)
    text = group_with_commas(value)
    return Number("cardinal", text, float(value), j, j - i, scale)


def parse_number(words: Sequence[str], i: int) -> Number | None:
    """The longest number said at `i`, or None. `words` are lower-cased."""
    n = len(words)
    if i >= n:
        return None
    w = words[i]
    if m := _DIGITS_ORDINAL.match(w):
        return Number("ordinal", w, float(m.group(1)), i + 1, 1)
    if w == "point" and i + 1 < n:
        frac = _fraction_digits(words, i + 1)
        if frac is None:
            return None
        text = f"0.{frac[0]}"
        return _with_scale(words, Number("decimal", text, float(text), frac[1], frac[1] - i))
    if w == "a" and i + 1 < n:
        return _after_a(words, i)
    head = parse_integer_part(words, i)
    if head is None:
        return _bare_ordinal(words, i)
    j = head.end
    nxt = words[j] if j < n else ""
    if head.scale is None and nxt in ("point", "dot") and j + 1 < n and "." not in head.text:
        frac = _fraction_digits(words, j + 1, written_ok=True)
        if frac is not None:
            text = f"{head.text.replace(',', '')}.{frac[0]}"
            return _with_scale(words, Number("decimal", text, float(text), frac[1], frac[1] - i))
    if head.kind == "cardinal" and head.scale is None:
        longer = _ordinal_or_fraction(words, i, head)
        if longer is not None:
            return longer
    if head.kind == "written" and nxt in WORD_SCALES:
        return Number("written", head.text, head.value, j + 1, 1, nxt)
    return head


def _with_scale(words: Sequence[str], num: Number) -> Number:
    if num.end < len(words) and words[num.end] in WORD_SCALES:
        return Number(num.kind, num.text, num.value, num.end + 1, num.words + 1, words[num.end])
    return num


def _ordinal_or_fraction(words: Sequence[str], i: int, head: Number) -> Number | None:
    """A cardinal followed by an ordinal word: "forty third", "three sixteenths", "one half"."""
    j = head.end
    n = len(words)
    if j >= n:
        return None
    value = int(head.value)
    after_and = words[j] == "and" and value >= 100 and j + 1 < n  # "one hundred and first"
    if after_and:
        j += 1
    w = words[j]
    if w in DENOMINATORS and (w.endswith("s") or value == 1) and value > 0 and not after_and:
        den = DENOMINATORS[w]
        return Number("fraction", f"{value}/{den}", value / den, j + 1, j + 1 - i)
    # Ordinal last word inside the number: "forty third" -> 40 + 3, "one hundred first" -> 101.
    ones = ORDINAL_ONES.get(w)
    if ones is not None and value % 10 == 0 and value >= 20 and (value % 100 != 0 or value >= 100):
        total = value + ones
        return Number("ordinal", f"{total}{ordinal_suffix(total)}", float(total), j + 1, j + 1 - i)
    teen = ORDINAL_TEENS.get(w)
    if teen is not None and value >= 100 and value % 100 == 0:
        total = value + teen
        return Number("ordinal", f"{total}{ordinal_suffix(total)}", float(total), j + 1, j + 1 - i)
    return None


def _bare_ordinal(words: Sequence[str], i: int) -> Number | None:
    w = words[i]
    for table in (ORDINAL_ONES, ORDINAL_TEENS, ORDINAL_TENS):
        if w in table:
            v = table[w]
            return Number("ordinal", f"{v}{ordinal_suffix(v)}", float(v), i + 1, 1)
    return None


def _after_a(words: Sequence[str], i: int) -> Number | None:
    """ "a hundred" -> 100, "a quarter" -> 1/4, "a third of" -> 1/3; "a second opinion" is no number."""
    n = len(words)
    w = words[i + 1]
    if w in DENOMINATORS and not w.endswith("s"):
        after = words[i + 2] if i + 2 < n else ""
        if w in ALWAYS_FRACTION_AFTER_A or after in ("", "of"):
            den = DENOMINATORS[w]
            return Number("fraction", f"1/{den}", 1 / den, i + 2, 2)
        return None
    if w == "hundred" or w in SCALES:
        cardinal = parse_cardinal(words, i)
        if cardinal is not None:
            value, j, scale = cardinal
            return Number("cardinal", group_with_commas(value), float(value), j, j - i, scale)
    return None
