"""medspacy target rules (PHI candidates) and ConText rules (cues that type or veto a candidate).

Token flags used in patterns (`_.phi_*`) are set by phi.pipeline before the target matcher runs.
Candidate labels are internal; phi.resolve turns them into PhiTypes.
"""

from __future__ import annotations

from medspacy.context import ConTextRule
from medspacy.target_matcher import TargetRule

from phi import names


def _words(text: str) -> list[str]:
    """A word list written as a block of text, one or more words a line."""
    return text.split()


TITLES = ["dr", "dr.", "doctor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mister", "prof", "prof."]
RELATIONS = _words(
    """
    wife husband son sons daughter daughters mother mom father dad brother sister niece nephew aunt
    uncle grandson granddaughter grandmother grandfather friend neighbor neighbour boyfriend
    girlfriend partner fiance fiancee proxy guardian dtr cousin stepson stepdaughter named called
    patient pt infant baby
    """
)
MONTHS = _words(
    """
    january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec
    """
)
# A month alone is a date only where it cannot be a name, verb or modal.
LONE_MONTHS = ["january", "february", "july", "september", "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
HOLIDAYS = ["christmas", "thanksgiving", "easter", "halloween", "hanukkah"]
ORDINAL_DAY = r"^(?:[12]?\d|3[01])(?:st|nd|rd|th)?$"
YEAR = r"^(?:19|20)\d{2}$"
AGE_UNITS = ["year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "days", "mo"]
AGE_ABBREVIATIONS = ["yo", "y/o", "y.o.", "y.o", "yoa", "year-old", "years-old"]
GENDERS = _words(
    """
    male female man woman boy girl gentleman lady nonbinary widow widower
    """
)
BIOMETRICS = [
    "fingerprint",
    "fingerprints",
    "voiceprint",
    "voiceprints",
    "retinal scan",
    "iris scan",
    "palm print",
    "voice print",
    "facial scan",
]
FACILITY_HEADS = _words(
    """
    hospital hosp hosp. clinic practice rehab rehabilitation health healthcare medicine orthopedics
    orthopaedics pediatrics presbyterian permanente methodist infirmary hospice adventist
    sanitarium
    """
)
FACILITY_HEAD_PHRASES = [
    ["medical", "center"],
    ["health", "center"],
    ["health", "care"],
    ["nursing", "home"],
    ["assisted", "living"],
    ["endoscopy", "center"],
    ["surgery", "center"],
    ["surgical", "center"],
    ["cancer", "center"],
    ["care", "center"],
    ["medical", "group"],
    ["health", "system"],
    ["rehabilitation", "center"],
    ["children's", "hospital"],
    ["urgent", "care"],
    ["medical", "centre"],
]
STREET_SUFFIXES = _words(
    """
    street st st. avenue ave ave. road rd rd. drive lane ln court ct boulevard blvd way place
    terrace circle parkway highway hwy pike trail
    """
)
# Verbs and prepositions after which an unknown word is usually a hospital or other facility.
FACILITY_CUES = _words(
    """
    transfer transferred transfered admitted admit adm referred sent taken go going went came come
    presented discharged discharge followed seen accepted returned return enroute brought arrived
    moved
    """
)
PLACE_CUES = ["in", "from", "to", "near", "at", "of", "visiting", "moved", "lives"]


def _name_token(optional: bool = False) -> dict:
    token: dict = {"_": {"phi_namelike": True}}
    if optional:
        token["OP"] = "?"
    return token


def target_rules() -> list[TargetRule]:
    """Every candidate rule: names, dates, ages, gender, places, facilities, addresses, biometrics."""
    rules = [
        TargetRule(
            "titled name",
            "PHI_NAME_TITLED",
            pattern=[
                {"LOWER": {"IN": TITLES}},
                {"ORTH": ".", "OP": "?"},
                {"_": {"phi_initial": True}, "OP": "?"},
                {"_": {"phi_titled_name": True}},
                _name_token(optional=True),
            ],
        ),
        TargetRule(
            "titled initial",
            "PHI_NAME_TITLED",
            pattern=[{"LOWER": {"IN": TITLES}}, {"ORTH": ".", "OP": "?"}, {"_": {"phi_initial": True}}],
        ),
        TargetRule(
            "relation name",
            "PHI_NAME_CUED",
            pattern=[
                {"LOWER": {"IN": RELATIONS}},
                {"ORTH": {"IN": [",", "-", "'s"]}, "OP": "?"},
                {"_": {"phi_cued_name": True}},
                _name_token(optional=True),
            ],
        ),
        TargetRule(
            "name is",
            "PHI_NAME_CUED",
            pattern=[
                {"LOWER": "name"},
                {"LOWER": {"IN": ["is", "was", ":"]}},
                {"_": {"phi_cued_name": True}},
                _name_token(optional=True),
            ],
        ),
        TargetRule(
            "i am",
            "PHI_NAME_CUED",
            pattern=[
                {"LOWER": {"IN": ["i", "this"]}},
                {"LOWER": {"IN": ["'m", "am", "is"]}},
                {"_": {"phi_strong_name": True}},
                _name_token(optional=True),
            ],
        ),
        TargetRule(
            "facility after movement",
            "PHI_FACILITY_CUED",
            pattern=[
                {"LOWER": {"IN": FACILITY_CUES}},
                {"LOWER": {"IN": ["to", "from", "at", "by", "in"]}},
                {"LOWER": "the", "OP": "?"},
                {"_": {"phi_facility_word": True}, "OP": "+"},
            ],
        ),
        TargetRule(
            "full name",
            "PHI_NAME_FULL",
            pattern=[
                {"_": {"phi_given": True}},
                {"_": {"phi_initial": True}, "OP": "?"},
                {"_": {"phi_name_tail": True}},
            ],
        ),
        TargetRule(
            "initial and surname",
            "PHI_NAME_FULL",
            pattern=[{"TEXT": {"REGEX": r"^[A-Z]\.$"}}, {"_": {"phi_strong_name": True}}],
        ),
        TargetRule(
            "lower-case full name",
            "PHI_NAME_FULL",
            pattern=[{"_": {"phi_given_lower": True}}, {"_": {"phi_namelike": True}, "IS_LOWER": True}],
        ),
        TargetRule(
            "saint facility",
            "PHI_FACILITY",
            pattern=[
                {"LOWER": {"IN": ["holy", "sacred", "saint"]}},
                {"_": {"phi_facility_word": True}, "OP": "+"},
            ],
        ),
        TargetRule("single name", "PHI_NAME_SINGLE", pattern=[{"_": {"phi_strong_name": True}}]),
        TargetRule(
            "month day year",
            "PHI_DATE",
            pattern=[
                {"LOWER": {"IN": WEEKDAYS}, "OP": "?"},
                {"LOWER": {"IN": MONTHS}},
                {"ORTH": ".", "OP": "?"},
                {"TEXT": {"REGEX": ORDINAL_DAY}},
                {"ORTH": ",", "OP": "?"},
                {"TEXT": {"REGEX": YEAR}, "OP": "?"},
            ],
        ),
        TargetRule(
            "month year",
            "PHI_DATE",
            pattern=[{"LOWER": {"IN": MONTHS}}, {"ORTH": ",", "OP": "?"}, {"TEXT": {"REGEX": YEAR}}],
        ),
        TargetRule(
            "day of month",
            "PHI_DATE",
            pattern=[
                {"LOWER": "the", "OP": "?"},
                {"TEXT": {"REGEX": ORDINAL_DAY}},
                {"LOWER": "of"},
                {"LOWER": {"IN": MONTHS}},
            ],
        ),
        TargetRule(
            "day month",
            "PHI_DATE",
            pattern=[
                {"TEXT": {"REGEX": r"^(?:[12]?\d|3[01])$"}},
                {"LOWER": {"IN": MONTHS}, "IS_TITLE": True},
                {"ORTH": ",", "OP": "?"},
                {"TEXT": {"REGEX": r"^(?:\d{2}|\d{4})$"}, "OP": "?"},
            ],
        ),
        TargetRule(
            "the nth",
            "PHI_DATE",
            pattern=[
                {"LOWER": "the"},
                {"TEXT": {"REGEX": r"^(?:[12]?\d|3[01])(?:st|nd|rd|th)$"}},
                {"LOWER": {"NOT_IN": ["floor", "grade", "percentile", "time", "day", "dose", "cycle"]}},
            ],
        ),
        TargetRule("lone month", "PHI_DATE", pattern=[{"LOWER": {"IN": LONE_MONTHS}, "IS_TITLE": True}]),
        # A weekday alone ("since Monday") is not a date element under HIPAA Safe Harbor, and the PhysioNet
        # annotators leave it unmarked; a weekday before a month and day is kept with that date.
        TargetRule(
            "holiday", "PHI_DATE", pattern=[{"LOWER": {"IN": HOLIDAYS}}, {"LOWER": {"IN": ["eve", "day"]}, "OP": "?"}]
        ),
        TargetRule(
            "new year",
            "PHI_DATE",
            pattern=[
                {"LOWER": "new"},
                {"LOWER": {"IN": ["year", "years", "year's"]}},
                {"LOWER": {"IN": ["eve", "day"]}},
            ],
        ),
        TargetRule(
            "n year old",
            "PHI_AGE",
            pattern=[
                {"TEXT": {"REGEX": r"^\d{1,3}$"}},
                {"ORTH": "-", "OP": "?"},
                {"LOWER": {"IN": AGE_UNITS}},
                {"ORTH": "-", "OP": "?"},
                {"LOWER": "old"},
            ],
        ),
        TargetRule(
            "n yo", "PHI_AGE", pattern=[{"TEXT": {"REGEX": r"^\d{1,3}$"}}, {"LOWER": {"IN": AGE_ABBREVIATIONS}}]
        ),
        TargetRule(
            "n y/o",
            "PHI_AGE",
            pattern=[
                {"LOWER": {"REGEX": r"^\d{1,3}y?$"}},
                {"LOWER": "y", "OP": "?"},
                {"ORTH": "/"},
                {"LOWER": {"IN": ["o", "o."]}},
            ],
        ),
        TargetRule("nyo", "PHI_AGE", pattern=[{"LOWER": {"REGEX": r"^\d{1,3}(?:yo|y/o|y\.o\.?)$"}}]),
        TargetRule(
            "age n",
            "PHI_AGE",
            pattern=[{"LOWER": {"IN": ["age", "aged"]}}, {"ORTH": ":", "OP": "?"}, {"TEXT": {"REGEX": r"^\d{1,3}$"}}],
        ),
        TargetRule(
            "i am n",
            "PHI_AGE",
            pattern=[
                {"LOWER": {"IN": ["i", "you", "he", "she"]}},
                {"LOWER": {"IN": ["'m", "am", "'re", "are", "is", "'s"]}},
                {"TEXT": {"REGEX": r"^\d{1,3}$"}},
                {"_": {"phi_unit": False}},
            ],
        ),
        TargetRule(
            "transgender",
            "PHI_GENDER",
            pattern=[
                {"LOWER": {"IN": ["transgender", "trans"]}},
                {"LOWER": {"IN": ["woman", "man", "male", "female"]}},
            ],
        ),
        *[TargetRule(word, "PHI_GENDER") for word in GENDERS],
        *[TargetRule(word, "PHI_BIOMETRIC") for word in BIOMETRICS],
        TargetRule(
            "facility",
            "PHI_FACILITY",
            pattern=[{"_": {"phi_orgword": True}, "OP": "+"}, {"LOWER": {"IN": FACILITY_HEADS}}],
        ),
        *[
            TargetRule(
                "facility phrase",
                "PHI_FACILITY",
                pattern=[{"_": {"phi_orgword": True}, "OP": "*"}, *({"LOWER": word} for word in phrase)],
            )
            for phrase in FACILITY_HEAD_PHRASES
        ],
        TargetRule(
            "street address",
            "PHI_ADDRESS",
            pattern=[
                {"TEXT": {"REGEX": r"^\d{1,6}[A-Za-z]?$"}},
                {"LOWER": {"IN": ["n", "s", "e", "w", "north", "south", "east", "west"]}, "OP": "?"},
                {"_": {"phi_streetword": True}, "OP": "+"},
                {"LOWER": {"IN": STREET_SUFFIXES}},
            ],
        ),
        TargetRule(
            "street",
            "PHI_ADDRESS",
            pattern=[
                {"_": {"phi_streetword": True}, "IS_TITLE": True, "OP": "+"},
                {"LOWER": {"IN": STREET_SUFFIXES}, "IS_TITLE": True},
            ],
        ),
    ]
    rules.extend(_place_rules())
    return rules


def _place_rules() -> list[TargetRule]:
    rules = [TargetRule("place", "PHI_PLACE", pattern=[{"_": {"phi_place": True}}])]
    for place in sorted(names.places()):
        words = place.split()
        if len(words) > 1:
            rules.append(TargetRule(place, "PHI_PLACE"))
    return rules


# ConText cues: (category, phrases, direction, max_scope). The nearest cue before a candidate types it.
_CUES: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    (
        "CUE_PHONE",
        (
            "phone",
            "telephone",
            "tel",
            "cell",
            "cellphone",
            "mobile",
            "pager",
            "pg",
            "pgr",
            "beeper",
            "call",
            "reached at",
            "contact number",
            "phone number",
            "home #",
            "work #",
            "page",
            "call back number",
            "best number",
            "callback",
            "contact",
        ),
        "FORWARD",
        5,
    ),
    ("CUE_FAX", ("fax", "facsimile", "fax number"), "FORWARD", 8),
    ("CUE_SSN", ("ssn", "social security", "social security number", "social"), "FORWARD", 5),
    (
        "CUE_MRN",
        (
            "mrn",
            "medical record",
            "medical record number",
            "record number",
            "chart number",
            "unit number",
            "mr #",
            "hospital number",
        ),
        "FORWARD",
        5,
    ),
    (
        "CUE_ACCOUNT",
        ("account", "acct", "account number", "billing number", "claim number", "invoice", "ref", "reference", "ref #"),
        "FORWARD",
        5,
    ),
    (
        "CUE_HEALTH_PLAN",
        (
            "medicare",
            "medicaid",
            "insurance",
            "insurance number",
            "member id",
            "member number",
            "subscriber",
            "beneficiary",
            "health plan",
            "policy",
            "policy number",
            "plan number",
            "insurance id",
        ),
        "FORWARD",
        5,
    ),
    (
        "CUE_LICENSE",
        ("license", "licence", "license number", "certificate", "certificate number", "dea", "permit"),
        "FORWARD",
        5,
    ),
    ("CUE_PLATE", ("plate", "license plate", "plate number", "tag number", "plates"), "FORWARD", 5),
    ("CUE_VIN", ("vin", "vehicle identification number"), "FORWARD", 5),
    ("CUE_BIOMETRIC", ("voiceprint", "voice print", "fingerprint", "biometric", "retinal", "iris"), "FORWARD", 5),
    (
        "CUE_NOT_DATE",
        (
            "ps",
            "peep",
            "cpap",
            "bipap",
            "pressure support",
            "ipap",
            "epap",
            "settings",
            "vent",
            "ratio",
            "strength",
            "x",
        ),
        "FORWARD",
        2,
    ),
    ("CUE_ZIP", ("zip", "zip code", "zipcode", "postal code"), "BIDIRECTIONAL", 5),
    (
        "CUE_EPONYM",
        (
            "disease",
            "syndrome",
            "sign",
            "signs",
            "test",
            "maneuver",
            "manoeuvre",
            "catheter",
            "procedure",
            "criteria",
            "scale",
            "score",
            "cyst",
            "palsy",
            "phenomenon",
            "lymphoma",
            "surgery",
            "protocol",
            "monitor",
            "fundoplication",
            "reflex",
            "tube",
            "classification",
            "dementia",
            "thyroiditis",
            "'s",
            "stain",
            "operation",
            "repair",
            "fracture",
        ),
        "BACKWARD",
        3,
    ),
)


def context_rules() -> list[ConTextRule]:
    return [
        ConTextRule(phrase, category, direction=direction, max_scope=scope)
        for category, phrases, direction, scope in _CUES
        for phrase in phrases
    ]
