"""Show content written in both languages, marking text shown in the other language with its `lang`.

`{% translated forum "title" %}` prints the title in the active language; when only the other language has
one, it prints `<span lang="en">...</span>` so screen readers and fonts read it in its own language.
`<div{{ forum|fallback_lang:"description" }}>` gives the same mark as an attribute, for block content.
"""

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from forum_portal.khmer import date_khmer, digits_khmer

register = template.Library()
LANGUAGES = ("km", "en")


def fallback_language(obj, field: str) -> str:
    """Return the language `obj.<field>` is shown in when it is not the active one (a fallback), else ""."""
    if obj is None:
        return ""
    active = (get_language() or "km")[:2]
    if active not in LANGUAGES or not hasattr(obj, f"{field}_{active}"):
        return ""
    if getattr(obj, f"{field}_{active}", None):
        return ""
    for lang in LANGUAGES:
        if lang != active and getattr(obj, f"{field}_{lang}", None):
            return lang
    return ""


@register.simple_tag
def translated(obj, field: str):
    """Return `obj.<field>` in the active language, wrapped in a `lang` span when shown in the other one."""
    value = getattr(obj, field, "") if obj is not None else ""
    lang = fallback_language(obj, field)
    return format_html('<span lang="{}">{}</span>', lang, value) if lang else (value or "")


@register.filter
def fallback_lang(obj, field: str) -> str:
    """Return ` lang="xx"` when `obj.<field>` is shown in the other language, else ""."""
    lang = fallback_language(obj, field)
    return mark_safe(f' lang="{lang}"') if lang else ""  # noqa: S308 - lang is "km" or "en", never user input


@register.filter
def official_date(value, with_time: bool = False) -> str:
    """Return a date as official documents write it: in Khmer "ថ្ងៃទី១៥ ខែកុម្ភៈ ឆ្នាំ២០២៦" (Khmer digits and
    month names), in English Django's DATE_FORMAT. For PDFs, where a Khmer reader expects the official form."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    if (get_language() or "")[:2] == "km":
        return date_khmer(value, with_time=bool(with_time))
    text = formats.date_format(value, "DATE_FORMAT")
    if with_time and isinstance(value, datetime):
        text += ", " + formats.time_format(value, "TIME_FORMAT")
    return text


@register.filter
def local_digits(value) -> str:
    """Return a number (or any text) with Khmer digits when the active language is Khmer."""
    text = "" if value is None else str(value)
    return digits_khmer(text) if (get_language() or "")[:2] == "km" else text
