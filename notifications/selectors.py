"""Reads for the message log."""

from django.db.models import Count, QuerySet

from notifications.models import Message


def forum_messages(*, forum, status: str = "") -> QuerySet[Message]:
    """Return the forum's messages, newest first, optionally of one status (the log's rows)."""
    messages = Message.objects.filter(forum=forum).only(
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


def forum_message_counts(*, forum) -> dict[str, int]:
    """Return the number of the forum's messages per status, counted in the database (every status present)."""
    counts = dict.fromkeys(Message.Status.values, 0)
    rows = Message.objects.filter(forum=forum).values_list("status").annotate(n=Count("pk")).order_by()
    counts.update(dict(rows))
    return counts
