"""Every example row of the guide's "Transcribing numbers" and "Transcribing medical terms and
measurements" tables (../shared/spec/medical-guide.txt), as spoken form -> written form."""

from __future__ import annotations

import pytest

from medical.normalize import normalize_text

# "Transcribing numbers": the spoken example and the guide's output, one row per example.
NUMBER_ROWS: list[tuple[str, str]] = [
    ("one thousand two hundred forty-two", "1242"),  # the section's introduction
    ("Fifty five", "55"),
    ("a hundred", "100"),
    ("One thousand and thirty one", "1031"),
    ("One hundred twenty-three million four hundred fifty six thousand seven hundred eight nine",
     "123,456,789"),
    ("one hundred million", "100 million"),
    ("one billion", "1 billion"),
    ("two point three million", "2.3 million"),
    ("Forty third", "43rd"),
    ("twenty sixth avenue", "26th avenue"),
    ("a quarter", "1/4"),
    ("three sixteenths", "3/16"),
    ("a half", "1/2"),
    ("a hundredth", "1/100"),
    ("three four five", "345"),
    # The guide shows only the number; the words around it stay as said.
    ("My phone number is four two five five five five one two one two", "My phone number is 4255551212"),
    ("three hundred and three dot five", "303.5"),
    ("three point twenty three", "3.23"),
    ("zero point four", "0.4"),
    ("point three", "0.3"),
    ("twenty three percent", "23%"),
    ("twenty three point four five percent", "23.45%"),
    ("one dollar and fifteen cents", "$1.15"),
    ("twenty three USD", "$23"),
    ("twenty three Australian dollars", "$23"),
    ("twenty three pounds", "23 lbs"),
    ("forty-five milligrams", "45 mg"),
    ("twenty three rupees", "₹23"),
    ("fifty rupees thirty paise", "₹50.30"),
    ("seven a m eastern standard time", "7 a.m. eastern standard time"),
    ("twelve thirty p m", "12:30 p.m."),
    ("nineteen sixty two", "1962"),
    ("the year is twenty twelve", "the year is 2012"),
    ("twenty nineteen", "2019"),
    ("twenty one thirty", "2130"),
    ("May fifth twenty twelve", "May 5th 2012"),
    ("May five twenty twelve", "May 5 2012"),
    ("five May twenty twelve", "5 May 2012"),
    ("twenty three to thirty seven", "23 to 37"),
]

# "Transcribing medical terms and measurements": a sentence saying the spoken term, and the
# table's example output for that row.
MEDICAL_ROWS: list[tuple[str, str]] = [
    ("The patient's temperature is thirty seven point four centigrade.", "The patient's temperature is 37.4 C."),
    ("The patient's temperature is thirty seven point four Celsius.", "The patient's temperature is 37.4 C."),
    ("The patient's temperature is one hundred one Fahrenheit.", "The patient's temperature is 101 F."),
    ("A mass of one hundred grams was extracted from the patient.",
     "A mass of 100 g was extracted from the patient."),
    ("The patient is one point eight meters tall.", "The patient is 1.8 m tall."),
    ("The patient is six feet tall.", "The patient is 6 ft tall."),
    ("The patient weighs eighty kilos.", "The patient weighs 80 kg."),
    ("The patient weighs eighty kilograms.", "The patient weighs 80 kg."),
    ("Patient received one hundred c c of saline solution.", "Patient received 100 cc of saline solution."),
    ("Patient received one hundred cubic centimeter of saline solution.",
     "Patient received 100 cc of saline solution."),
    ("Patient excreted one hundred milliliter urine.", "Patient excreted 100 mL urine."),
    ("Patient blood pressure was elevated.", "Patient BP was elevated."),
    ("Patient b p was elevated.", "Patient BP was elevated."),
    ("Patient BP was one twenty over eighty.", "Patient BP was 120/80."),
    ("Patient had atrial fibrillation with heart rate of one sixty beats per min.",
     "Patient had atrial fibrillation with heart rate of 160 BPM."),
    ("Patient had atrial fibrillation with heart rate of one sixty beats per minute.",
     "Patient had atrial fibrillation with heart rate of 160 BPM."),
    ("Patient O 2 saturation was ninety eight percent.", "Patient O2 saturation was 98%."),
    ("Patient required respiratory support for elevated CO2.",
     "Patient required respiratory support for elevated CO2."),
    ("Patient came for post operation evaluation.", "Patient came for POSTOP evaluation."),
    ("Patient came for post op evaluation.", "Patient came for POSTOP evaluation."),
    ("Patient indication of cerebral hemorrhage required use of cat scan.",
     "Patient indication of cerebral hemorrhage required use of CT Scan."),
    ("Patient vitals were Pulse eighty, respiration seventeen,...", "Patient vitals were P 80, R 17,..."),
    ("Patient vitals were pulse eighty, Respiration seventeen,...", "Patient vitals were P 80, R 17,..."),
    ("Patient was in and out sinus rhythm", "Patient was I/O sinus rhythm"),
    ("Lumbar puncture was performed between L four and L five",
     "Lumbar puncture was performed between L4 and L5"),
]


@pytest.mark.parametrize(("spoken", "written"), NUMBER_ROWS)
def test_number_rules(spoken: str, written: str) -> None:
    assert normalize_text(spoken) == written


@pytest.mark.parametrize(("spoken", "written"), MEDICAL_ROWS)
def test_medical_terms(spoken: str, written: str) -> None:
    assert normalize_text(spoken) == written


@pytest.mark.parametrize(("spoken", "written"), NUMBER_ROWS + MEDICAL_ROWS)
def test_written_form_is_left_alone(spoken: str, written: str) -> None:
    # The recognizer may already write the guide's output: a second pass must not change it.
    assert normalize_text(written) == written


def test_every_row_of_both_tables_is_here() -> None:
    # 38 examples in the numbers table plus the introduction's; 22 medical rows, several spellings.
    assert len(NUMBER_ROWS) == 39
    spoken_terms = ["centigrade", "celsius", "fahrenheit", "grams", "meters", "feet", "kilos", "kilograms",
                    " c c ", "cubic centimeter", "milliliter", "blood pressure", " b p ", " over ",
                    "beats per min.", "beats per minute", " o 2 ", "co2", "post operation", "post op ",
                    "cat scan", "pulse eighty", "respiration seventeen", "in and out", "l five"]
    said = " ".join(s.lower() for s, _ in MEDICAL_ROWS)
    assert all(term in said for term in spoken_terms)
