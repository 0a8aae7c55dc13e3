"""The PHI groups and types the medical guide lists, and which group each type belongs to."""

from __future__ import annotations

from enum import StrEnum


class PhiCategory(StrEnum):
    """The guide's five groups, spelled as Transcribe Medical writes `category`."""

    PERSONAL = "PHI-Personal"
    GEOGRAPHIC = "PHI-Geographic"
    ACCOUNT = "PHI-Account"
    VEHICLE = "PHI-Vehicle"
    OTHER = "PHI-Other"


class PhiType(StrEnum):
    """The specific kind of PHI inside a group."""

    NAME = "NAME"
    GENDER = "GENDER"
    AGE = "AGE"
    PHONE_NUMBER = "PHONE_NUMBER"
    DATE = "DATE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"
    ZIP_CODE = "ZIP_CODE"
    MEDICAL_CENTER = "MEDICAL_CENTER"
    FAX_NUMBER = "FAX_NUMBER"
    SSN = "SSN"
    HEALTH_PLAN_NUMBER = "HEALTH_PLAN_NUMBER"
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"
    # A medical record number is an account-like identifier under HIPAA; the guide folds it into Account.
    MEDICAL_RECORD_NUMBER = "MEDICAL_RECORD_NUMBER"
    LICENSE_NUMBER = "LICENSE_NUMBER"
    BIOMETRIC = "BIOMETRIC"
    VIN = "VIN"
    LICENSE_PLATE = "LICENSE_PLATE"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"


CATEGORY_OF: dict[PhiType, PhiCategory] = {
    PhiType.NAME: PhiCategory.PERSONAL,
    PhiType.GENDER: PhiCategory.PERSONAL,
    PhiType.AGE: PhiCategory.PERSONAL,
    PhiType.PHONE_NUMBER: PhiCategory.PERSONAL,
    PhiType.DATE: PhiCategory.PERSONAL,
    PhiType.EMAIL: PhiCategory.PERSONAL,
    PhiType.ADDRESS: PhiCategory.GEOGRAPHIC,
    PhiType.ZIP_CODE: PhiCategory.GEOGRAPHIC,
    PhiType.MEDICAL_CENTER: PhiCategory.GEOGRAPHIC,
    PhiType.FAX_NUMBER: PhiCategory.ACCOUNT,
    PhiType.SSN: PhiCategory.ACCOUNT,
    PhiType.HEALTH_PLAN_NUMBER: PhiCategory.ACCOUNT,
    PhiType.ACCOUNT_NUMBER: PhiCategory.ACCOUNT,
    PhiType.MEDICAL_RECORD_NUMBER: PhiCategory.ACCOUNT,
    PhiType.LICENSE_NUMBER: PhiCategory.ACCOUNT,
    PhiType.BIOMETRIC: PhiCategory.ACCOUNT,
    PhiType.VIN: PhiCategory.VEHICLE,
    PhiType.LICENSE_PLATE: PhiCategory.VEHICLE,
    PhiType.URL: PhiCategory.OTHER,
    PhiType.IP_ADDRESS: PhiCategory.OTHER,
}
