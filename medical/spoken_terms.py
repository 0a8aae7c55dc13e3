"""Word tables for spoken-form normalization: units, currencies, months, clinical phrases.

Keys are tuples of lower-cased words as said (or as the recognizer may already write them); values
are the written form from the guide's "Transcribing medical terms and measurements" table, or the
form clinicians write for terms the guide leaves out (mg/dL, mmHg, mcg, mEq). Written keys map to
themselves so a second pass changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Phrase = tuple[str, ...]


def _forms(words: Iterable[str], written: str | None) -> dict[Phrase, str | None]:
    return {tuple(w.split()): written for w in words}


def _phrases(words: Iterable[str], *written: str) -> dict[Phrase, tuple[str, ...]]:
    return {tuple(w.split()): written for w in words}


# Replaced wherever they are said, with or without a number.
PHRASES: dict[Phrase, tuple[str, ...]] = {
    **_phrases(["blood pressure", "b p", "b.p.", "bp", "b. p."], "BP"),
    **_phrases(["beats per minute", "beats per min", "bpm"], "BPM"),
    **_phrases(["post op", "post operation", "post-op", "postop"], "POSTOP"),
    **_phrases(["cat scan", "c t scan", "ct scan", "c.t. scan"], "CT", "Scan"),
    ("in", "and", "out"): ("I/O",),
    **_phrases(["o two", "o 2", "o2"], "O2"),
    **_phrases(["c o two", "c o 2", "co two", "co 2", "co2"], "CO2"),
    **_phrases(["millimeters of mercury", "mm hg", "mmhg"], "mmHg"),
}

# Written after a number; the number is then written in digits even when it is ten or less.
# A value of None keeps the word as said ("5 units", "5 inches").
UNITS: dict[Phrase, str | None] = {
    **_forms(["milligram", "milligrams", "mg", "mgs"], "mg"),
    **_forms(["microgram", "micrograms", "mcg"], "mcg"),
    **_forms(["gram", "grams", "g", "gm"], "g"),
    **_forms(["kilogram", "kilograms", "kilo", "kilos", "kg", "kgs"], "kg"),
    **_forms(["pound", "pounds", "lb", "lbs"], "lbs"),
    **_forms(["milliliter", "milliliters", "millilitre", "millilitres", "ml"], "mL"),
    **_forms(["c c", "cc", "ccs", "cubic centimeter", "cubic centimeters", "cubic centimetre"], "cc"),
    **_forms(["liter", "liters", "litre", "litres", "l"], "L"),
    **_forms(["meter", "meters", "metre", "metres", "m"], "m"),
    **_forms(["centimeter", "centimeters", "centimetre", "centimetres", "cm"], "cm"),
    **_forms(["millimeter", "millimeters", "millimetre", "millimetres", "mm"], "mm"),
    **_forms(["foot", "feet", "ft"], "ft"),
    **_forms(["milliequivalent", "milliequivalents", "meq"], "mEq"),
    **_forms(["celsius", "centigrade", "degrees celsius", "degrees centigrade", "degree celsius",
              "degree centigrade", "c"], "C"),
    **_forms(["fahrenheit", "degrees fahrenheit", "degree fahrenheit", "f"], "F"),
    **_forms(["beats per minute", "beats per min", "bpm"], "BPM"),
    **_forms(["millimeters of mercury", "mm hg", "mmhg"], "mmHg"),
    **_forms(["units", "unit", "inches", "inch", "degrees", "degree", "international units"], None),
}

# "milligrams per deciliter" -> "mg/dL": only after a unit of mass or volume.
PER_UNITS: dict[str, str] = {
    "deciliter": "dL", "deciliters": "dL", "dl": "dL", "liter": "L", "l": "L", "milliliter": "mL",
    "ml": "mL", "kilogram": "kg", "kilo": "kg", "kg": "kg", "hour": "hr", "hr": "hr", "minute": "min",
    "min": "min", "day": "day",
}
RATE_UNITS = frozenset({"mg", "mcg", "g", "mL", "L", "mEq", "cc", "units"})

PERCENT: tuple[Phrase, ...] = (("percent",), ("per", "cent"), ("%",))

DOLLARS: tuple[Phrase, ...] = tuple(
    tuple(p.split()) for p in [
        "us dollars", "us dollar", "u s dollars", "u.s. dollars", "australian dollars",
        "australian dollar", "dollars", "dollar", "usd", "aud",
    ]
)
CENTS: tuple[Phrase, ...] = (("cents",), ("cent",))
RUPEES: tuple[Phrase, ...] = tuple(
    tuple(p.split()) for p in ["indian rupees", "indian rupee", "rupees", "rupee", "inr"]
)
PAISE: tuple[Phrase, ...] = (("paise",), ("paisa",))

MONTHS: Mapping[str, str] = {
    m.lower(): m for m in [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ]
}
# Also ordinary words: a month only when written with a capital or followed by an ordinal day.
AMBIGUOUS_MONTHS = frozenset({"may", "march"})

MERIDIEMS: dict[Phrase, str] = {
    **{tuple(w.split()): "a.m." for w in ["a m", "a.m.", "a.m", "am"]},
    **{tuple(w.split()): "p.m." for w in ["p m", "p.m.", "p.m", "pm"]},
}

# Vital signs said as a word and a number: "pulse eighty" -> "P 80".
VITALS: dict[str, str] = {"pulse": "P", "respiration": "R", "respirations": "R"}

# Spine levels: letter and the highest level it has ("L five" -> "L5").
SPINE: dict[str, int] = {"c": 7, "t": 12, "l": 5, "s": 5}

# Before a bare "point three", these make "point" a noun: "at this point three patients".
POINT_AS_NOUN_AFTER = frozenset({
    "this", "that", "the", "a", "an", "one", "which", "what", "some", "any", "each", "every", "no",
    "another", "end", "starting", "pressure", "trigger", "focal", "boiling", "melting", "data", "entry",
    "access", "insertion", "tender", "main", "good", "key", "my", "your", "his", "her", "their", "our",
})

# "at seven thirty" is a clock time; these before the number say so.
TIME_PREPOSITIONS = frozenset({"at", "around", "by", "until", "till"})

# Between two numbers written alike: a span ("five to fifteen") or a size ("two by three centimeters").
RANGE_WORDS = frozenset({"to", "through", "-", "by", "x"})
