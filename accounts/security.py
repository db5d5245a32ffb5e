"""Who must use two factors, and the security events log (user ids only, never emails or names).

Events go to the "forum_portal.security" logger: log-ins, failed log-ins, failed second factors, password
resets and permission denials, each with the user's id (or none) and the page's URL name.
"""

import logging
import time

from allauth.account.signals import password_reset
from allauth.mfa.signals import authentication_failed
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.backends import SECOND_FACTORS, mfa_roles

logger = logging.getLogger("forum_portal.security")
LAST_SEEN_KEY = "accounts_last_seen"


def mfa_required(user) -> bool:
    """Return whether `user` must have a second factor: administrators, staff roles, organizers if set."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if hasattr(user, "holds_mfa_role"):  # loaded by accounts.backends with the user
        return user.holds_mfa_role
    return user.groups.filter(name__in=mfa_roles()).exists()


def mfa_missing(user) -> bool:
    """Return whether `user` must have a second factor and has none enrolled yet."""
    if not mfa_required(user):
        return False
    if hasattr(user, "has_second_factor"):
        return not user.has_second_factor
    return not is_mfa_enabled(user, types=SECOND_FACTORS)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None) if request is not None else None
    return match.view_name if match else ""


def security_event(event: str, *, user_id=None, request=None) -> None:
    """Log one security event with the user's id and the page's URL name, nothing personal."""
    logger.info("security event=%s user_id=%s view=%s", event, user_id or "-", _view_name(request) or "-")


@receiver(user_logged_in, dispatch_uid="accounts.security.logged_in")
def _logged_in(sender, request, user, **kwargs):
    # The idle clock starts here, written with the new session rather than on the next page.
    request.session[LAST_SEEN_KEY] = int(time.time())
    security_event("login", user_id=user.pk, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.security.logged_out")
def _logged_out(sender, request, user, **kwargs):
    security_event("logout", user_id=getattr(user, "pk", None), request=request)


@receiver(user_login_failed, dispatch_uid="accounts.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The credentials hold the typed email: log only the id of the account it names, if any.
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user_id = get_user_model().objects.filter(email=email).values_list("pk", flat=True).first() if email else None
    security_event("login_failed", user_id=user_id, request=request)


@receiver(authentication_failed, dispatch_uid="accounts.security.mfa_failed")
def _mfa_failed(sender, request, user, **kwargs):
    security_event("mfa_failed", user_id=user.pk, request=request)


@receiver(password_reset, dispatch_uid="accounts.security.password_reset")
def _password_reset(sender, request, user, **kwargs):
    security_event("password_reset", user_id=user.pk, request=request)
