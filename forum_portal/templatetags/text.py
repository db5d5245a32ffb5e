"""Text filters every template has (pages and messages alike): `{{ title|truncate_text:30 }}`."""

from django import template

from forum_portal.khmer import text_truncate

register = template.Library()


@register.filter
def truncate_text(value, length):
    """Cut `value` to `length` characters, ellipsis included, never inside a Khmer syllable (see text_truncate)."""
    try:
        length = int(length)
    except (TypeError, ValueError):
        return value
    return text_truncate(value, length)
