"""Enterprise registrations without the database: the fields an applicant gives, checked the
way staff would check them (USCC check characters, GB/T 2260 region, a phone number, a
username), each refusal naming the field and the value."""

from __future__ import annotations

from adoption.accounts import normalize_phone, normalize_username
from adoption.fields import clean_label
from adoption.regions import normalize_region
from adoption.schemas import RegistrationInput
from adoption.uscc import normalize_uscc


def check_registration(
    *, uscc: str, name: str, region_code: str, contact_name: str, contact_phone: str,
    username: str,
) -> RegistrationInput:
    """Validate a registration's fields (the password is checked by
    ``adoption.accounts.check_password``).

    Raises:
        InvalidFieldError: naming ``uscc``, ``name``, ``region_code``, ``contact_name``,
            ``contact_phone`` or ``username`` and the offending value.
    """
    return RegistrationInput(
        uscc=normalize_uscc(uscc),
        name=clean_label(name, "name", 300, required=True),
        region_code=normalize_region(region_code),
        contact_name=clean_label(contact_name, "contact_name", 100, required=True),
        contact_phone=normalize_phone(contact_phone),
        username=normalize_username(username),
    )
