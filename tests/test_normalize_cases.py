"""Spoken-form normalization beyond the guide's examples: dictation-like sentences, the digits the
recognizer already writes, and phrases that must stay as said."""

from __future__ import annotations

import pytest

from medical.normalize import normalize_text

VITALS: list[tuple[str, str]] = [
    ("blood pressure one twenty over eighty", "BP 120/80"),
    ("Blood pressure is one thirty five over eighty five.", "BP is 135/85."),
    ("b p one hundred twenty over eighty", "BP 120/80"),
    ("BP of one forty over ninety", "BP of 140/90"),
    ("blood pressure one twenty over eighty millimeters of mercury", "BP 120/80 mmHg"),
    ("blood pressure ninety over sixty, heart rate one ten", "BP 90/60, heart rate 110"),
    ("heart rate of ninety two beats per minute", "heart rate of 92 BPM"),
    ("heart rate seventy two and regular", "heart rate 72 and regular"),
    ("pulse eighty eight, respirations eighteen", "P 88, R 18"),
    ("Pulse sixty four.", "P 64."),
    ("respiration twenty two", "R 22"),
    ("pulse ox ninety four percent on room air", "pulse ox 94% on room air"),
    ("O two sat ninety six percent on two liters", "O2 sat 96% on 2 L"),
    ("o two saturation eighty nine percent", "O2 saturation 89%"),
    ("temperature ninety eight point six", "temperature 98.6"),
    ("temperature one oh one point four Fahrenheit", "temperature 101.4 F"),
    ("temp thirty eight point two degrees Celsius", "temp 38.2 C"),
    ("temperature one hundred and two degrees", "temperature 102 degrees"),
    ("weight one eighty five pounds", "weight 185 lbs"),
    ("she weighs sixty two kilograms", "she weighs 62 kg"),
    ("height five feet", "height 5 ft"),
    ("height one point seven meters", "height 1.7 m"),
    ("glucose one twenty milligrams per deciliter", "glucose 120 mg/dL"),
    ("potassium three point nine", "potassium 3.9"),
    ("sodium one thirty eight", "sodium 138"),
    ("hemoglobin eleven point two", "hemoglobin 11.2"),
    ("ejection fraction of thirty five percent", "ejection fraction of 35%"),
    ("CO2 twenty four", "CO2 24"),
    ("c o two retention", "CO2 retention"),
    ("Vitals: pulse seventy, respiration sixteen, blood pressure one ten over seventy.",
     "Vitals: P 70, R 16, BP 110/70."),
]

DOSES: list[tuple[str, str]] = [
    ("lisinopril ten milligrams daily", "lisinopril 10 mg daily"),
    ("metoprolol twenty five milligrams twice daily", "metoprolol 25 mg twice daily"),
    ("aspirin eighty one milligrams", "aspirin 81 mg"),
    ("start five milligrams of amlodipine", "start 5 mg of amlodipine"),
    ("one milligram of lorazepam", "1 mg of lorazepam"),
    ("zero point five milligrams", "0.5 mg"),
    ("point five milligrams", "0.5 mg"),
    ("two hundred fifty micrograms", "250 mcg"),
    ("one gram of ceftriaxone", "1 g of ceftriaxone"),
    ("ten units of insulin", "10 units of insulin"),
    ("five units of regular insulin", "5 units of regular insulin"),
    ("forty milliequivalents of potassium", "40 mEq of potassium"),
    ("five hundred milliliters of normal saline", "500 mL of normal saline"),
    ("a one liter bolus", "a 1 L bolus"),
    ("two liters per minute", "2 L/min"),
    ("one hundred twenty five milliliters per hour", "125 mL/hr"),
    ("fifteen milligrams per kilogram", "15 mg/kg"),
    ("ten c c of lidocaine", "10 cc of lidocaine"),
    ("one thousand milligrams", "1000 mg"),
    ("fifteen hundred milligrams", "1500 mg"),
    ("take two and a half tablets", "take 2 1/2 tablets"),
    ("take one tablet by mouth q.i.d.", "take one tablet by mouth q.i.d."),
    ("twice daily", "twice daily"),
    ("three times a day", "three times a day"),
    ("take two tablets every six hours", "take two tablets every six hours"),
    ("for fourteen days", "for 14 days"),
    ("for five days", "for five days"),
    ("vitamin C one thousand milligrams", "vitamin C 1000 mg"),
    ("vitamin D fifty thousand units weekly", "vitamin D 50,000 units weekly"),
    ("a quarter tablet", "1/4 tablet"),
]

RANGES: list[tuple[str, str]] = [
    ("five to ten milligrams", "5 to 10 mg"),
    ("five to fifteen", "5 to 15"),
    ("fifteen to five", "15 to 5"),
    ("one to two tablets", "one to two tablets"),
    ("two to three times a day", "two to three times a day"),
    ("twenty to thirty percent", "20 to 30%"),
    ("between sixty and seventy", "between 60 and 70"),
    ("eleven to twelve years", "11 to 12 years"),
    ("one hundred to two hundred milligrams", "100 to 200 mg"),
    ("from two to four p m", "from 2 to 4 p.m."),
    ("heart rate in the nineties", "heart rate in the nineties"),
    ("pain is seven out of ten", "pain is seven out of ten"),
    ("the lesion measures two by three centimeters", "the lesion measures 2 by 3 cm"),
    ("one by one", "one by one"),
    ("taper by ten milligrams every three days", "taper by 10 mg every three days"),
]

