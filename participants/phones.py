"""Mobile numbers: what people write (012 345 678, +855 12 345 678) in, E.164 (+85512345678) out."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "KH"

INVALID = _("Enter a valid mobile number, for example 012 345 678 or +855 12 345 678.")


def phone_normalise(value: str) -> str:
    """Return `value` as an E.164 number; raise ValidationError if it is not a valid phone number."""
    try:
        number = phonenumbers.parse((value or "").strip(), REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """Return an E.164 number the way people in Cambodia write it (national format for +855)."""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 855:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
