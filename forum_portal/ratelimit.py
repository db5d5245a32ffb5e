"""Rate limits for public forms, kept in the shared cache (Redis in production).

A fixed window per client and scope: simple, atomic with Redis' INCR, and enough to stop a script from
flooding a form or enumerating tracking codes. The client is identified by a hash of its address, so no
address is stored in clear.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone


def client_key(request) -> str:
    """Return a stable, non-reversible identifier of the client's address."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.RATELIMIT_TRUST_FORWARDED_FOR:
        address = request.META.get("HTTP_X_FORWARDED_FOR", address).split(",")[0].strip()
    return hashlib.blake2b(f"{settings.SECRET_KEY}:{address}".encode(), digest_size=12).hexdigest()


def hit(request, *, scope: str, limit: int, period: int) -> bool:
    """Count one attempt; return True while the client is within `limit` attempts per `period` seconds."""
    window = int(timezone.now().timestamp()) // period
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    return count <= limit


def ratelimit(*, scope: str, limit: int, period: int, methods=("POST",)):
    """Refuse a view with a translated 429 page when the client exceeds the limit for these methods."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(request, scope=scope, limit=limit, period=period):
                return render(request, "429.html", {"retry_after": period}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
