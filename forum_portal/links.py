"""Absolute links for messages, calendar files and PDFs: the one place that joins SITE_URL and a path."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def absolute_url(name: str, *, language: str | None = None, query: str = "", **kwargs) -> str:
    """Return the absolute URL of the page `name`, in `language` (the active one if None), or "" if none.

    Messages leave the site, so their links must carry the host; the language prefix is the reader's, not
    the sender's, hence the override.
    """
    with translation.override(language or translation.get_language()):
        try:
            path = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return ""
    return absolute_path(path + (f"?{query}" if query else ""))


def absolute_path(path: str) -> str:
    """Return `path` (already reversed, starting with "/") on the site's public host."""
    return settings.SITE_URL.rstrip("/") + path


def safe_next_url(request, *, default: str) -> str:
    """Return the `next` the request carries (POST, then GET) if it stays on this site, else `default`.

    A `next` that names another host would turn the portal into an open redirect for phishing links.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
