"""Reads for the message log."""

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

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
        "receipt",
        "sms_parts",
        "forum_id",
    )
    if status in Message.Status.values:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-pk")


def message_summary(*, messages: QuerySet[Message]) -> dict:
    """Return the figures of a set of messages from one grouped query: counts per status, and per channel
    how many were sent, delivered and undelivered (the SMS gateway's receipts), failed, and the SMS parts with
    their estimated cost."""
    rows = (
        messages.order_by()
        .values("channel", "status")
        .annotate(
            n=Count("pk"),
            delivered=Count("pk", filter=Q(receipt=Message.Receipt.DELIVERED)),
            undelivered=Count("pk", filter=Q(receipt=Message.Receipt.UNDELIVERED)),
            parts=Sum("sms_parts"),
        )
    )
    counts = dict.fromkeys(Message.Status.values, 0)
    labels = dict(Message.Channel.choices)
    channels: dict[str, dict] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        channel = channels.setdefault(
            row["channel"],
            {
                "channel": row["channel"],
                "label": labels.get(row["channel"], row["channel"]),
                "total": 0,
                "sent": 0,
                "delivered": 0,
                "undelivered": 0,
                "failed": 0,
                "parts": 0,
            },
        )
        channel["total"] += row["n"]
        channel["sent"] += row["n"] if row["status"] == Message.Status.SENT else 0
        channel["failed"] += row["n"] if row["status"] == Message.Status.FAILED else 0
        channel["delivered"] += row["delivered"]
        channel["undelivered"] += row["undelivered"]
        channel["parts"] += row["parts"] or 0
    for channel in channels.values():
        channel["cost"] = round(channel["parts"] * settings.SMS_COST_PER_PART, 2)
    return {"counts": counts, "channels": sorted(channels.values(), key=lambda channel: channel["channel"])}


def messages_overview(*, user, since=None) -> dict:
    """Return the portal-wide figures per channel (of the purposes this user may see), since a date if given."""
    messages = Message.objects.all()
    hidden = purposes_hidden_from(user)
    if hidden:
        messages = messages.exclude(purpose__in=hidden)
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    return message_summary(messages=messages)


def forum_message_summary(*, forum, user) -> dict:
    """Return the forum log's figures (see `message_summary`) over the messages this user may see."""
    return message_summary(messages=messages_visible_to(user=user, forum=forum))
