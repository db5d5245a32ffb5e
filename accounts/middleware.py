"""Two factors before anything else for the roles that need them; staff sessions that end when idle.

Both run after allauth's AccountMiddleware. Participants never log in, so every session here is staff.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts.security import LAST_SEEN_KEY, mfa_missing, security_event

# What a user who still has to enrol may open: the enrolment pages, log-out, and the language switch.
ENROLMENT_VIEWS = {
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_reauthenticate_webauthn",
    "mfa_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "set_language",
    "healthz",
}
# Writing the session on every request costs queries; a minute's precision is enough for a 30-minute limit.
# The clock starts at log-in (accounts.security); a session from before this existed starts on its next page.
LAST_SEEN_RESOLUTION = 60


class RequireTwoFactorMiddleware:
    """Send a user who must use two factors and has none to the enrolment page, from every other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.resolver_match.view_name in ENROLMENT_VIEWS:
            return None
        if mfa_missing(request.user):
            return redirect("mfa_activate_totp")
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            user = getattr(request, "user", None)
            security_event("permission_denied", user_id=getattr(user, "pk", None), request=request)
        return None


class StaffSessionMiddleware:
    """End a logged-in session after settings.ACCOUNTS_SESSION_IDLE_SECONDS without a request.

    Sessions also end when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.ACCOUNTS_SESSION_IDLE_SECONDS:
                security_event("session_expired", user_id=request.user.pk, request=request)
                logout(request)
            elif LAST_SEEN_KEY not in request.session or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
