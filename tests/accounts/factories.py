import time

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"
# Every test user with two factors shares this authenticator-app secret, so tests can type a valid code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code() -> str:
    """Return the code an authenticator app holding TOTP_SECRET shows now."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `UserFactory(two_factor=True)` also enrols an authenticator app and recovery codes."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def two_factor(obj, create, extracted, **kwargs):
        if create and extracted:
            TOTP.activate(obj, TOTP_SECRET)
            RecoveryCodes.activate(obj)
