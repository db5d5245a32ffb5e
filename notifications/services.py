"""Writes for the outbox: recording messages, enqueueing them, the sweep, and the messages the portal owes.

Every function records messages in the caller's transaction and hands their delivery to Celery only after
commit (`transaction.on_commit`). Delivery itself is `notifications.delivery`; the periodic entry points are
the tasks in `notifications.tasks`.
"""

import hashlib
import hmac
import logging
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS
from events.models import Forum
from notifications.models import (
    DEFAULT_REMINDER_OFFSETS_DAYS,
    ForumMessageSettings,
    Message,
    TelegramChat,
    TelegramUpdateOffset,
)

logger = logging.getLogger(__name__)

Status = Message.Status
# Forums whose participants expect messages: published or with registration closed, not yet over.
ACTIVE_FORUM_STATUSES = (Forum.Status.PUBLISHED, Forum.Status.CLOSED)
REMINDER = "forum_reminder"
THANK_YOU = "forum_thank_you"
FORUM_CHANGED = "forum_changed"
FORUM_CANCELLED = "forum_cancelled"
ANNOUNCEMENT = "announcement"
STAFF_DIGEST = "staff_digest"
# A thank-you goes out this long after the forum ends, and not at all once this window has passed.
THANK_YOU_AFTER = timedelta(hours=2)
THANK_YOU_WINDOW = timedelta(days=7)
DIGEST_HOUR = 8


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
    subject: str = "",
    body: str = "",
) -> Message:
    """Record a message to send, in the caller's transaction, and deliver it after commit.

    Calling twice with the same idempotency key records one message: causes may be retried safely. A message
    with `send_after` in the future is left to the sweep, which enqueues it once it is due. `subject` and
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


# Links and context ---------------------------------------------------------------------------------


def absolute_url(name: str, *, language: str, query: str = "", **kwargs) -> str:
    """Return an absolute URL on the site, in `language`, or "" if the page does not exist."""
    with translation.override(language):
        try:
            path = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return ""
    return settings.SITE_URL.rstrip("/") + path + (f"?{query}" if query else "")


def _registration_message(*, registration, purpose: str, key: str, extra: dict | None = None) -> Message:
    """Build (unsaved) a message to a participant, in their language, over their channel."""
    from participants.services import registration_message_context

    return Message(
        idempotency_key=key,
        purpose=purpose,
        channel=registration.reminder_channel,
        language=registration.preferred_language,
        recipient_name=registration.full_name,
        to_phone=registration.phone,
        to_email=registration.email,
        forum=registration.forum,
        context={**registration_message_context(registration=registration), **(extra or {})},
    )


def _confirmed_registrations(forum: Forum):
    from participants.models import Registration

    return (
        Registration.objects.filter(forum=forum, status=Registration.Status.CONFIRMED)
        .select_related("forum")
        .only(
            "pk",
            "code",
            "full_name",
            "phone",
            "email",
            "preferred_language",
            "reminder_channel",
            "forum__id",
            "forum__title",
            "forum__slug",
            "forum__starts_at",
            "forum__ends_at",
            "forum__venue_name",
            "forum__venue_address",
        )
        .order_by("pk")
    )


# Reminders -----------------------------------------------------------------------------------------


def forum_message_settings(*, forum: Forum) -> ForumMessageSettings:
    """Return the forum's message settings, unsaved defaults (7 and 1 days before, 9:00) if none were set."""
    try:
        return forum.message_settings
    except ForumMessageSettings.DoesNotExist:
        return ForumMessageSettings(forum=forum)


def forum_message_settings_save(*, forum: Forum, reminder_offsets_days: list[int], reminder_hour: int):
    """Save when the forum's reminders go out."""
    settings_row = forum_message_settings(forum=forum)
    settings_row.reminder_offsets_days = sorted(set(reminder_offsets_days), reverse=True)
    settings_row.reminder_hour = reminder_hour
    settings_row.full_clean()
    settings_row.save()
    return settings_row


