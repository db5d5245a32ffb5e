from django import template

from forum_portal.phones import phone_display as _phone_display
from participants import selectors

register = template.Library()


@register.filter
def registration_closed_reason(forum):
    """Return why registration for `forum` is closed now, and when it opens or closed."""
    return selectors.registration_closed_reason(forum=forum) or ""


@register.filter
def phone_display(value):
    """Return an E.164 number as people in Cambodia write it."""
    return _phone_display(value)
