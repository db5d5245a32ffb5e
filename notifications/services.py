"""Writes for the outbox: recording messages, enqueueing them, cancelling them, the sweep, Telegram links.

The outbox knows no app that uses it: callers write on each message everything delivery needs (recipient,
channel, language, purpose, the rendered context, a validity `expires_at`) and cancel queued messages by key
prefix when their cause goes away. Every function records messages in the caller's transaction and hands their
delivery to Celery only after commit (`transaction.on_commit`). Delivery itself is `notifications.delivery`.
"""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Forum
from notifications.models import Message, SmsOptOut, TelegramChat
from notifications.sms import has_khmer, inbound_text_clean, is_stop_request

logger = logging.getLogger(__name__)

Status = Message.Status


# The outbox --------------------------------------------------------------------------------------


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
    expires_at: datetime | None = None,
    subject: str = "",
    body: str = "",
) -> Message:
    """Record a message to send, in the caller's transaction, and deliver it after commit.

    Calling twice with the same idempotency key records one message: causes may be retried safely. A message
    with `send_after` in the future is left to the sweep, which enqueues it once it is due; one still queued at
    `expires_at` is dropped instead of sent (a reminder once the forum has started). `subject` and
    `body` are for text written by a person (announcements); otherwise the purpose's template is rendered
    in `language` at delivery.
    """
    due_now = send_after is None or send_after <= timezone.now()
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
                "expires_at": expires_at,
                "subject": subject,
                "body": body,
                "enqueued_at": timezone.now() if due_now else None,
            },
        )
        if created and due_now:
            _enqueue_after_commit([message.pk])
    return message


def messages_queue_bulk(*, messages: list[Message]) -> int:
    """Record many unsaved messages at once, skipping keys already in the outbox; enqueue the new ones.

    A fixed number of queries whatever the count, so announcements and reminders to thousands stay fast. Two
    runs at once insert each key once (the unique key), and each enqueues only the rows it inserted.
    Return how many messages were new.
    """
    if not messages:
        return 0
    stamp, batch = timezone.now(), uuid.uuid4()
    for message in messages:
        message.enqueued_at, message.batch = stamp, batch
    with transaction.atomic():
        Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
        ids = list(
            Message.objects.filter(batch=batch, status=Status.QUEUED).order_by("pk").values_list("pk", flat=True)
        )
        _enqueue_after_commit(ids)
    return len(ids)


def _enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return
    from notifications.tasks import messages_enqueue

    transaction.on_commit(lambda: messages_enqueue(message_ids=ids), robust=True)


def message_enqueue_failed(*, message_ids: list[int]) -> None:
    """Record that the broker did not take these messages, so the next sweep picks them up at once."""
    Message.objects.filter(pk__in=message_ids, status=Status.QUEUED).update(enqueued_at=None)


def message_sweep(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Re-enqueue messages still queued after `NOTIFICATIONS_SWEEP_AFTER_SECONDS` and due; return how many.

    This is what makes a broker outage lose nothing: a message whose enqueue failed, or whose task was lost,
    is enqueued again. Rows locked by another sweep are skipped (`skip_locked`), so two beats never enqueue
    the same row twice; delivery is guarded by the status machine in any case. A message stuck in "sending"
    for `NOTIFICATIONS_SENDING_STALE_SECONDS` (a worker killed mid-send) is queued again first.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    with transaction.atomic():
        Message.objects.filter(
            status=Status.SENDING,
            sending_since__lt=now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS),
        ).update(status=Status.QUEUED, sending_since=None, enqueued_at=None, last_error="worker lost while sending")
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED)
            .filter(Q(send_after__isnull=True) | Q(send_after__lte=now))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(enqueued_at=now)
            logger.info("sweep re-enqueues %s messages", len(ids))
        _enqueue_after_commit(ids)
    return len(ids)