def reminder_due_at(*, starts_at: datetime, days_before: int, hour: int) -> datetime:
    """Return when the reminder `days_before` the forum's local day goes out: at `hour`, Phnom Penh time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = timezone.localtime(starts_at, zone).date() - timedelta(days=days_before)
    return datetime.combine(day, time(hour), tzinfo=zone)


def reminder_offset_due(*, starts_at: datetime, offsets: list[int], hour: int, now: datetime) -> int | None:
    """Return the reminder offset to send now: the nearest to the forum among those already due.

    After downtime only the latest due reminder goes out (a "7 days before" reminder is not sent on the
    eve of the forum). None before the first is due, or once the forum has started.
    """
    if now >= starts_at:
        return None
    due = [d for d in offsets if reminder_due_at(starts_at=starts_at, days_before=d, hour=hour) <= now]
    return min(due) if due else None


def reminders_queue(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due for every upcoming forum; return how many were new.

    Idempotent per (registration, offset): the key is `reminder:<registration>:<days>`, so running twice, or
    two beats at once, records each reminder once; it catches up after downtime since it looks at every due
    offset, not only those due in the last interval. Forums that have started and cancelled registrations
    get none (and a reminder still queued when either happens is dropped at delivery).
    """
    now = now or timezone.now()
    horizon = max([*DEFAULT_REMINDER_OFFSETS_DAYS, *_configured_offsets()], default=0) + 2
    forums = Forum.objects.filter(
        status__in=ACTIVE_FORUM_STATUSES, starts_at__gt=now, starts_at__lte=now + timedelta(days=horizon)
    ).select_related("message_settings")
    created = 0
    for forum in forums:
        options = forum_message_settings(forum=forum)
        days = reminder_offset_due(
            starts_at=forum.starts_at, offsets=options.reminder_offsets_days, hour=options.reminder_hour, now=now
        )
        if days is None:
            continue
        # The offset stays due until the forum starts; skip, in one query, whoever already has this reminder.
        done = _existing_keys(forum=forum, purpose=REMINDER)
        messages = [
            _registration_message(
                registration=registration,
                purpose=REMINDER,
                key=f"reminder:{registration.pk}:{days}",
                extra={"days_before": days},
            )
            for registration in _confirmed_registrations(forum)
            if f"reminder:{registration.pk}:{days}" not in done
        ]
        created += messages_queue_bulk(messages=messages)
    return created


def _existing_keys(*, forum: Forum, purpose: str) -> set[str]:
    return set(Message.objects.filter(forum=forum, purpose=purpose).values_list("idempotency_key", flat=True))


def _configured_offsets() -> list[int]:
    offsets: list[int] = []
    for row in ForumMessageSettings.objects.values_list("reminder_offsets_days", flat=True):
        offsets.extend(int(d) for d in row or [])
    return offsets


def message_still_wanted(*, message: Message, now: datetime | None = None) -> bool:
    """Return False for a reminder whose forum has started or whose registration is no longer confirmed."""
    if message.purpose != REMINDER:
        return True
    from participants.models import Registration

    now = now or timezone.now()
    registration_id = (message.context or {}).get("registration_id")
    return Registration.objects.filter(
        pk=registration_id,
        status=Registration.Status.CONFIRMED,
        forum__starts_at__gt=now,
        forum__status__in=ACTIVE_FORUM_STATUSES,
    ).exists()


# Thank-you, forum changes, announcements ------------------------------------------------------------


def thank_you_queue(*, now: datetime | None = None) -> int:
    """Thank each confirmed participant after the forum, with the link to raise a concern; return how many.

    Sent from two hours after the forum ends for a week (so it catches up after downtime), once per
    registration (`thank_you:<registration>`).
    """
    now = now or timezone.now()
    forums = Forum.objects.filter(
        status__in=(*ACTIVE_FORUM_STATUSES, Forum.Status.COMPLETED),
        ends_at__lte=now - THANK_YOU_AFTER,
        ends_at__gt=now - THANK_YOU_WINDOW,
    )
    created = 0
    for forum in forums:
        links = {
            lang: absolute_url("feedback:concern_create", language=lang, query=f"forum={forum.slug}")
            for lang in ("km", "en")
        }
        done = _existing_keys(forum=forum, purpose=THANK_YOU)
        messages = [
            _registration_message(
                registration=registration,
                purpose=THANK_YOU,
                key=f"thank_you:{registration.pk}",
                extra={"concern_url": links.get(registration.preferred_language, links["en"])},
            )
            for registration in _confirmed_registrations(forum)
            if f"thank_you:{registration.pk}" not in done
        ]
        created += messages_queue_bulk(messages=messages)
    return created


