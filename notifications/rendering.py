"""Render a message's subject and bodies from its purpose's template, in the recipient's language.

Templates live in `templates/notifications/messages/<purpose>.<language>.txt`: the first line is the
subject, the rest (after a blank line) the text body. Khmer and English are written out in full there, so a
person reads a message composed in their language rather than a sentence assembled from fragments. The HTML
body of an email wraps the same text.
"""

import contextlib
from datetime import date, datetime
from functools import cache

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.shortlinks import short_link_create

SUPPORTED_LANGUAGES = ("km", "en")


@cache
def _text_engine() -> Engine:
    # Plain text must not be HTML-escaped ("&" stays "&"), so messages use their own engine.
    return Engine(
        dirs=[str(d) for d in settings.TEMPLATES[0]["DIRS"]],
        autoescape=False,
        builtins=[
            "django.templatetags.i18n",
            "django.templatetags.l10n",
            "django.templatetags.tz",
            "forum_portal.templatetags.text",
        ],
    )


def _language(language: str) -> str:
    return language if language in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE


ISO_FIELDS = {
    "forum_starts_at": datetime.fromisoformat,
    "forum_ends_at": datetime.fromisoformat,
    "old_starts_at": datetime.fromisoformat,
    "resolve_due": date.fromisoformat,
}


def _context(message) -> dict:
    context = dict(message.context or {})
    # The outbox stores JSON; dates and times come back as ISO strings for the templates' date filters.
    for key, parse in ISO_FIELDS.items():
        value = context.get(key)
        if isinstance(value, str) and value:
            try:
                context[key] = parse(value)
            except ValueError:
                context[key] = None
    context.setdefault("name", message.recipient_name)
    context["site_name"] = settings.SITE_NAME
    return context


def _sms_context(message, context: dict) -> dict:
    """Return the context of an SMS: each link (a `*_url` value) replaced by its short link (/r/<token>).

    The short link lasts until the context's `links_expire_at` (ISO), else the message's expiry, else
    shortlinks.DEFAULT_LIFETIME.
    """
    expires_at = message.expires_at
    if isinstance(context.get("links_expire_at"), str):
        with contextlib.suppress(ValueError):
            expires_at = datetime.fromisoformat(context["links_expire_at"])
    for key, value in list(context.items()):
        if key.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://")):
            context[key] = _ShortLinkOnUse(target=value, expires_at=expires_at)
    return context


class _ShortLinkOnUse:
    """A link the template shortens when it prints it (templates call callables), so unused links store nothing."""

    def __init__(self, *, target: str, expires_at):
        self.target, self.expires_at, self.short = target, expires_at, ""

    def __call__(self) -> str:
        if not self.short:
            self.short = short_link_create(target=self.target, expires_at=self.expires_at)
        return self.short


def _template(purpose: str, language: str, *, sms: bool):
    # An SMS has a shorter text of its own where one is written (`<purpose>.<language>.sms.txt`).
    names = [f"notifications/messages/{purpose}.{language}.sms.txt"] if sms else []
    names += [f"notifications/messages/{purpose}.{language}.txt", f"notifications/messages/generic.{language}.txt"]
    return _text_engine().select_template(names)


def message_render(message) -> tuple[str, str, str]:
    """Return (subject, text, html) for the message in its language and the forums' time zone."""
    language = _language(message.language)
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        if message.body:
            # Written by a person (an announcement): sent as written, not from a template.
            subject, text = message.subject, message.body
        else:
            sms = message.channel == "sms"
            template = _template(message.purpose, language, sms=sms)
            context = _sms_context(message, _context(message)) if sms else _context(message)
            rendered = template.render(Context(context, autoescape=False)).strip()
            subject, _sep, text = rendered.partition("\n")
            text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        html = render_to_string(
            "notifications/email.html",
            {"subject": subject, "text": text, "language": language, "site_name": settings.SITE_NAME},
        )
    return subject.strip()[:200], text, html