DATES: list[tuple[str, str]] = [
    ("seen on March third twenty nineteen", "seen on March 3rd 2019"),
    ("born June twelfth nineteen ninety nine", "born June 12th 1999"),
    ("on the fifth of May", "on the 5th of May"),
    ("January first two thousand", "January 1st 2000"),
    ("December thirty first twenty twenty", "December 31st 2020"),
    ("in May twenty twelve", "in May 2012"),
    ("October twenty two twenty twenty three", "October 22 2023"),
    ("twenty five December twenty twenty", "25 December 2020"),
    ("may fifth", "May 5th"),
    ("born in nineteen eighty", "born in 1980"),
    ("in two thousand and twelve", "in 2012"),
    ("in the year two thousand nine", "in the year 2009"),
    ("twenty oh five", "2005"),
    ("nineteen oh two", "1902"),
    ("February twenty ninth", "February 29th"),
    ("surgery in April of twenty eighteen", "surgery in April of 2018"),
]

PHONES_AND_ZIPS: list[tuple[str, str]] = [
    ("call five five five one two one two", "call 5551212"),
    ("phone six one seven five five five oh one nine nine", "phone 6175550199"),
    ("ZIP nine four one one oh", "ZIP 94110"),
    ("zip code oh two one three nine", "zip code 02139"),
    ("zip nine oh two one oh", "zip 90210"),
    ("extension four four one", "extension 441"),
    ("room three one two", "room 312"),
    ("medical record number seven seven three four five", "medical record number 77345"),
    ("one two", "12"),
    ("the code is one oh one", "the code is 101"),
]

MIXED_DIGITS: list[tuple[str, str]] = [
    ("BP of 120 over 80", "BP of 120/80"),
    ("BP 120/80", "BP 120/80"),
    ("blood pressure 130 over 85", "BP 130/85"),
    ("25 milligrams", "25 mg"),
    ("5mg daily", "5 mg daily"),
    ("500mg twice daily", "500 mg twice daily"),
    ("$5 copay", "$5 copay"),
    ("10% dextrose", "10% dextrose"),
    ("10 percent", "10%"),
    ("1,000 milligrams", "1,000 mg"),
    ("37.4 Celsius", "37.4 C"),
    ("98.6 degrees Fahrenheit", "98.6 F"),
    ("at 7am", "at 7 a.m."),
    ("7 a.m.", "7 a.m."),
    ("at 7 a.m.", "at 7 a.m."),
    ("12:30 p.m.", "12:30 p.m."),
    ("5 million", "5 million"),
    ("2 point 5", "2.5"),
    ("heart rate 110 beats per minute", "heart rate 110 BPM"),
    ("pulse 80", "P 80"),
    ("P 80, R 17", "P 80, R 17"),
    ("L4-5", "L4-5"),
    ("L5", "L5"),
    ("80 kilos", "80 kg"),
    ("100 cc", "100 cc"),
    ("5 mg", "5 mg"),
    ("2 L", "2 L"),
    ("May 5th 2012", "May 5th 2012"),
    ("$1.15", "$1.15"),
    ("3/16", "3/16"),
]

HYPHENATED: list[tuple[str, str]] = [
    ("forty-two", "42"),
    ("sixty-five-year-old male", "65-year-old male"),
    ("a twenty-three-year-old woman", "a 23-year-old woman"),
    ("five-year-old", "five-year-old"),
    ("thirty-day supply", "30-day supply"),
    ("one-twenty over eighty", "120/80"),
    ("twenty-first century", "21st century"),
    ("COVID-19", "COVID-19"),
    ("covid-nineteen", "covid-19"),
    ("x-ray of the chest", "x-ray of the chest"),
    ("post-op day one", "POSTOP day one"),
    ("ninety-eight point six", "98.6"),
    ("one-half tablet", "1/2 tablet"),
    ("a 65-year-old", "a 65-year-old"),
]