def forum_changed_notify(*, forum: Forum, old: dict) -> int:
    """Tell the confirmed participants of a published forum that its venue or time changed.

    `old` holds the values before the change (venue_name, venue_address, starts_at, ends_at). One message
    per registration and change (the key includes the new values), so saving the same change twice sends once.
    """
    if forum.status not in ACTIVE_FORUM_STATUSES or forum.ends_at <= timezone.now():
        return 0
    fields = ("venue_name", "venue_address", "starts_at", "ends_at")
    if all(old.get(field) == getattr(forum, field) for field in fields):
        return 0
    fingerprint = hashlib.sha256(
        "|".join(str(getattr(forum, field)) for field in fields).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    old_starts_at = old.get("starts_at")
    extra = {
        "old_starts_at": old_starts_at.isoformat() if old_starts_at else "",
        "old_venue": f"{old.get('venue_name', '')}, {old.get('venue_address', '')}",
        "time_changed": old_starts_at != forum.starts_at or old.get("ends_at") != forum.ends_at,
        "venue_changed": (old.get("venue_name"), old.get("venue_address")) != (forum.venue_name, forum.venue_address),
    }
    messages = [
        _registration_message(
            registration=registration,
            purpose=FORUM_CHANGED,
            key=f"forum_changed:{registration.pk}:{fingerprint}",
            extra=extra,
        )
        for registration in _confirmed_registrations(forum)
    ]
    return messages_queue_bulk(messages=messages)


def forum_cancelled_notify(*, forum: Forum) -> int:
    """Tell the confirmed participants that the forum is cancelled (once per registration)."""
    if forum.ends_at <= timezone.now():
        return 0
    messages = [
        _registration_message(
            registration=registration, purpose=FORUM_CANCELLED, key=f"forum_cancelled:{registration.pk}"
        )
        for registration in _confirmed_registrations(forum)
    ]
    return messages_queue_bulk(messages=messages)


def announcement_send(*, forum: Forum, subject: str, text_km: str, text_en: str) -> int:
    """Queue one message per confirmed participant, in their language over their channel; return the count.

    Bulk: a fixed number of queries whatever the number of participants. Each announcement has its own key
    (`announcement:<forum>:<id>:<registration>`), so a double-submitted form cannot send twice what it
    recorded once, and a second announcement is a new message.
    """
    digest = hashlib.sha256(f"{subject}\n{text_km}\n{text_en}".encode(), usedforsecurity=False).hexdigest()[:12]
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    texts = {"km": text_km.strip() or text_en.strip(), "en": text_en.strip() or text_km.strip()}
    messages = []
    for registration in _confirmed_registrations(forum):
        message = _registration_message(
            registration=registration,
            purpose=ANNOUNCEMENT,
            key=f"announcement:{forum.pk}:{stamp}:{digest}:{registration.pk}",
        )
        message.subject = subject.strip()[:200]
        message.body = texts.get(registration.preferred_language, texts["en"])
        messages.append(message)
    count = messages_queue_bulk(messages=messages)
    logger.info("announcement for forum %s queued to %s participants", forum.pk, count)
    return count


# Staff digest ---------------------------------------------------------------------------------------


def staff_digest_queue(*, now: datetime | None = None) -> int:
    """Queue the daily digest of new and overdue concerns to each NSSF staff member; return how many.

    Once per person and local day, from 8:00 Phnom Penh time; nothing when there is nothing to report.
    """
    from feedback.selectors import concerns_for_digest

    now = now or timezone.now()
    local_now = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    if local_now.hour < DIGEST_HOUR:
        return 0
    digest = concerns_for_digest(since=now - timedelta(days=1))
    counts = {key: _count(digest.get(key)) for key in ("new", "overdue")}
    if not any(counts.values()):
        return 0
    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[NSSF_STAFF, NSSF_SUPERVISORS])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    queue_url = absolute_url("feedback:queue", language="en")
    day = local_now.date().isoformat()
    messages = [
        Message(
            idempotency_key=f"staff_digest:{user.pk}:{day}",
            purpose=STAFF_DIGEST,
            channel=Message.Channel.EMAIL,
            language="en",
            recipient_name=user.get_full_name(),
            to_email=user.email,
            context={"new": counts["new"], "overdue": counts["overdue"], "queue_url": queue_url, "day": day},
        )
        for user in staff
    ]
    return messages_queue_bulk(messages=messages)


