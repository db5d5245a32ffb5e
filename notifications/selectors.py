"""Reads for the message log."""

from django.db.models import Count, QuerySet

from notifications.models import Message
from notifications.purposes import purposes_hidden_from


def messages_visible_to(*, user, forum) -> QuerySet[Message]:
    """Return the forum's messages this user may see: those of a purpose that needs a permission only with it."""
    messages = Message.objects.filter(forum=forum)
    hidden = purposes_hidden_from(user)
    return messages.exclude(purpose__in=hidden) if hidden else messages


def forum_messages(*, forum, user, status: str = "") -> QuerySet[Message]:
    """Return the forum's messages the user may see, newest first, optionally of one status (the log's rows)."""
    messages = messages_visible_to(user=user, forum=forum).only(
        "pk",
        "purpose",
        "channel",
        "language",
        "recipient_name",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "forum_id",
    )
    if status in Message.Status.values:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-pk")


def forum_message_counts(*, forum, user) -> dict[str, int]:
    """Return the number of visible messages per status, counted in the database (every status present)."""
    counts = dict.fromkeys(Message.Status.values, 0)
    rows = messages_visible_to(user=user, forum=forum).values_list("status").annotate(n=Count("pk")).order_by()
    counts.update(dict(rows))
    return counts
