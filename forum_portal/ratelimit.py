"""Rate limits for public forms, kept in the shared cache (Redis in production).

A fixed window per scope and key: simple, atomic with Redis' INCR, and enough to stop a script from flooding a
form or enumerating tracking codes. Each public form is limited twice. Per client address the limit is
generous: in Cambodia a mobile carrier puts many phones behind one address (carrier-grade NAT), and at a venue
everyone shares one Wi-Fi, so 200 people on one address must be able to register within an hour. Per phone
number or tracking code it is tight, because one person has one. Keys are hashes, so no address, number or
code is stored in clear.

A cache outage never costs a registration or a concern: the limiter then lets the request through and logs a
warning (fail open). Limits are read from settings at request time, by name, so they can be tuned per site.
"""

import hashlib
import logging
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from forum_portal.phones import phone_normalise

logger = logging.getLogger(__name__)


def _digest(value: str) -> str:
    return hashlib.blake2b(f"{settings.SECRET_KEY}:{value}".encode(), digest_size=12).hexdigest()


def client_key(request) -> str:
    """Return a stable, non-reversible identifier of the client's address."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.RATELIMIT_TRUST_FORWARDED_FOR:
        address = request.META.get("HTTP_X_FORWARDED_FOR", address).split(",")[0].strip()
    return _digest(address)


def value_key(value: str) -> str:
    """Return a non-reversible identifier of a phone number or code, the same however it was written.

    "012 345 678", "+855 12 345 678" and "០១២៣៤៥៦៧៨" are one number; "abcde-23456" and "ABCDE23456" one code.
    """
    try:
        value = phone_normalise(value)
    except ValidationError:
        value = re.sub(r"[\W_]+", "", value).upper()
    return _digest(value)


def hit(request, *, scope: str, limit: int, period: int, key: str | None = None) -> bool:
    """Count one attempt; return True while within `limit` attempts per `period` seconds.

    The count is per client address, or per `key` (from `value_key`) when one is given. When the cache cannot
    be reached the attempt is allowed and a warning logged.
    """
    window = int(timezone.now().timestamp()) // period
    cache_key = f"ratelimit:{scope}:{key or client_key(request)}:{window}"
    try:
        cache.add(cache_key, 0, timeout=period + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=period + 5)
            count = 1
    except Exception:  # noqa: BLE001 - any cache failure (Redis down, timeout): fail open, logged
        logger.warning("cache unavailable: rate limit %r not applied", scope)
        return True
    return count <= limit


def limited(request, *, period: int):
    """Return the bilingual "too many attempts" page (429) with how long to wait."""
    minutes = max(1, -(-period // 60))
    response = render(request, "429.html", {"retry_after": period, "retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(period)
    return response


def within_limits(request, *, scope: str, rate: str, field: str = "", field_rate: str = "") -> int | None:
    """Count one attempt per address (setting `rate`) and per the value of POST `field` (`field_rate`).

    Return None while within both limits, else the period to wait, in seconds. Both counts are taken on every
    attempt, so a client cannot spread one number's attempts over many addresses, nor one address's over many
    numbers.
    """
    limit, period = getattr(settings, rate)
    wait = None if hit(request, scope=scope, limit=limit, period=period) else period
    value = request.POST.get(field, "").strip() if field else ""
    if value:
        limit, field_period = getattr(settings, field_rate)
        if not hit(request, scope=f"{scope}:{field}", limit=limit, period=field_period, key=value_key(value)):
            wait = max(wait or 0, field_period)
    return wait


def ratelimit(
    *,
    scope: str,
    limit: int | None = None,
    period: int | None = None,
    rate: str = "",
    field: str = "",
    field_rate: str = "",
    methods=("POST",),
):
    """Refuse a view with the 429 page when the client exceeds a limit for these methods.

    Give either `rate`, the name of a setting holding (attempts, seconds) per address, with an optional POST
    `field` limited by the setting `field_rate`; or a fixed `limit` and `period` per address.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                if rate:
                    wait = within_limits(request, scope=scope, rate=rate, field=field, field_rate=field_rate)
                else:
                    wait = None if hit(request, scope=scope, limit=limit, period=period) else period
                if wait is not None:
                    return limited(request, period=wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
