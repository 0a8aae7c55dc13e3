"""The rule engine: rewrite one run of spoken words (no punctuation inside) into written tokens.

Each written token says which words `[start, end)` it came from, so the caller can keep timings.
Rules are tried in order at each word; the first that matches consumes its words:

1. clinical phrases ("blood pressure" -> BP, "cat scan" -> CT Scan, "o two" -> O2),
2. vital signs and spine levels ("pulse eighty" -> P 80, "L five" -> L5),
3. dates and clock times ("May fifth twenty twelve", "twelve thirty p m"),
4. numbers with what follows them: "over" (120/80), units, percent, currency, ranges with "to",
   else digits for numbers over ten and words for ten or less.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from medical import spoken_terms as terms
from medical.numbers import (
    ONES,
    ORDINAL_ONES,
    ORDINAL_TEENS,
    TEENS,
    Number,
    ordinal_suffix,
    parse_integer_part,
    parse_number,
    parse_two_digit,
)

_WRITTEN_HOUR = re.compile(r"^([1-9]|1[0-2])(?::([0-5]\d))?$")
_WRITTEN_DAY = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
_IN_DIGITS = ("cardinal", "written", "digits", "decimal")


@dataclass(frozen=True, slots=True)
class Out:
    """A written token made from spoken words `[start, end)` of the run."""

    text: str
    start: int
    end: int


def _index(table: Mapping[tuple[str, ...], object]) -> dict[str, list[tuple[str, ...]]]:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in sorted(table, key=len, reverse=True):
        by_first.setdefault(key[0], []).append(key)
    return by_first


_PHRASES = _index(terms.PHRASES)
_UNITS = _index(terms.UNITS)
_MERIDIEMS = _index(terms.MERIDIEMS)
_PERCENT = _index(dict.fromkeys(terms.PERCENT))
_DOLLARS = _index(dict.fromkeys(terms.DOLLARS))
_CENTS = _index(dict.fromkeys(terms.CENTS))
_RUPEES = _index(dict.fromkeys(terms.RUPEES))
_PAISE = _index(dict.fromkeys(terms.PAISE))


class _Run:
    """One run of words being rewritten, and what the rules have decided so far."""

    __slots__ = ("hyphened", "last_digits_end", "low", "words")

    def __init__(self, words: Sequence[str], hyphened: Sequence[bool]) -> None:
        self.words = words
        self.low = [w.lower() for w in words]
        self.hyphened = hyphened
        self.last_digits_end = -1  # where the last number written in digits ended

    def match(self, index: dict[str, list[tuple[str, ...]]], i: int) -> tuple[tuple[str, ...], int] | None:
        """The longest key of a table said at `i`, not glued to the word before by a hyphen."""
        if i >= len(self.low) or (i > 0 and self.hyphened[i]):
            return None
        for key in index.get(self.low[i], ()):
            end = i + len(key)
            if tuple(self.low[i:end]) == key:
                return key, end
        return None

    def word(self, i: int) -> str:
        return self.low[i] if 0 <= i < len(self.low) else ""


def rewrite(words: Sequence[str], hyphened: Sequence[bool] | None = None) -> list[Out]:
    """Written tokens for a run of spoken words; every word lands in exactly one token's span.

    `hyphened[i]` says word i was joined to word i-1 by a hyphen ("forty-five"): units and
    phrases never start there.
    """
    run = _Run(words, hyphened if hyphened is not None else [False] * len(words))
    outs: list[Out] = []
    i = 0
    while i < len(words):
        got = (_phrase(run, i) or _vital(run, i) or _spine(run, i) or _date(run, i)
               or _clock(run, i) or _number(run, i))
        if not got:
            got = [Out(words[i], i, i + 1)]
        outs.extend(got)
        i = got[-1].end
    return outs


def _phrase(run: _Run, i: int) -> list[Out] | None:
    hit = run.match(_PHRASES, i)
    if hit is None:
        return None
    key, end = hit
    letters = [w for w in run.words[i:end] if w.isalpha()]
    if (all(len(k) == 1 for k in key)
            and not (all(w.islower() for w in letters) or all(w.isupper() for w in letters))):
        return None  # "b P" is a letter and a pulse, not "b p"
    written = terms.PHRASES[key]
    # "c t scan" -> "CT" (c t) + "Scan" (scan): trailing tokens align with trailing words.
    tail = len(written) - 1
    outs = [Out(written[0], i, end - tail)]
    outs += [Out(w, end - tail + k, end - tail + k + 1) for k, w in enumerate(written[1:])]
    return outs


def _vital(run: _Run, i: int) -> list[Out] | None:
    letter = terms.VITALS.get(run.low[i])
    if letter is None:
        return None
    num = parse_number(run.low, i + 1)
    if num is None or num.kind not in _IN_DIGITS or num.scale or _clock(run, i + 1):
        return None
    rest = _number(run, i + 1, force=True)
    return [Out(letter, i, i + 1), *rest] if rest else None


def _spine(run: _Run, i: int) -> list[Out] | None:
    top = terms.SPINE.get(run.low[i])
    if top is None or len(run.words[i]) != 1 or i + 1 >= len(run.low) or run.hyphened[i + 1]:
        return None
    if any(c.isdigit() for c in run.word(i - 1)):
        return None  # "7/4 L", "37.4 C": a unit after a number, not a spine level
    num = parse_number(run.low, i + 1)
    if num is None or _unit(run, num.end) or run.match(_PERCENT, num.end):
        return None
    letter = run.words[i].upper()
    if (num.kind in ("cardinal", "written", "digits") and not num.scale and num.value == int(num.value)
            and 1 <= num.value <= top and num.text.isdigit() and not num.text.startswith("0")):
        return [Out(f"{letter}{int(num.value)}", i, num.end)]
    # "L four five" -> L4-5: two neighbouring levels.
    if num.kind == "digits" and len(num.text) == 2 and num.end - i == 3:
        a, b = int(num.text[0]), int(num.text[1])
        if a >= 1 and b == a + 1 <= top:
            return [Out(f"{letter}{a}-{b}", i, num.end)]
    return None


def _month(run: _Run, i: int) -> str | None:
    name = terms.MONTHS.get(run.word(i))
    if name is None:
        return None
    if run.low[i] in terms.AMBIGUOUS_MONTHS and not run.words[i][:1].isupper():
        day = _day(run, i + 1)
        if day is None or not day.text[-1].isalpha():  # "may fifth" is a date, "may go" is not
            return None
    return name


def _year(run: _Run, j: int) -> Out | None:
    num = parse_integer_part(run.low, j) if j < len(run.low) else None
    if num is None or num.scale or run.word(num.end) in ("point", "dot", "over"):
        return None
    text = num.text
    ok = (
        (num.kind == "digits" and len(text) == 4 and 1900 <= num.value <= 2199)
        or (num.kind == "cardinal" and 1000 <= num.value <= 2199)
        or (num.kind == "written" and len(text) == 4 and text.isdigit() and 1000 <= num.value <= 2999)
    )
    return Out(text.replace(",", ""), j, num.end) if ok else None


def _day(run: _Run, j: int) -> Out | None:
    w = run.word(j)
    if m := _WRITTEN_DAY.match(w):
        return Out(run.words[j], j, j + 1) if 1 <= int(m.group(1)) <= 31 else None
    for table in (ORDINAL_ONES, ORDINAL_TEENS, {"twentieth": 20, "thirtieth": 30}):
        if w in table:
            return Out(f"{table[w]}{ordinal_suffix(table[w])}", j, j + 1)
    if w in ("twenty", "thirty"):
        tens = 20 if w == "twenty" else 30
        nxt = run.word(j + 1)
        if nxt in ORDINAL_ONES and tens + ORDINAL_ONES[nxt] <= 31:
            v = tens + ORDINAL_ONES[nxt]
            return Out(f"{v}{ordinal_suffix(v)}", j, j + 2)
        if nxt in ONES and ONES[nxt] > 0 and tens + ONES[nxt] <= 31:
            return Out(str(tens + ONES[nxt]), j, j + 2)
        return Out(str(tens), j, j + 1)
    if w in ONES and ONES[w] > 0:
        return Out(str(ONES[w]), j, j + 1)
    if w in TEENS:
        return Out(str(TEENS[w]), j, j + 1)
    return None


def _date(run: _Run, i: int) -> list[Out] | None:
    month = _month(run, i)
    if month is not None:
        year = _year(run, i + 1)
        if year is not None:
            return [Out(month, i, i + 1), year]
        day = _day(run, i + 1)
        if day is None or (day.text[-1].isdigit() and (
                run.word(day.end) in ("point", "dot", "over") or _unit(run, day.end))):
            # "June six pounds", "June one point two": a measure, not a day
            return None
        year = _year(run, day.end)
        return [Out(month, i, i + 1), day] + ([year] if year else [])
    day = _day(run, i)
    if day is None or (day.text[-1].isdigit() and run.word(day.end) in ("point", "dot", "over")):
        return None
    outs = [day]
    k = day.end
    if run.word(k) == "of" and day.text[-1].isalpha():  # "the fifth of May"
        outs.append(Out(run.words[k], k, k + 1))
        k += 1
    month = _month(run, k)
    if month is None:
        return None
    outs.append(Out(month, k, k + 1))
    year = _year(run, k + 1)
    return outs + ([year] if year else [])


def _clock(run: _Run, i: int) -> list[Out] | None:
    """ "seven a m" -> 7 a.m., "twelve thirty p m" -> 12:30 p.m., "at seven thirty" -> at 7:30."""
    w = run.low[i]
    minutes: str | None = None
    if m := _WRITTEN_HOUR.match(w):
        hour, minutes, j = int(m.group(1)), m.group(2), i + 1
    elif w in ONES or w in ("ten", "eleven", "twelve"):
        hour, j = ONES.get(w, TEENS.get(w, 0)), i + 1
    else:
        return None
    if not 1 <= hour <= 12:
        return None
    if minutes is None and not m:
        pair = parse_two_digit(run.low, j)
        if pair is not None and int(pair[0]) < 60 and run.word(pair[1]) not in ("hundred", "thousand"):
            minutes, j = pair[0].rjust(2, "0"), pair[1]
    clock = f"{hour}:{minutes}" if minutes else str(hour)
    meridiem = run.match(_MERIDIEMS, j)
    if meridiem is not None:
        key, end = meridiem
        return [Out(clock, i, j), Out(terms.MERIDIEMS[key], j, end)]
    if run.word(j) == "o'clock":
        return [Out(clock, i, j), Out(run.words[j], j, j + 1)]
    after = run.word(j)
    # "at twelve thirty four Main Street" is an address: a clock time is not followed by a name.
    if (minutes and not m and run.word(i - 1) in terms.TIME_PREPOSITIONS and after != "over"
            and not (j < len(run.words) and run.words[j][:1].isupper() and run.words[j] != "I")
            and run.match(_UNITS, j) is None and run.match(_PERCENT, j) is None
            and parse_number(run.low, j) is None):
        return [Out(clock, i, j)]
    return None


def _number(run: _Run, i: int, force: bool = False) -> list[Out] | None:
    w = run.low[i]
    before = run.word(i - 1)
    if w == "point" and (before in terms.POINT_AS_NOUN_AFTER or any(c.isdigit() for c in before)):
        return None
    if w == "a" and before == "and":  # "an hour and a half" stays as said
        return None
    num = parse_number(run.low, i)
    if num is None:
        return None
    j = num.end
    if num.scale:
        run.last_digits_end = j
        return [Out(num.text, i, j - 1), Out(run.words[j - 1], j - 1, j)]
    if run.word(j) == "over" and num.kind in _IN_DIGITS:
        below = parse_number(run.low, j + 1)
        if below is not None and below.kind in _IN_DIGITS and not below.scale:
            run.last_digits_end = below.end
            return [Out(f"{num.text}/{below.text}", i, below.end), *_unit(run, below.end)]
    head = [Out(num.text, i, j)]
    if num.kind in ("cardinal", "written") and run.low[j:j + 2] == ["and", "a"]:
        frac = parse_number(run.low, j + 1)  # "two and a half" -> "2 1/2"
        if frac is not None and frac.kind == "fraction":
            head, j = [Out(num.text, i, j), Out(frac.text, j, frac.end)], frac.end
    special = _percent_or_money(run, num, i, j)
    if special is not None:
        run.last_digits_end = special.end
        return [special]
    meridiem = run.match(_MERIDIEMS, j)
    if meridiem is not None and num.kind in _IN_DIGITS and num.value == int(num.value) and 1 <= num.value <= 12:
        run.last_digits_end = meridiem[1]
        return [Out(str(int(num.value)), i, j), Out(terms.MERIDIEMS[meridiem[0]], j, meridiem[1])]
    unit = _unit(run, j) if num.kind != "ordinal" else []  # "first degree AV block"
    forced = force or bool(unit) or len(head) > 1 or _range_needs_digits(run, i, num)
    if num.small and not forced:
        return [Out(run.words[k], k, k + 1) for k in range(i, j)]
    run.last_digits_end = j
    return head + unit


def _range_needs_digits(run: _Run, i: int, num: Number) -> bool:
    """ "five to fifteen", "five to ten milligrams": both ends of a span are written alike."""
    if run.word(i - 1) in terms.RANGE_WORDS and run.last_digits_end == i - 1:
        return True
    if run.word(num.end) not in terms.RANGE_WORDS:
        return False
    other = parse_number(run.low, num.end + 1)
    if other is None or num.kind == "ordinal":
        return False
    if _date(run, num.end + 1) is not None or _clock(run, num.end + 1) is not None:
        return True
    return (not other.small or bool(_unit(run, other.end))
            or run.match(_PERCENT, other.end) is not None or run.match(_MERIDIEMS, other.end) is not None)


def _unit(run: _Run, j: int) -> list[Out]:
    hit = run.match(_UNITS, j)
    if hit is None:
        return []
    key, end = hit
    if key == ("c", "c") and run.words[j:end] != ["c", "c"]:
        key, end = ("c",), j + 1  # "C C" is Celsius and a stray letter; "c c" is said lower-case
    written = terms.UNITS[key]
    if written is None:
        return [Out(run.words[k], k, k + 1) for k in range(j, end)]
    if written in terms.RATE_UNITS and run.word(end) == "per" and run.word(end + 1) in terms.PER_UNITS:
        return [Out(f"{written}/{terms.PER_UNITS[run.word(end + 1)]}", j, end + 2)]
    return [Out(written, j, end)]


def _percent_or_money(run: _Run, num: Number, i: int, j: int) -> Out | None:
    if num.kind not in _IN_DIGITS or j != num.end:
        return None
    text = num.text
    if (hit := run.match(_PERCENT, j)) is not None:
        return Out(f"{text}%", i, hit[1])
    for index, small_index, sign in ((_DOLLARS, _CENTS, "$"), (_RUPEES, _PAISE, "₹")):
        hit = run.match(index, j)
        if hit is None:
            continue
        end = hit[1]
        k = end + 1 if run.word(end) == "and" else end
        part = parse_number(run.low, k)
        if (part is not None and part.kind in ("cardinal", "written") and part.value < 100
                and (small := run.match(small_index, part.end)) is not None and "." not in text):
            return Out(f"{sign}{text}.{int(part.value):02d}", i, small[1])
        return Out(f"{sign}{text}", i, end)
    return None
