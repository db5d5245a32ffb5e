"""Short links for SMS: `/r/<token>` leads to a long signed address until it expires.

A Khmer SMS is UCS-2: 70 characters in one part, 67 per part in more. A signed self-service link is about 100
characters on its own; `https://<30-character domain>/r/<token>` is about 51. The token has TOKEN_LENGTH
characters from a 54-character alphabet (about 58 bits): guessing one is hopeless behind the rate limits.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import ShortLink

TOKEN_LENGTH = 10
# Letters and digits without those read alike (0/O, 1/l/I).
TOKEN_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a secret
# A link whose message names no expiry lasts this long.
DEFAULT_LIFETIME = timedelta(days=90)


def short_link_create(*, target: str, expires_at: datetime | None = None) -> str:
    """Return the absolute short address of `target`, stored until `expires_at` (DEFAULT_LIFETIME from now if None).

    A live link to the same target lasting at least as long is reused, so sending a message again makes no new row.
    """
    expires_at = expires_at or timezone.now() + DEFAULT_LIFETIME
    link = ShortLink.objects.filter(target=target, expires_at__gte=expires_at).order_by("pk").first()
    while link is None:
        token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
        try:
            with transaction.atomic():
                link = ShortLink.objects.create(token=token, target=target, expires_at=expires_at)
        except IntegrityError:  # the same token drawn twice: draw again
            continue
    return settings.SITE_URL.rstrip("/") + reverse("short_link", kwargs={"token": link.token})


def short_link_target(*, token: str) -> str | None:
    """Return where a short link leads, or None when there is no such link or it has expired."""
    link = ShortLink.objects.filter(token=token[:16], expires_at__gt=timezone.now()).only("target").first()
    return link.target if link is not None else None
