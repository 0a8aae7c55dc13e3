"""Builds the medspacy pipeline once: token flags, target rules, shape patterns, ConText cues, sections.

PyRuSH logs every token through loguru at DEBUG level, which would put PHI in logs; it is disabled here
before the sentencizer is created. Candidates go to the span group CANDIDATES, never to doc.ents,
because spaCy's entity-conflict warning quotes the conflicting text.
"""

from __future__ import annotations

import re
from typing import Literal

import medspacy
import medspacy.context
import medspacy.section_detection
import medspacy.target_matcher
import spacy
from loguru import logger
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token

from phi import names, rules
from phi.patterns import shape_matches


def _words(text: str) -> list[str]:
    """A word list written as a block of text, one or more words a line."""
    return text.split()


CANDIDATES = "phi"

_ALPHA_LIKE = re.compile(r"^[A-Za-z][A-Za-z'\-]*[A-Za-z]$|^[A-Za-z]+'s$")
_POSSESSIVE = frozenset(["'s", "’s"])
_INITIAL = re.compile(r"^[A-Z]\.?$|^[a-z]\.$")
_UNITS = frozenset(
    _words(
        """
        mg mcg g kg lb lbs pound pounds percent % minutes minute hours hour days day weeks times
        units ml cc beats bpm over degrees inches cm mm
        """
    )
)
_FUNCTION_WORDS = frozenset(
    _words(
        """
        the a an to from at in of for and or with by on our his her their this that is was were be
        been are as seen admitted transferred transfer referred discharged sent called per via dr
        doctor patient pt mr mrs ms see saw
        """
    )
) | frozenset(rules.MONTHS + rules.WEEKDAYS)
# Words that may start a facility name in upper-case notes although they are everyday English.
_FACILITY_WORDS = frozenset(
    _words(
        """
        saint st st. holy cross general memorial university county community regional mercy valley
        good samaritan children's union city state national veterans sacred heart baptist lutheran
        """
    )
)
# Hospital units and services a patient is "transferred to": not facility names.
_CLINICAL_UNITS = frozenset(
    _words(
        """
        er ed ew icu micu sicu ccu csru ctic nicu picu pacu or floor rehab home hospice nursing
        cath lab ct mri ir ep dialysis hd surgery radiology unit bed chair stepdown tele telemetry
        ward ns nsg ot pt slp cmo dnr ett ngt picc osh ebus egd tee tte bronch echo cxr kub us abd
        ob gyn ent gi pcu tsicu cvicu vicu ssu cvu sdu
        """
    )
)
# Words in the name lists that, right after "Dr." or "son", are still the verb or adverb they look like.
_NEVER_NAMES = frozenset(
    _words("will may can could would should said says aware notified paged here there also just still now me us")
)
# Two-letter words and clinical shorthand that never abbreviate a hospital name.
_TWO_LETTER_WORDS = frozenset(
    _words("be to do go me us it in on at by of or as is so no up an am pm ok he we my hi st pa uo bb ng og iv po pr")
)
_INITIAL_WITH_DOT = re.compile(r"^[A-Za-z]\.$")
_EXTENSIONS = (
    "phi_initial",
    "phi_namelike",
    "phi_cued_name",
    "phi_given",
    "phi_strong_name",
    "phi_unit",
    "phi_orgword",
    "phi_streetword",
    "phi_place",
    "phi_facility_word",
    "phi_name_tail",
    "phi_titled_name",
    "phi_given_lower",
)


def silence_token_logging() -> None:
    """PyRuSH's loguru DEBUG lines carry the text of every token: switch them off."""
    logger.disable("PyRuSH")


def _register_extensions() -> None:
    for name in _EXTENSIONS:
        if not Token.has_extension(name):
            Token.set_extension(name, default=False)
    if not Doc.has_extension("phi_upper"):
        Doc.set_extension("phi_upper", default=False)


