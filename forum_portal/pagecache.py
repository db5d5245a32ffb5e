"""Serve the public pages (home, the forum list, a forum's page) to anonymous visitors from the cache.

Profiling the forum page (cProfile, 100 requests through the test client) showed its 12 ms going to four
queries with their prefetches and SQL compilation (about 57 %) and to template rendering (about 37 %); the
middleware stack is shared with any view. So the rendered page is kept in the cache, one copy per language and
path, and a hit costs one cache round trip.

What varies per visitor stays per visitor:
- the CSRF token of the forms on every page (the language switcher): the cached copy holds a placeholder, and
  each answer gets a fresh token (and its cookie, as an uncached page would);
- logged-in users, and visitors with a session or pending messages, get the page rendered for them.

A copy is good while the generation it was rendered in is current and for at most `PUBLIC_PAGE_CACHE_SECONDS`.
Each web process also keeps the copies it served for `PUBLIC_PAGE_LOCAL_SECONDS` (1 s): a hit then needs no
network at all, which is what brings the pages near the bare view's speed; other processes see a change within
that second, the process that made it at once.
Changes to forums, their agenda, series or materials start a new generation once they commit; a seat taken or
freed starts one at most every `PUBLIC_PAGE_SEATS_LAG_SECONDS`, so a registration rush does not re-render
every page 50 times a second, and the lifetime bounds what a visitor may miss (seats left, a window closing).

Every cache call goes through `safe_cache_call`: with Redis down the pages are rendered as if uncached.
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from forum_portal.safe_cache import safe_cache_call

GENERATION_KEY = "public-pages:generation"
SEATS_MARK_KEY = "public-pages:seats-changed"
CSRF_PLACEHOLDER = b"__csrf_token_placeholder__"
# Django's {% csrf_token %} renders exactly this input; its value is the only per-visitor part of a public page.
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
# This process's copies: key -> (good until, on time.monotonic(); body; content type).
_local_copies: dict[str, tuple[float, bytes, str]] = {}
LOCAL_COPIES_MAX = 500


def _cache_seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 5)


def _cacheable(request, allowed_params: frozenset[str]) -> bool:
    """Say whether this request may be answered with the anonymous visitors' copy."""
    if request.method != "GET" or _cache_seconds() <= 0:
        return False
    if not set(request.GET).issubset(allowed_params):
        # Unknown parameters would each make a copy; they get the page rendered instead.
        return False
    cookies = request.COOKIES
    # A session may be a logged-in user's or hold messages to show; both need their own rendering. Checking the
    # cookies, not request.user, keeps an anonymous hit free of any session or database access.
    return settings.SESSION_COOKIE_NAME not in cookies and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in (
        cookies
    )


def _page_key(request) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"public-page:{get_language()}:{path}"


def public_page_cached(*, allowed_params: frozenset[str] = frozenset()):
    """Decorate a public view so anonymous GETs are answered from the cache (see the module docstring).

    Only 200 answers are kept, with their body and content type; headers that middleware adds (language,
    security policy, CSRF cookie) are added again on each answer.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request, allowed_params):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            now = time.monotonic()
            local = _local_copies.get(key)
            if local is not None and local[0] > now:
                return _answer(request, body=local[1], content_type=local[2])
            found = safe_cache_call("get_many", [GENERATION_KEY, key], default=None)
            if found is None:
                return view(request, *args, **kwargs)
            generation = found.get(GENERATION_KEY, 0)
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                _keep_local(key, now, body=entry[1], content_type=entry[2])
                return _answer(request, body=entry[1], content_type=entry[2])
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                body = CSRF_INPUT.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content)
                safe_cache_call("set", key, (generation, body, response["Content-Type"]), _cache_seconds())
                _keep_local(key, now, body=body, content_type=response["Content-Type"])
            return response

        return wrapper

    return decorator


def _keep_local(key: str, now: float, *, body: bytes, content_type: str) -> None:
    seconds = getattr(settings, "PUBLIC_PAGE_LOCAL_SECONDS", 1)
    if seconds <= 0:
        return
    if len(_local_copies) >= LOCAL_COPIES_MAX:
        _local_copies.clear()  # many paths (pages of the list): start over rather than track ages
    _local_copies[key] = (now + seconds, body, content_type)


def _answer(request, *, body: bytes, content_type: str) -> HttpResponse:
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(body, content_type=content_type)


def public_pages_invalidate() -> None:
    """Start a new generation of the public pages once the current transaction commits (now, outside one)."""
    if _cache_seconds() > 0:
        transaction.on_commit(_generation_next)


def public_pages_seats_changed() -> None:
    """Note that seats were taken or freed: start a new generation unless one started in the last few seconds."""
    if _cache_seconds() > 0:
        transaction.on_commit(_generation_next_throttled)


def _generation_next() -> None:
    _local_copies.clear()
    safe_cache_call("add", GENERATION_KEY, 0, None)
    safe_cache_call("incr", GENERATION_KEY)


def _generation_next_throttled() -> None:
    lag = getattr(settings, "PUBLIC_PAGE_SEATS_LAG_SECONDS", 3)
    if safe_cache_call("add", SEATS_MARK_KEY, 1, lag, default=True):
        _generation_next()
