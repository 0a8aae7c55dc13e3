"""PhiDetector on normalized dictation, conversation and written notes: every type, and the traps."""

from __future__ import annotations

import itertools
import logging

import pytest

from phi.categories import CATEGORY_OF, PhiCategory, PhiType
from phi.detector import PhiDetector


@pytest.fixture(scope="module")
def detector() -> PhiDetector:
    return PhiDetector()


def _found(detector: PhiDetector, text: str) -> list[tuple[str, PhiType]]:
    return [(text[s.start : s.end], s.type) for s in detector.find(text)]


@pytest.mark.parametrize(
    ("text", "content", "kind"),
    [
        ("The patient is Margaret Ellison, seen today for follow up.", "Margaret Ellison", PhiType.NAME),
        ("Follow up with Dr. Kowalski in 2 weeks.", "Kowalski", PhiType.NAME),
        ("Her son Marcus will pick her up.", "Marcus", PhiType.NAME),
        ("This is a 45 year old male with chest pain.", "male", PhiType.GENDER),
        ("This is a 45 year old male with chest pain.", "45", PhiType.AGE),
        ("Patient: I'm 58 and I've never had this.", "58", PhiType.AGE),
        ("Her phone number is 4255551212.", "4255551212", PhiType.PHONE_NUMBER),
        ("Call her at (425) 555-1212 tomorrow.", "(425) 555-1212", PhiType.PHONE_NUMBER),
        ("Patient born on May 5th 1962, seen today.", "May 5th 1962", PhiType.DATE),
        ("Admitted 12/03/2023 for pneumonia.", "12/03/2023", PhiType.DATE),
        ("It happened on the 3rd of May.", "the 3rd of May", PhiType.DATE),
        ("Her email is mellison58@gmail.com.", "mellison58@gmail.com", PhiType.EMAIL),
        ("She lives at 1420 Maple Street, Springfield.", "1420 Maple Street", PhiType.ADDRESS),
        ("He moved to Tucson last year.", "Tucson", PhiType.ADDRESS),
        ("Her ZIP code is 94110.", "94110", PhiType.ZIP_CODE),
        ("Portland, Oregon 97201 is the address.", "97201", PhiType.ZIP_CODE),
        ("She was admitted to Riverside Medical Center overnight.", "Riverside Medical Center", PhiType.MEDICAL_CENTER),
        ("Please fax the records to 2065550188.", "2065550188", PhiType.FAX_NUMBER),
        ("Her SSN is 987-65-4321.", "987-65-4321", PhiType.SSN),
        ("Social security number 123456789 was verified.", "123456789", PhiType.SSN),
        ("Medicare beneficiary number 1EG4TE5MK73 is on file.", "1EG4TE5MK73", PhiType.HEALTH_PLAN_NUMBER),
        ("The claim was billed to account 774410029.", "774410029", PhiType.ACCOUNT_NUMBER),
        ("Patient born on May 5th 1962, MRN 12345678.", "12345678", PhiType.MEDICAL_RECORD_NUMBER),
        ("Driver's license number D4418827 confirmed identity.", "D4418827", PhiType.LICENSE_NUMBER),
        ("Birth certificate number 1192004883 was provided.", "1192004883", PhiType.LICENSE_NUMBER),
        ("The fingerprint scan on file was used for check in.", "fingerprint", PhiType.BIOMETRIC),
        ("Voiceprint ID 4471902 was enrolled.", "4471902", PhiType.BIOMETRIC),
        ("VIN 1HGCM82633A004352 was recorded after the collision.", "1HGCM82633A004352", PhiType.VIN),
        ("The car had license plate 7XYZ492.", "7XYZ492", PhiType.LICENSE_PLATE),
        (
            "Results are at https://portal.northsidehealth.org/results now.",
            "https://portal.northsidehealth.org/results",
            PhiType.URL,
        ),
        ("The monitor reports from IP address 192.168.14.22 nightly.", "192.168.14.22", PhiType.IP_ADDRESS),
    ],
)
def test_each_type_is_found(detector: PhiDetector, text: str, content: str, kind: PhiType) -> None:
    assert (content, kind) in _found(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "History of Parkinson's disease, managed by neurology.",
        "A Foley catheter was placed and drained 400 mL of clear urine.",
        "Start lisinopril 10 mg daily and metoprolol 25 mg twice a day.",
        "Blood pressure 132/84, heart rate 78, temperature 98.6, respiratory rate 16.",
        "Sodium 138, potassium 4.1, chloride 101, bicarbonate 24, BUN 18, creatinine 1.1.",
        "Positive Babinski sign on the left, negative Romberg.",
        "Crohn's disease on mesalamine 800 mg three times daily.",
        "Vision 20/20 bilaterally.",
        "Will continue to monitor. May consider a stress test.",
        "Follow up in the Heart Failure Clinic in 2 weeks.",
        "Hemoglobin A1c was 7.2 percent, up from 6.8 three months ago.",
        "Doctor: Any chest pain? Patient: No, none.",
        "Glasgow coma scale 15, Apgar scores 8 and 9.",
    ],
)
def test_clinical_text_without_phi_is_left_alone(detector: PhiDetector, text: str) -> None:
    assert _found(detector, text) == []