@Language.component("phi_token_flags")
def phi_token_flags(doc: Doc) -> Doc:
    """Mark tokens with the lexicon facts the target rules match on."""
    letters = [ch for ch in doc.text if ch.isalpha()]
    upper = bool(letters) and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)
    doc._.phi_upper = upper
    given, last, everyday = names.given_names(), names.surnames(), names.everyday_words()
    stop, eponyms, places, states = names.name_stopwords(), names.eponyms(), names.places(), names.states()
    for i, token in enumerate(doc):
        text = token.text
        key = text.lower().removesuffix("'s").strip(".")
        cap = text[:1].isupper()
        title = cap and not (upper or text.isupper())
        token._.phi_unit = key in _UNITS
        token._.phi_initial = bool(_INITIAL_WITH_DOT.match(text)) or (bool(_INITIAL.match(text)) and not upper)
        token._.phi_facility_word = key in _FACILITY_WORDS
        if text in _POSSESSIVE:
            # "Saint Mary's Hospital": the possessive stays inside a facility or street name.
            token._.phi_orgword = token._.phi_streetword = i > 0 and doc[i - 1]._.phi_orgword
            continue
        if not _ALPHA_LIKE.match(text):
            continue
        in_lists = (key in given or key in last) and key not in states
        common = key in everyday or key in stop or key in _FUNCTION_WORDS
        token._.phi_namelike = (not common and key not in eponyms) or (title and in_lists and key not in stop)
        # Right after "Dr." or "son", even a list name that is a word ("Dr. White", "son bill") is a name.
        cueable = key not in _FUNCTION_WORDS and key not in _NEVER_NAMES
        token._.phi_titled_name = cueable and (token._.phi_namelike or in_lists)
        token._.phi_given_lower = not cap and key in given and not common
        # After "son", "wife", "dr": a capitalized list name even if it is a word ("Frank"), or any
        # unknown word in lower-case notes ("dtr suzette").
        token._.phi_cued_name = cueable and (
            (cap and (token._.phi_namelike or (in_lists and (key in stop or key not in everyday))))
            or (not cap and (token._.phi_namelike or (key in given and (key in stop or key not in everyday))))
        )
        token._.phi_name_tail = token._.phi_namelike and (text.istitle() or (upper and text.isupper()))
        token._.phi_given = cap and key in given and not common
        token._.phi_strong_name = (
            in_lists and not common and key not in eponyms and len(key) > 2 and key not in places
        ) and (cap or key in given)  # lower-case notes: "talked with helen"
        token._.phi_orgword = (
            cap and key not in _FUNCTION_WORDS and (title or not common or key in _FACILITY_WORDS or key in places)
        )
        token._.phi_streetword = (cap or upper) and key not in _FUNCTION_WORDS
        # "transferred to GH": a short capitalized abbreviation, unless the whole note is in capitals.
        abbreviation = text.isupper() and key not in stop and key not in _TWO_LETTER_WORDS
        abbreviation = abbreviation and (len(text) == 2 or (len(text) <= 5 and not upper))
        known = key in _FACILITY_WORDS or key in places or key in last
        # In all-capital notes a capital says nothing, so only known place and surname words count there.
        unknown = not (common or key in eponyms)
        token._.phi_facility_word = key not in _CLINICAL_UNITS and (
            known or abbreviation or (unknown and (title or (upper and len(key) > 3)))
        )
        previous = doc[i - 1].lower_ if i > 0 else ""
        if key in places and key not in eponyms and key not in states and (cap or previous in rules.PLACE_CUES):
            following = doc[i + 2].lower_ if i + 2 < len(doc) and doc[i + 1].text == "," else ""
            cued = previous in rules.PLACE_CUES or following in states
            # A town named like a word ("Reading", "Progress") needs a capital and a cue; others need one.
            if common or in_lists:
                token._.phi_place = title and cued
            else:
                token._.phi_place = cued or (cap and not upper)
    return doc


@Language.component("phi_shapes")
def phi_shapes(doc: Doc) -> Doc:
    """Add fixed-shape candidates (phones, e-mails, identifiers...) to the candidate group."""
    found: list[Span] = []
    for match in shape_matches(doc.text):
        span = doc.char_span(match.start, match.end, label=match.label, alignment_mode="expand")
        if span is not None:
            found.append(span)
    group = list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []
    doc.spans[CANDIDATES] = group + found
    return doc


def _split_run_on_sentences(nlp: Language) -> None:
    """Split "vasquez.talked" and "time.q." at the dot: written notes often skip the space after a period."""
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[A-Za-z]{2})\.(?=[A-Za-z]{2})"]
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    # The URL matcher would otherwise claim "word.word" whole before the infix rule is tried.
    tokenizer.url_match = None


def build(sentences: Literal["rules", "pyrush"] = "rules") -> Language:
    """The PHI pipeline: sentences, token flags, targets, shapes, ConText cues, sections.

    `sentences` picks the sentence splitter ConText scopes stop at: spaCy's punctuation rules (about
    0.1 ms a sentence) or medspacy's PyRuSH (clinical rules, 7-10 ms a sentence on a shared 2-core host,
    which alone would spend the 10 ms budget).
    """
    silence_token_logging()
    _register_extensions()
    if sentences == "pyrush":
        nlp = medspacy.load(medspacy_enable=["medspacy_pyrush"])
    else:
        # spaCy's default English tokenizer either way: the rules are written against its tokens.
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    _split_run_on_sentences(nlp)
    nlp.add_pipe("phi_token_flags")
    matcher = nlp.add_pipe(
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": CANDIDATES, "prune": False}
    )
    matcher.add(rules.target_rules())
    nlp.add_pipe("phi_shapes")
    context = nlp.add_pipe(
        "medspacy_context",
        config={
            "rules": None,
            "span_attrs": None,
            "input_span_type": "group",
            "span_group_name": CANDIDATES,
        },
    )
    context.add(rules.context_rules())
    nlp.add_pipe("medspacy_sectionizer")
    return nlp
