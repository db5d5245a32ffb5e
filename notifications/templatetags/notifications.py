from django import template

from notifications.services import telegram_deep_link as deep_link

register = template.Library()


@register.simple_tag
def telegram_deep_link(registration) -> str:
    """Return the bot's deep link for this registration, or "" when no Telegram bot is configured."""
    if registration is None or not getattr(registration, "pk", None):
        return ""
    return deep_link(registration=registration)
