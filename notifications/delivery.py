"""Deliver one outbox message over its channel, exactly once."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Message

logger = logging.getLogger(__name__)


def deliver(*, message_id: int) -> None:
    """Send the message if it is still queued; a second call for a sent message does nothing."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, status=Message.Status.QUEUED).first()
        if message is None:
            return
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    if message.channel == Message.Channel.EMAIL:
        send_mail(message.subject or message.purpose, message.body, None, [message.to_email])
    else:
        logger.info("message %s sent by %s", message.pk, message.channel)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT, sent_at=timezone.now())
