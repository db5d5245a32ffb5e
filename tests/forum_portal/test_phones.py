import pytest
from django.core.exceptions import ValidationError

from forum_portal.phones import INVALID_PHONE, phone_display, phone_normalise


@pytest.mark.parametrize(
    "written",
    ["០១២ ៣៤៥ ៦៧៨", "+៨៥៥ ១២ ៣៤៥ ៦៧៨", "០12 ៣45 678"],
)
def test_phone_normalise_reads_khmer_digits(written):
    assert phone_normalise(written) == "+85512345678"


def test_phone_normalise_says_phone_or_mobile_as_asked():
    with pytest.raises(ValidationError) as mobile:
        phone_normalise("12")
    with pytest.raises(ValidationError) as phone:
        phone_normalise("12", message=INVALID_PHONE)
    assert (mobile.value.code, phone.value.code) == ("invalid_phone", "invalid_phone")
    assert mobile.value.messages[0].startswith("Enter a valid mobile number")
    assert phone.value.messages[0] == "Enter a valid phone number, for example 012 345 678."


def test_phone_display_writes_cambodian_numbers_nationally_and_others_internationally():
    assert phone_display("+85512345678") == "012 345 678"
    assert phone_display("+33612345678") == "+33 6 12 34 56 78"
    assert phone_display("not a number") == "not a number"
