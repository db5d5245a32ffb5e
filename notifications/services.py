"""Recording messages in the outbox. Delivery is the job of `notifications.tasks`."""

from datetime import datetime

from django.db import transaction

from notifications.models import Message


def message_queue(
    *,
    idempotency_key: str,
    purpose: str,
    channel: str,
    language: str,
    recipient_name: str = "",
    to_phone: str = "",
    to_email: str = "",
    to_telegram_chat: str = "",
    context: dict | None = None,
    forum=None,
    send_after: datetime | None = None,
) -> Message:
    """Record a message to send, in the caller's transaction, and deliver it after commit.

    Calling twice with the same idempotency key records one message: causes may be retried safely.
    """
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "purpose": purpose,
                "channel": channel,
                "language": language,
                "recipient_name": recipient_name,
                "to_phone": to_phone,
                "to_email": to_email,
                "to_telegram_chat": to_telegram_chat,
                "context": context or {},
                "forum": forum,
                "send_after": send_after,
            },
        )
    if created and send_after is None:
        from notifications.tasks import message_deliver_later

        transaction.on_commit(lambda: message_deliver_later(message_id=message.pk), robust=True)
    return message
