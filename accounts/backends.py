"""Authentication backends that load, with the user, whether they must and do use two factors.

The two-factor middleware asks both questions on every request; answering them in the query that loads the
user (two EXISTS subqueries) keeps every page's query count unchanged.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from accounts.roles import MFA_REQUIRED_ROLES, ORGANIZERS

# Recovery codes alone are not a second factor: they come with an authenticator app or a security key.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_roles() -> list[str]:
    """Return the role groups whose members must use two factors (organizers when the setting says so)."""
    return [*MFA_REQUIRED_ROLES, *([ORGANIZERS] if settings.ACCOUNTS_MFA_REQUIRED_FOR_ORGANIZERS else [])]


def users_with_mfa_facts():
    """Return users annotated with `holds_mfa_role` and `has_second_factor`."""
    User = get_user_model()
    return User.objects.annotate(
        holds_mfa_role=Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=mfa_roles())),
        has_second_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)),
    )


class _MFAFactsMixin:
    def get_user(self, user_id):
        try:
            user = users_with_mfa_facts().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_MFAFactsMixin, DjangoModelBackend):
    """Django's backend (the admin's and the tests' force_login), loading the user with their MFA facts."""


class AuthenticationBackend(_MFAFactsMixin, AllauthBackend):
    """allauth's backend (the log-in form), loading the user with their MFA facts."""
