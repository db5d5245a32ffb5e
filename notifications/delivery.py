"""Deliver one outbox message over its channel, at most once.

The `Message.status` machine guards the side effect: a delivery claims the row (queued -> sending) under a
row lock and commits before it talks to the channel, so a redelivered or duplicate task finds the message no
longer queued and does nothing. The outcome is then recorded: sent; queued again with a backoff after a
transient failure; failed after the last attempt or a permanent error.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template import TemplateSyntaxError
from django.utils import timezone

from notifications.channels import (
    PermanentDeliveryError,
    RateLimitedError,
    RecipientGoneError,
    TransientDeliveryError,
    channel_for,
)
from notifications.models import Message, SmsOptOut, TelegramChat
from notifications.purposes import purpose_get
from notifications.rendering import message_render
from notifications.sms import sms_parts

logger = logging.getLogger(__name__)

Status = Message.Status


def backoff_seconds(*, attempts: int) -> int:
    """Return the wait before the next attempt after `attempts` failed ones: exponential, capped."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS))


def _route(message: Message) -> None:
    """Pick the address for a Telegram message; without a linked chat fall back to SMS, then email."""
    if message.channel != Message.Channel.TELEGRAM or message.to_telegram_chat:
        return
    chat = TelegramChat.objects.filter(phone=message.to_phone).first() if message.to_phone else None
    if chat is not None:
        message.to_telegram_chat = chat.chat_id
    elif message.to_phone:
        message.channel = Message.Channel.SMS
    elif message.to_email:
        message.channel = Message.Channel.EMAIL


def _opted_out(message: Message) -> bool:
    purpose = purpose_get(message.purpose)
    if purpose is not None and purpose.ignores_opt_out:
        return False
    return SmsOptOut.objects.filter(phone=message.to_phone).exists()


def message_claim(*, message_id: int) -> Message | None:
    """Move a queued message to "sending", render it and count the attempt; return None if not queued."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True).filter(pk=message_id, status=Status.QUEUED).first()
        )
        if message is None:
            return None
        if message.expires_at is not None and message.expires_at <= timezone.now():
            # Its news is stale (a reminder once the forum has started): better unsent than late.
            message.status = Status.DROPPED
            message.save(update_fields=["status"])
            return None
        _route(message)
        if message.channel == Message.Channel.SMS and _opted_out(message):
            message.status, message.last_error = Status.DROPPED, "the number texted STOP"
            message.save(update_fields=["status", "last_error"])
            return None
        message.status = Status.SENDING
        message.attempts += 1
        message.sending_since = timezone.now()
        if not message.body:
            try:
                message.subject, message.body, message.html_body = message_render(message)
            except (TemplateSyntaxError, ValueError, TypeError, KeyError) as error:
                # A broken template or context will not mend itself: fail now, visibly, rather than retry.
                logger.exception("message %s could not be rendered", message.pk)
                message.status, message.last_error = Status.FAILED, f"could not render: {error.__class__.__name__}"
                message.save(update_fields=["status", "attempts", "last_error", "sending_since"])
                return None
        message.save(
            update_fields=[
                "status",
                "attempts",
                "sending_since",
                "channel",
                "to_telegram_chat",
                "subject",
                "body",
                "html_body",
            ]
        )
    return message


def _finish(message: Message, **fields) -> None:
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(sending_since=None, **fields)


def deliver(*, message_id: int) -> int | None:
    """Send the message if it is still queued; return seconds to wait before a retry, or None.

    A second call for a message that is sent, failed or being sent by another worker does nothing.
    """
    # A database error propagates: the claim is rolled back, the message stays queued for the sweep.
    message = message_claim(message_id=message_id)
    if message is None:
        return None
    now = timezone.now()
    try:
        channel_for(message.channel).send(message)
    except RateLimitedError as error:
        # Over the channel's pace: back in the queue without spending an attempt, for the sweep to send once
        # due (not a Celery retry, which would hold a worker slot only to wait). Nothing is dropped.
        _finish(
            message,
            status=Status.QUEUED,
            attempts=message.attempts - 1,
            send_after=now + timedelta(seconds=error.wait),
            enqueued_at=None,
        )
        return None
    except RecipientGoneError as error:
        logger.warning("message %s: the Telegram chat is gone; back to SMS", message.pk)
        _finish(message, status=Status.FAILED, last_error=str(error)[:500])
        _telegram_gone(message)
        return None
    except PermanentDeliveryError as error:
        logger.warning("message %s (%s) failed permanently", message.pk, message.channel)
        _finish(message, status=Status.FAILED, last_error=str(error)[:500])
        return None
    except Exception as error:  # noqa: BLE001 - any other failure is retried, bounded by the attempt count
        reason = str(error) if isinstance(error, TransientDeliveryError) else error.__class__.__name__
        if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.warning("message %s (%s) failed after %s attempts", message.pk, message.channel, message.attempts)
            _finish(message, status=Status.FAILED, last_error=reason[:500])
            return None
        wait = backoff_seconds(attempts=message.attempts)
        logger.info(
            "message %s (%s) attempt %s failed; retry in %ss", message.pk, message.channel, message.attempts, wait
        )
        _finish(
            message,
            status=Status.QUEUED,
            last_error=reason[:500],
            send_after=now + timedelta(seconds=wait),
            # The retry task is due then; the sweep steps in only if it has not run some minutes after that.
            enqueued_at=now + timedelta(seconds=wait),
        )
        return wait
    parts = sms_parts(message.body) if message.channel == Message.Channel.SMS else 0
    _finish(message, status=Status.SENT, sent_at=timezone.now(), sms_parts=parts)
    logger.info("message %s sent by %s", message.pk, message.channel)
    return None


def _telegram_gone(message: Message) -> None:
    """The person blocked the bot: forget the chat, tell the apps, and send this message by SMS instead."""
    from notifications.services import message_send_again
    from notifications.telegram import telegram_chat_unlink

    telegram_chat_unlink(chat_id=message.to_telegram_chat)
    if message.to_phone:
        message_send_again(message=message, channel=Message.Channel.SMS)
