"""The stable link that lets a submitter follow a concern: /<lang>/concerns/track/<token>/.

The receipt, the SMS and Telegram messages and the tracking form's result all give it. Why a token rather than the
tracking code in the path: the link's path lands in the web server's access log, in browser history and in chats,
and the code is also the key that answers status requests by SMS and Telegram and that people read aloud. The
token is an HMAC of the concern's id and code under SECRET_KEY: it cannot be guessed or forged, needs no column,
and reveals neither the code nor the concern's text. Whoever holds it may read what the code shows (the status and
NSSF's public answer), nothing more. The page's Referer never carries its path, it is never cached, and each
lookup counts against the same rate limit as the tracking form.
"""

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from feedback import selectors
from feedback.models import Concern
from forum_portal.links import absolute_url

LINK_SALT = "feedback.concern-track-link"
# 16 bytes of HMAC in base64url: 128 bits, past any guessing, and the whole link still fits an SMS.
DIGEST_CHARACTERS = 22


def _digest(*, pk: int, code: str, secret: str) -> str:
    mac = salted_hmac(LINK_SALT, f"{pk}:{code}", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode()[:DIGEST_CHARACTERS]


def concern_track_token(*, concern: Concern) -> str:
    """Return the token of `concern`'s tracking link: its id in base 36, a dot, and the HMAC."""
    return (
        f"{int_to_base36(concern.pk)}.{_digest(pk=concern.pk, code=concern.tracking_code, secret=settings.SECRET_KEY)}"
    )


def concern_track_url(*, concern: Concern, language: str) -> str:
    """Return the absolute tracking link of `concern`, in `language`, for messages that leave the site."""
    return absolute_url("feedback:concern_track_link", language=language, token=concern_track_token(concern=concern))


def concern_from_track_token(*, token: str) -> Concern | None:
    """Return the concern (with its public timeline) a tracking link names, or None for a forged or stale token.

    A token made with a key in SECRET_KEY_FALLBACKS still works, so rotating the key does not break sent links.
    """
    pk_part, _dot, digest = (token or "").partition(".")
    try:
        pk = base36_to_int(pk_part)
    except ValueError:
        return None
    code = Concern.objects.filter(pk=pk).values_list("tracking_code", flat=True).first()
    if code is None:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(digest, _digest(pk=pk, code=code, secret=secret)) for secret in secrets):
        return None
    return selectors.concern_for_tracking(code=code)