def message_resend(*, message: Message) -> Message:
    """Queue a failed message again for a fresh set of attempts. Raise ValidationError unless it failed."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Status.FAILED:
            raise ValidationError(_("Only a message that failed can be sent again."))
        message.status = Status.QUEUED
        message.attempts = 0
        message.send_after = None
        message.enqueued_at = timezone.now()
        message.save(update_fields=["status", "attempts", "send_after", "enqueued_at"])
        _enqueue_after_commit([message.pk])
    return message


def messages_cancel(*, key_prefix: str, forum: Forum | None = None) -> int:
    """Drop the messages still queued whose key starts with `key_prefix` (within `forum`, if given).

    The cause of a message that has not gone out yet went away (a registration was cancelled, a forum was
    called off): the outbox forgets it without knowing why. Messages being sent or already sent are left as
    they are. Return how many were dropped.
    """
    if not key_prefix:
        raise ValueError("a key prefix is required: cancelling every queued message is never meant")
    messages = Message.objects.filter(status=Status.QUEUED, idempotency_key__startswith=key_prefix)
    if forum is not None:
        messages = messages.filter(forum=forum)
    return messages.update(status=Status.DROPPED, enqueued_at=None)


# SMS both ways: delivery receipts, inbound texts, STOP ---------------------------------------------

# What gateways call the outcome in their delivery receipts (SMPP "stat" values and common JSON words).
RECEIPT_DELIVERED = {"delivered", "delivrd", "success", "ok"}
RECEIPT_UNDELIVERED = {"undelivered", "undeliv", "failed", "expired", "rejected", "rejectd", "deleted", "unknown"}


def sms_receipt_record(*, reference: str, status: str) -> Message | None:
    """Record the gateway's delivery receipt for the message it names (`m<id>`); return it, or None.

    An SMS reported undelivered goes again over the person's other channel (a linked Telegram chat, else an
    email address), once. A receipt repeated by the gateway changes nothing more.
    """
    word = (status or "").strip().lower()
    if word in RECEIPT_DELIVERED:
        receipt = Message.Receipt.DELIVERED
    elif word in RECEIPT_UNDELIVERED:
        receipt = Message.Receipt.UNDELIVERED
    else:
        return None
    if not (reference.startswith("m") and reference[1:].isdigit()):
        return None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=int(reference[1:]), channel=Message.Channel.SMS).first()
        if message is None or message.receipt == receipt:
            return message
        message.receipt, message.receipt_at = receipt, timezone.now()
        message.save(update_fields=["receipt", "receipt_at"])
        if receipt == Message.Receipt.UNDELIVERED:
            _queue_on_other_channel(message)
    return message


def _queue_on_other_channel(message: Message) -> None:
    chat = TelegramChat.objects.filter(phone=message.to_phone).first() if message.to_phone else None
    if chat is not None:
        message_send_again(message=message, channel=Message.Channel.TELEGRAM, to_telegram_chat=chat.chat_id)
    elif message.to_email:
        message_send_again(message=message, channel=Message.Channel.EMAIL)


def message_send_again(*, message: Message, channel: str, to_telegram_chat: str = "") -> Message:
    """Queue, once, the text a person should have read over another channel (`<key>:again:<channel>`).

    The copy carries the text as it was rendered for them, so it reads the same whatever the channel.
    """
    return message_queue(
        idempotency_key=f"{message.idempotency_key}:again:{channel}"[:200],
        purpose=message.purpose,
        channel=channel,
        language=message.language,
        recipient_name=message.recipient_name,
        to_phone=message.to_phone,
        to_email=message.to_email,
        to_telegram_chat=to_telegram_chat,
        context=message.context,
        forum=message.forum,
        expires_at=message.expires_at,
        subject=message.subject,
        body=message.body,
    )


def sms_opted_out(*, phone: str) -> bool:
    """Return whether this number texted STOP."""
    return SmsOptOut.objects.filter(phone=phone).exists()


def sms_inbound_receive(*, phone: str, text: str) -> str:
    """Act on a text someone sent to the portal's number; return what happened ("stop", "handled", "help").

    STOP (or its Khmer equivalent) records the opt-out and confirms it; any other text goes to the apps
    (`notifications.signals.sms_received`), which reply to what they recognise (a tracking or reference code,
    a concern); anything no app recognised gets a short help text. Replies are queued in the outbox.
    """
    from notifications.signals import sms_received

    clean = inbound_text_clean(text)
    language = "km" if has_khmer(clean) or not clean.isascii() else settings.LANGUAGE_CODE
    if is_stop_request(clean):
        SmsOptOut.objects.get_or_create(phone=phone, defaults={"keyword": clean[:30]})
        _sms_reply(phone=phone, purpose="sms_stopped", language=language)
        logger.info("an inbound SMS asked to stop all SMS")
        return "stop"
    answers = sms_received.send(sender=None, phone=phone, text=clean, language=language)
    if any(answer for _receiver, answer in answers):
        return "handled"
    _sms_reply(phone=phone, purpose="sms_help", language=language)
    return "help"


def _sms_reply(*, phone: str, purpose: str, language: str) -> None:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    message_queue(
        idempotency_key=f"{purpose}:{hashlib.sha256(phone.encode()).hexdigest()[:16]}:{stamp}",
        purpose=purpose,
        channel=Message.Channel.SMS,
        language=language,
        to_phone=phone,
    )


# What an erased message keeps in its address fields: the constraints want one, the person is gone.
ERASED_PHONE = "erased"
ERASED_EMAIL = "erased@erased.invalid"


def messages_erase_personal_data(*, context_key: str, ids: list[int]) -> int:
    """Erase the addresses, names and texts of the messages about these objects (`context[context_key]` in
    `ids`), keeping purpose, channel, status and dates for the delivery figures; drop those not sent yet.

    Return how many messages changed.
    """
    erased = 0
    for object_id in ids:
        messages = Message.objects.filter(**{f"context__{context_key}": object_id})
        messages.filter(status__in=[Message.Status.QUEUED, Message.Status.SENDING]).update(
            status=Message.Status.DROPPED
        )
        erased += messages.update(
            recipient_name="",
            to_phone=Case(When(to_phone="", then=Value("")), default=Value(ERASED_PHONE)),
            to_email=Case(When(to_email="", then=Value("")), default=Value(ERASED_EMAIL)),
            to_telegram_chat="",
            subject="",
            body="",
            html_body="",
            context={context_key: object_id},
        )
    return erased
