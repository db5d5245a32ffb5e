"""Render a message's subject and bodies from its purpose's template, in the recipient's language.

Templates live in `templates/notifications/messages/<purpose>.<language>.txt`: the first line is the
subject, the rest (after a blank line) the text body. Khmer and English are written out in full there, so a
person reads a message composed in their language rather than a sentence assembled from fragments. The HTML
body of an email wraps the same text.
"""

from datetime import date, datetime
from functools import cache

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

SUPPORTED_LANGUAGES = ("km", "en")


@cache
def _text_engine() -> Engine:
    # Plain text must not be HTML-escaped ("&" stays "&"), so messages use their own engine.
    return Engine(
        dirs=[str(d) for d in settings.TEMPLATES[0]["DIRS"]],
        autoescape=False,
        builtins=["django.templatetags.i18n", "django.templatetags.l10n", "django.templatetags.tz"],
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


def message_render(message) -> tuple[str, str, str]:
    """Return (subject, text, html) for the message in its language and the forums' time zone."""
    language = _language(message.language)
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        if message.body:
            # Written by a person (an announcement): sent as written, not from a template.
            subject, text = message.subject, message.body
        else:
            try:
                template = _text_engine().get_template(f"notifications/messages/{message.purpose}.{language}.txt")
            except TemplateDoesNotExist:
                template = _text_engine().get_template(f"notifications/messages/generic.{language}.txt")
            rendered = template.render(Context(_context(message), autoescape=False)).strip()
            subject, _sep, text = rendered.partition("\n")
            text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        html = render_to_string(
            "notifications/email.html",
            {"subject": subject, "text": text, "language": language, "site_name": settings.SITE_NAME},
        )
    return subject.strip()[:200], text, html