def test_written_upper_case_note(detector: PhiDetector) -> None:
    text = "PT SEEN BY DR RUSSO 7/22. TRANSFER TO CALVERT HOSPITAL. DAUGHTER EMILY IN THIS EVENING."
    found = _found(detector, text)
    assert ("RUSSO", PhiType.NAME) in found
    assert ("7/22", PhiType.DATE) in found
    assert ("CALVERT HOSPITAL", PhiType.MEDICAL_CENTER) in found
    assert ("EMILY", PhiType.NAME) in found


def test_written_note_facilities_and_month_year_dates(detector: PhiDetector) -> None:
    found = _found(detector, "pmh: cad, s/p mi 8/88. pt transferred to GH for cath. dtr suzette called.")
    assert ("8/88", PhiType.DATE) in found
    assert ("GH", PhiType.MEDICAL_CENTER) in found
    assert ("suzette", PhiType.NAME) in found


@pytest.mark.parametrize(
    "text",
    [
        "Give 1/2 tab of lorazepam at bedtime.",
        "Vent settings PS 10/5, FiO2 40 percent.",
        "PT TRANSFERRED TO ICU FROM ER.",
        "PATIENT SEDATED AND INTUBATED, ALINE IN PLACE.",
    ],
)
def test_written_note_traps(detector: PhiDetector, text: str) -> None:
    assert _found(detector, text) == []


def test_spans_are_ordered_disjoint_and_categorized(detector: PhiDetector) -> None:
    text = "Mr. Liam O'Connor, MRN 40021988, phone 2145550136, fax 2145550137, lives in Denver."
    spans = detector.find(text)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert [s.type for s in spans] == [
        PhiType.NAME,
        PhiType.MEDICAL_RECORD_NUMBER,
        PhiType.PHONE_NUMBER,
        PhiType.FAX_NUMBER,
        PhiType.ADDRESS,
    ]
    assert all(0.0 < s.confidence <= 1.0 for s in spans)
    assert spans[3].category is PhiCategory.ACCOUNT


def test_every_type_has_a_guide_category() -> None:
    assert set(CATEGORY_OF) == set(PhiType)
    assert {c.value for c in CATEGORY_OF.values()} == {c.value for c in PhiCategory}


def test_bad_and_empty_input(detector: PhiDetector) -> None:
    assert detector.find("") == []
    assert detector.find("   \n ") == []
    with pytest.raises(TypeError):
        detector.find(None)  # type: ignore[arg-type]


def test_find_many_matches_find(detector: PhiDetector) -> None:
    texts = ["Dr. Singh saw her.", "", "Fax 8005551000."]
    assert list(detector.find_many(texts)) == [detector.find(t) for t in texts]


def test_no_phi_reaches_logs(
    detector: PhiDetector, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    secrets = ["Okonkwo", "4255551212", "mellison58", "94110"]
    text = "Mr. Okonkwo, phone 4255551212, email mellison58@gmail.com, ZIP 94110."
    caplog.set_level(logging.DEBUG)
    detector.find(text)
    logged = caplog.text + "".join(capfd.readouterr())
    assert not any(secret in logged for secret in secrets)