def _count(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return value.count() if hasattr(value, "count") else len(value)


# Telegram ------------------------------------------------------------------------------------------


def telegram_start_token(*, registration) -> str:
    """Return the deep-link parameter that links a Telegram chat to this registration's phone number.

    `r<pk>_<mac>`: at most 64 characters of [A-Za-z0-9_] as the Bot API requires, and unguessable.
    """
    mac = hmac.new(settings.SECRET_KEY.encode(), f"telegram:{registration.pk}".encode(), hashlib.sha256)
    return f"r{registration.pk}_{mac.hexdigest()[:20]}"


def telegram_deep_link(*, registration) -> str:
    """Return the t.me link that opens the bot with this registration's start token, or "" if no bot."""
    if not (settings.TELEGRAM_BOT_USERNAME and settings.TELEGRAM_BOT_TOKEN):
        return ""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={telegram_start_token(registration=registration)}"


def telegram_chat_link(*, token: str, chat_id: str) -> bool:
    """Link a chat to the phone number of the registration whose token it sent; return whether it matched."""
    from participants.models import Registration

    prefix, _sep, _mac = token.partition("_")
    if not prefix.startswith("r") or not prefix[1:].isdigit():
        return False
    registration = (
        Registration.objects.filter(pk=int(prefix[1:]))
        .select_related("forum")
        .only("pk", "phone", "full_name", "preferred_language", "forum__id", "forum__title")
        .first()
    )
    if registration is None or not hmac.compare_digest(token, telegram_start_token(registration=registration)):
        return False
    TelegramChat.objects.update_or_create(phone=registration.phone, defaults={"chat_id": str(chat_id)})
    # Say in the chat that it worked, in the person's language.
    message_queue(
        idempotency_key=f"telegram_linked:{registration.pk}:{chat_id}",
        purpose="telegram_linked",
        channel=Message.Channel.TELEGRAM,
        language=registration.preferred_language,
        recipient_name=registration.full_name,
        to_phone=registration.phone,
        to_telegram_chat=str(chat_id),
        forum=registration.forum,
        context={"name": registration.full_name, "forum_title": registration.forum.title},
    )
    return True


def telegram_updates_process(*, updates: list[dict]) -> int:
    """Link the chats that sent `/start <token>`; remember the last update; return how many were linked."""
    linked = 0
    if not updates:
        return 0
    with transaction.atomic():
        offset_row, _created = TelegramUpdateOffset.objects.select_for_update().get_or_create(pk=1)
        for update in updates:
            update_id = int(update.get("update_id", 0))
            if update_id < offset_row.offset:
                continue
            message = update.get("message") or {}
            text = (message.get("text") or "").strip()
            chat_id = (message.get("chat") or {}).get("id")
            if text.startswith("/start ") and chat_id is not None:
                linked += telegram_chat_link(token=text.split(" ", 1)[1].strip(), chat_id=str(chat_id))
            offset_row.offset = max(offset_row.offset, update_id + 1)
        offset_row.save(update_fields=["offset"])
    return linked


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
