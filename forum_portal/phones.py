"""Phone numbers: what people write (012 345 678, +855 12 345 678, ០១២ ៣៤៥ ៦៧៨) in, E.164 (+85512345678) out.

The one place that parses and formats phone numbers, for registrations and concerns alike.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "KH"

INVALID_MOBILE = _("Enter a valid mobile number, for example 012 345 678 or +855 12 345 678.")
INVALID_PHONE = _("Enter a valid phone number, for example 012 345 678.")


def phone_normalise(value: str, *, message=INVALID_MOBILE) -> str:
    """Return `value` as an E.164 number; raise ValidationError (code "invalid_phone") with `message` if it is not
    a valid phone number.

    Khmer digits are read as digits (the phonenumbers library maps every Unicode decimal digit).
    """
    try:
        number = phonenumbers.parse((value or "").strip(), REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
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


def phone_from_gateway(value: str) -> str:
    """Return a number an SMS gateway or Telegram reports (often "85512345678", without the "+") in E.164,
    or "" when it is not a valid phone number."""
    digits = (value or "").strip()
    for candidate in (digits, f"+{digits}" if digits.isdigit() else ""):
        if not candidate:
            continue
        try:
            return phone_normalise(candidate)
        except ValidationError:
            continue
    return ""
