"""Character patterns for PHI with a fixed shape: e-mail, URL, IP, SSN, phone, numeric dates, identifiers.

The medspacy tokenizer splits "(425) 555-1212" or "987-65-4321" into several tokens, so these are found on
the characters and handed to the pipeline as candidate spans. An identifier-shaped string ("RN882431",
"88213407") is only a candidate: ConText cues around it ("MRN", "fax", "plate") decide whether and what
it is, so lab values and doses with digits are never labelled on shape alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?<![\w@])(?:https?://|www\.)[^\s,;]*[^\s,;.)!?]"
    r"|(?<![\w@.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|info|io|us)(?:/[^\s,;]*[^\s,;.)!?])?(?![\w@])",
    re.IGNORECASE,
)
IP_ADDRESS = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.]\d)")
SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
PHONE = re.compile(r"(?<![\w/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?![\w/-])")
# A seven-digit local number or a pager extension: only a phone where a cue says so.
SHORT_PHONE = re.compile(r"(?<![\w/.-])\d{3}-\d{4}(?![\w/-])")
NUMERIC_DATE = re.compile(
    r"(?<![\w/.])(?:"
    r"(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:\d{4}|\d{2})"
    r"|(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])-(?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    # Month and year: "8/88", "11/1992" (a two-digit second part over 31 cannot be a day).
    r"|(?:0?[1-9]|1[0-2])/(?:3[2-9]|[4-9]\d|(?:19|20)\d{2})"
    r"|(?<!-)(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])"
    r")(?![\w/%-]|\.\d)"
)
# Fractions a note writes as numbers ("1/2 tab"): never a date without a year.
FRACTIONS = frozenset(["1/2", "1/3", "2/3", "1/4", "3/4", "1/8"])
# Letters and digits, at least five characters, at least one digit: MRNs, member IDs, plates, ZIPs.
IDENTIFIER = re.compile(r"(?<![\w.@/-])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{3,}[A-Za-z0-9](?![\w@/-]|\.\w)")
VIN = re.compile(r"(?<![\w-])(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])(?=[A-HJ-NPR-Z0-9]*\d)[A-HJ-NPR-Z0-9]{17}(?![\w-])")

# Candidate label for each pattern, in the order they claim characters.
ORDERED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("PHI_EMAIL", EMAIL),
    ("PHI_URL", URL),
    ("PHI_IP", IP_ADDRESS),
    ("PHI_SSN", SSN),
    ("PHI_VIN", VIN),
    ("PHI_PHONE", PHONE),
    ("PHI_NUMERIC_DATE", NUMERIC_DATE),
    ("PHI_SHORT_PHONE", SHORT_PHONE),
    ("PHI_IDENTIFIER", IDENTIFIER),
)


@dataclass(frozen=True, slots=True)
class ShapeMatch:
    label: str
    start: int
    end: int


def shape_matches(text: str) -> Iterator[ShapeMatch]:
    """Non-overlapping pattern matches, earlier patterns in ORDERED winning a contested stretch."""
    taken: list[tuple[int, int]] = []
    for label, pattern in ORDERED:
        for match in pattern.finditer(text):
            start, end = match.span()
            if label == "PHI_NUMERIC_DATE" and match.group() in FRACTIONS:
                continue
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            yield ShapeMatch(label, start, end)
