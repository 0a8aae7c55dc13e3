"""Turn pipeline candidates (target rules, shapes, ConText cues) into non-overlapping PhiSpans."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span

from phi import names
from phi.categories import PhiType
from phi.pipeline import CANDIDATES
from phi.rules import FACILITY_CUES, RELATIONS, TITLES
from phi.spans import PhiSpan


def _words(text: str) -> list[str]:
    """A word list written as a block of text, one or more words a line."""
    return text.split()


# Which type a cue gives an identifier- or phone-shaped candidate.
_CUE_TYPES: dict[str, PhiType] = {
    "CUE_PHONE": PhiType.PHONE_NUMBER,
    "CUE_FAX": PhiType.FAX_NUMBER,
    "CUE_SSN": PhiType.SSN,
    "CUE_MRN": PhiType.MEDICAL_RECORD_NUMBER,
    "CUE_ACCOUNT": PhiType.ACCOUNT_NUMBER,
    "CUE_HEALTH_PLAN": PhiType.HEALTH_PLAN_NUMBER,
    "CUE_LICENSE": PhiType.LICENSE_NUMBER,
    "CUE_PLATE": PhiType.LICENSE_PLATE,
    "CUE_VIN": PhiType.VIN,
    "CUE_BIOMETRIC": PhiType.BIOMETRIC,
    "CUE_ZIP": PhiType.ZIP_CODE,
}
_FIXED: dict[str, tuple[PhiType, float]] = {
    "PHI_EMAIL": (PhiType.EMAIL, 0.97),
    "PHI_URL": (PhiType.URL, 0.95),
    "PHI_IP": (PhiType.IP_ADDRESS, 0.95),
    "PHI_SSN": (PhiType.SSN, 0.95),
    "PHI_VIN": (PhiType.VIN, 0.9),
    "PHI_NUMERIC_DATE": (PhiType.DATE, 0.9),
    "PHI_DATE": (PhiType.DATE, 0.9),
    "PHI_GENDER": (PhiType.GENDER, 0.85),
    "PHI_BIOMETRIC": (PhiType.BIOMETRIC, 0.8),
    "PHI_ADDRESS": (PhiType.ADDRESS, 0.85),
    "PHI_PLACE": (PhiType.ADDRESS, 0.7),
}
# Earlier labels win where candidates overlap.
_PRIORITY = (
    "PHI_EMAIL",
    "PHI_URL",
    "PHI_IP",
    "PHI_SSN",
    "PHI_VIN",
    "PHI_PHONE",
    "PHI_IDENTIFIER",
    "PHI_SHORT_PHONE",
    "PHI_NUMERIC_DATE",
    "PHI_DATE",
    "PHI_NAME_TITLED",
    "PHI_NAME_CUED",
    "PHI_ADDRESS",
    "PHI_FACILITY",
    "PHI_FACILITY_CUED",
    "PHI_AGE",
    "PHI_NAME_FULL",
    "PHI_PLACE",
    "PHI_NAME_SINGLE",
    "PHI_GENDER",
    "PHI_BIOMETRIC",
)
# Facility words that describe a service rather than name a place: "Heart Failure Clinic" is not PHI.
_GENERIC_FACILITY = frozenset(
    _words(
        """
        heart failure cardiac cardiology family internal urgent wound care pain sleep eye diabetes
        cancer physical therapy occupational speech mental behavioral women's children's primary
        medical health medicine center clinic hospital rehab rehabilitation the a an our your his
        her their outpatient inpatient general surgery surgical dialysis infusion transplant memory
        stroke vascular spine the nursing home assisted living endoscopy orthopedics pediatrics
        hospice practice group system
        """
    )
)
_NAME_CUE_WORDS = frozenset(
    [*TITLES, *RELATIONS, ".", ",", ":", "-", "'s", "name", "is", "was", "i", "'m", "am", "this"]
)
_PLACE_TYPES = frozenset(names.states()) | frozenset(code.lower() for code in names.states().values())


def resolve(doc: Doc) -> list[PhiSpan]:
    """Typed, trimmed, non-overlapping spans in text order."""
    typed = [pair for candidate in doc.spans.get(CANDIDATES, []) if (pair := _typed(doc, candidate))]
    order = {label: rank for rank, label in enumerate(_PRIORITY)}
    typed.sort(key=lambda pair: (order.get(pair[0], len(order)), -(pair[1].end - pair[1].start)))
    kept: list[PhiSpan] = []
    for _, span in typed:
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return _merge_adjacent(doc.text, sorted(kept, key=lambda span: span.start))


def _typed(doc: Doc, candidate: Span) -> tuple[str, PhiSpan] | None:
    label = candidate.label_
    vetoed = any(modifier.category == "CUE_EPONYM" for modifier in candidate._.modifiers)
    result: tuple[PhiType, float, Span] | None = None
    if label in ("PHI_PHONE", "PHI_SHORT_PHONE", "PHI_IDENTIFIER"):
        result = _identifier(doc, candidate)
    elif label.startswith("PHI_NAME"):
        result = None if vetoed and label in ("PHI_NAME_FULL", "PHI_NAME_SINGLE") else _name(doc, candidate)
    elif label == "PHI_AGE":
        result = _age(candidate)
    elif label in ("PHI_FACILITY", "PHI_FACILITY_CUED"):
        result = _facility(candidate)
    elif label == "PHI_NUMERIC_DATE" and any(m.category == "CUE_NOT_DATE" for m in candidate._.modifiers):
        result = None
    elif label in _FIXED:
        kind, confidence = _FIXED[label]
        span = candidate
        while len(span) > 1 and span[0].lower_ in ("on", "last", "this", "next"):
            span = span[1:]
        result = (kind, confidence, span)
    if result is None:
        return None
    kind, confidence, span = result
    section = span[0]._.section_category if span[0].has_extension("section_category") else None
    return label, PhiSpan(span.start_char, span.end_char, kind, confidence, section)


def _nearest_cue(candidate: Span) -> str | None:
    before = [m for m in candidate._.modifiers if m.category in _CUE_TYPES and m.modifier_span[1] <= candidate.start]
    if any(m.category == "CUE_FAX" for m in before):
        # "fax it to my work at ...": a fax cue anywhere before outweighs a nearer phone-ish word.
        return "CUE_FAX"
    if before:
        return max(before, key=lambda m: m.modifier_span[1]).category
    after = [m for m in candidate._.modifiers if m.category in _CUE_TYPES and m.modifier_span[0] >= candidate.end]
    return min(after, key=lambda m: m.modifier_span[0]).category if after else None


def _identifier(doc: Doc, candidate: Span) -> tuple[PhiType, float, Span] | None:
    cue = _nearest_cue(candidate)
    digits = sum(ch.isdigit() for ch in candidate.text)
    if cue == "CUE_ZIP":
        return (
            (PhiType.ZIP_CODE, 0.9, candidate)
            if digits in (5, 9) and digits == len(candidate.text.replace("-", ""))
            else None
        )
    if cue is not None:
        return _CUE_TYPES[cue], 0.9, candidate
    if candidate.label_ == "PHI_PHONE":
        return PhiType.PHONE_NUMBER, 0.8, candidate
    if candidate.label_ == "PHI_IDENTIFIER" and candidate.text.isdigit() and len(candidate.text) == 5:
        previous = [t for t in doc[max(0, candidate.start - 3) : candidate.start] if not t.is_punct]
        places = {c.end - 1 for c in doc.spans[CANDIDATES] if c.label_ in ("PHI_PLACE", "PHI_ADDRESS")}
        if previous and (previous[-1].lower_ in _PLACE_TYPES or previous[-1].i in places):
            return PhiType.ZIP_CODE, 0.85, candidate
    return None


def _name(doc: Doc, candidate: Span) -> tuple[PhiType, float, Span] | None:
    start = candidate.start
    if candidate.label_ in ("PHI_NAME_TITLED", "PHI_NAME_CUED"):
        while start < candidate.end and doc[start].lower_ in _NAME_CUE_WORDS and not doc[start]._.phi_initial:
            start += 1
    if start >= candidate.end:
        return None
    span = doc[start : candidate.end]
    cue = doc[candidate.start].lower_
    if candidate.label_ == "PHI_NAME_CUED" and cue in ("patient", "pt") and not span.text[:1].isupper():
        return None
    if candidate.label_ == "PHI_NAME_CUED" and cue in ("patient", "pt") and doc._.phi_upper:
        # "PT SEDATED": in upper-case notes the word after "patient" is far more often a verb than a name.
        return None
    confidence = {"PHI_NAME_TITLED": 0.95, "PHI_NAME_CUED": 0.9, "PHI_NAME_FULL": 0.9}.get(candidate.label_, 0.75)
    if doc._.phi_upper and candidate.label_ == "PHI_NAME_SINGLE":
        confidence = 0.6
    return PhiType.NAME, confidence, span


def _age(candidate: Span) -> tuple[PhiType, float, Span] | None:
    for token in candidate:
        digits = "".join(ch for ch in token.text if ch.isdigit())
        if digits and token.text[:1].isdigit():
            if int(digits) > 120:
                return None
            start = token.idx
            span = candidate.doc.char_span(start, start + len(digits))
            return (
                (PhiType.AGE, 0.9, span) if span is not None else (PhiType.AGE, 0.9, token.doc[token.i : token.i + 1])
            )
    return None


def _facility(candidate: Span) -> tuple[PhiType, float, Span] | None:
    start = candidate.start
    skip = {"the", "at", "to", "from", "by", "in", *FACILITY_CUES}
    while start < candidate.end and candidate.doc[start].lower_ in skip:
        start += 1
    span = candidate.doc[start : candidate.end]
    if candidate.label_ == "PHI_FACILITY_CUED" and all(token._.phi_place for token in span):
        return None  # "moved to Tucson": a town, left to the place rule
    if all(token.lower_ in _GENERIC_FACILITY or token.is_punct for token in span):
        return None
    return PhiType.MEDICAL_CENTER, 0.85, span


def _merge_adjacent(text: str, spans: Iterable[PhiSpan]) -> list[PhiSpan]:
    """Join same-type neighbours split only by spaces or a comma ("Friday, March 7th"; "L. Ruuska")."""
    merged: list[PhiSpan] = []
    for span in spans:
        if merged and merged[-1].type == span.type and span.type in (PhiType.DATE, PhiType.NAME):
            gap = text[merged[-1].end : span.start]
            if gap.strip(" ,") == "" and len(gap) <= 2:
                last = merged.pop()
                span = PhiSpan(last.start, span.end, span.type, min(last.confidence, span.confidence), last.section)
        merged.append(span)
    return merged