TRAPS: list[tuple[str, str]] = [
    ("one of the patients", "one of the patients"),
    ("a second opinion", "a second opinion"),
    ("two views of the chest", "two views of the chest"),
    ("first degree AV block", "first degree AV block"),
    ("second degree heart block", "second degree heart block"),
    ("the patient is one", "the patient is one"),
    ("no one was with her", "no one was with her"),
    ("one year old", "one year old"),
    ("ten patients", "ten patients"),
    ("for a third time", "for a third time"),
    ("at this point three patients were seen", "at this point three patients were seen"),
    ("at one point she fell", "at one point she fell"),
    ("an hour and a half", "an hour and a half"),
    ("one second", "one second"),
    ("you may go home", "you may go home"),
    ("In March the patient marched.", "In March the patient marched."),
    ("his feet are swollen", "his feet are swollen"),
    ("pounds on the door", "pounds on the door"),
    ("the first visit", "the first visit"),
    ("grade two murmur", "grade two murmur"),
    ("he has two kids and one dog", "he has two kids and one dog"),
    ("oh no", "oh no"),
    ("a few milligrams", "a few milligrams"),
    ("I am fine", "I am fine"),
    ("the patient walked in", "the patient walked in"),
    ("vitamin C", "vitamin C"),
    ("a dozen eggs", "a dozen eggs"),
    ("The patient is one of four siblings.", "The patient is one of four siblings."),
    ("At one time she smoked.", "At one time she smoked."),
    ("follow up in two weeks", "follow up in two weeks"),
    ("three view x-ray of the left knee", "three view x-ray of the left knee"),
    ("point of care testing", "point of care testing"),
    ("at this point", "at this point"),
    ("ten", "ten"),
]

NUMBERS: list[tuple[str, str]] = [
    ("eleven", "11"),
    ("she is eleven years old", "she is 11 years old"),
    ("ninety nine", "99"),
    ("one hundred", "100"),
    ("one hundred and five", "105"),
    ("two thousand", "2000"),
    ("ten thousand", "10,000"),
    ("twelve thousand five hundred", "12,500"),
    ("one million two hundred thousand", "1,200,000"),
    ("five million", "5 million"),
    ("twelve hundred", "1200"),
    ("a thousand", "1000"),
    ("eleventh", "11th"),
    ("twentieth", "20th"),
    ("one hundred and first", "101st"),
    ("the twenty second day", "the 22nd day"),
    ("three quarters of the dose", "3/4 of the dose"),
    ("two thirds", "2/3"),
    ("one third of patients", "1/3 of patients"),
    ("a third of the patients", "1/3 of the patients"),
    ("point zero five", "0.05"),
    ("one point five", "1.5"),
    ("twenty three dollars", "$23"),
    ("five dollars", "$5"),
    ("ten percent", "10%"),
    ("five percent", "5%"),
    ("one hundred percent", "100%"),
    ("twenty seconds", "20 seconds"),
    ("fourteen days", "14 days"),
    ("zero", "zero"),
]

TIMES: list[tuple[str, str]] = [
    ("at seven thirty he ate", "at 7:30 he ate"),
    ("at two fifteen p m", "at 2:15 p.m."),
    ("seven o'clock", "7 o'clock"),
    ("ten a m", "10 a.m."),
    ("at eleven forty five p m", "at 11:45 p.m."),
    ("six oh five a m", "6:05 a.m."),
    ("nine pm", "9 p.m."),
    ("around three thirty", "around 3:30"),
    ("Seen at 7 a.m.", "Seen at 7 a.m."),
    ("twelve p m.", "12 p.m."),
    ("at seven thirty I left", "at 7:30 I left"),
    ("lives at twelve thirty four Main Street", "lives at 1234 Main Street"),
    ("Next visit: January tenth at nine fifteen a m.", "Next visit: January 10th at 9:15 a.m."),
]

SPINE_AND_TERMS: list[tuple[str, str]] = [
    ("L four five disc herniation", "L4-5 disc herniation"),
    ("C five six", "C5-6"),
    ("tenderness at T twelve", "tenderness at T12"),
    ("S one radiculopathy", "S1 radiculopathy"),
    ("post operation day two", "POSTOP day two"),
    ("CT scan of the head", "CT Scan of the head"),
    ("CAT scan", "CT Scan"),
    ("in and out catheterization", "I/O catheterization"),
    ("B.P. was low", "BP was low"),
    ("bp was low", "BP was low"),
]

PUNCTUATION_AND_BAD_INPUT: list[tuple[str, str]] = [
    ("", ""),
    ("   ", ""),
    ("...", "..."),
    ("Twenty three, thirty seven.", "23, 37."),
    ("(one hundred milligrams)", "(100 mg)"),
    ('"twenty" he said', '"20" he said'),
    ("Is it eleven?", "Is it 11?"),
    ("over", "over"),
    ("point", "point"),
    ("and a half", "and a half"),
    ("dollars", "dollars"),
    ("one over", "one over"),
]

CASES = (VITALS + DOSES + RANGES + DATES + PHONES_AND_ZIPS + MIXED_DIGITS + HYPHENATED + TRAPS + NUMBERS
         + TIMES + SPINE_AND_TERMS + PUNCTUATION_AND_BAD_INPUT)


@pytest.mark.parametrize(("spoken", "written"), CASES)
def test_case(spoken: str, written: str) -> None:
    assert normalize_text(spoken) == written


@pytest.mark.parametrize(("spoken", "written"), CASES)
def test_written_form_is_stable(spoken: str, written: str) -> None:
    assert normalize_text(written) == written


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert len({spoken for spoken, _ in CASES}) == len(CASES)
