from django import template
from django.urls import reverse

from forum_portal.phones import phone_display as _phone_display
from participants import selectors, services
from participants.messages import registration_telegram_link

register = template.Library()


@register.filter
def registration_closed_reason(forum):
    """Return why registration for `forum` is closed now, and when it opens or closed."""
    return selectors.registration_closed_reason(forum=forum) or ""


@register.filter
def phone_display(value):
    """Return an E.164 number as people in Cambodia write it."""
    return _phone_display(value)


@register.simple_tag
def telegram_deep_link(registration) -> str:
    """Return the bot's deep link for this registration, or "" when no Telegram bot is configured."""
    if registration is None or not getattr(registration, "pk", None):
        return ""
    return registration_telegram_link(registration=registration)


@register.simple_tag
def evaluation_before_path(registration) -> str:
    """Return the person's link to the knowledge questions asked before the forum, or "" when none are open."""
    evaluation = getattr(registration.forum, "evaluation", None)
    if registration.status != "confirmed" or evaluation is None:
        return ""
    if not services.evaluation_is_open(forum=registration.forum, moment="before"):
        return ""
    if not evaluation.questions.filter(is_knowledge=True).exists():
        return ""
    return reverse(
        "participants:evaluation_answer",
        kwargs={"token": services.evaluation_token(registration=registration, moment="before")},
    )
