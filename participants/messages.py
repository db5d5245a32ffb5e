"""Messages to participants: reminders, the thank-you, news of a changed or cancelled forum, announcements,
and the Telegram link.

The outbox (`notifications`) only queues, delivers and drops what it is given; the rules of who hears what
and when live here. Every message carries what delivery needs: the participant's address, language and
channel, the rendered context, and how long it stays worth sending (`expires_at`). When its cause goes away
the queued message is cancelled by its key (`reminder:<registration>:`), so the outbox never has to ask.
"""

import hashlib
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from events.models import Forum
from events.signals import forum_cancelled, forum_changed
from forum_portal.codes import LENGTH as CODE_LENGTH
from forum_portal.codes import code_normalise
from forum_portal.links import absolute_url
from notifications.models import Message
from notifications.purposes import purpose_declare
from notifications.services import message_queue, messages_cancel, messages_queue_bulk
from notifications.signals import sms_received, telegram_chat_unlinked, telegram_start_received
from notifications.sms import sms_parts
from notifications.telegram import telegram_chat_save, telegram_deep_link, telegram_start_subject
from notifications.telegram import telegram_start_token as signed_start_token
from participants.models import DEFAULT_REMINDER_OFFSETS_DAYS, Evaluation, Registration, ReminderSettings
from participants.selectors import evaluation_not_answered
from participants.services import evaluation_url, registration_message_context, reminder_key_prefix

logger = logging.getLogger(__name__)

# Forums whose participants expect messages: published or with registration closed, not yet over.
ACTIVE_FORUM_STATUSES = (Forum.Status.PUBLISHED, Forum.Status.CLOSED)
REMINDER = "forum_reminder"
THANK_YOU = "forum_thank_you"
FORUM_CHANGED = "forum_changed"
FORUM_CANCELLED = "forum_cancelled"
ANNOUNCEMENT = "announcement"
ANNOUNCEMENT_TEST = "announcement_test"
TELEGRAM_LINKED = "telegram_linked"
REGISTRATION_STATUS = "registration_status"
EVALUATION_REMINDER = "evaluation_reminder"
# A reminder to answer the evaluation is worth sending for this long; the link itself lasts longer.
EVALUATION_REMINDER_VALID = timedelta(days=7)
# A thank-you goes out this long after the forum ends, and not at all once this window has passed.
THANK_YOU_AFTER = timedelta(hours=2)
THANK_YOU_WINDOW = timedelta(days=7)


def purposes_declare() -> None:
    """Declare the purposes of every message the participants app sends (called once, at start-up)."""
    purpose_declare("registration_confirmed", _("Registration confirmed"))
    purpose_declare("registration_waitlisted", _("Placed on the waiting list"))
    purpose_declare("registration_promoted", _("Promoted from the waiting list"))
    purpose_declare("registration_cancelled", _("Registration cancelled"))
    purpose_declare("registration_reactivated", _("Registration restored with a seat"))
    purpose_declare("registration_reactivated_waiting", _("Registration restored, first on the waiting list"))
    purpose_declare(REMINDER, _("Reminder"))
    purpose_declare(FORUM_CHANGED, _("Venue or time changed"))
    purpose_declare(FORUM_CANCELLED, _("Forum cancelled"))
    purpose_declare(THANK_YOU, _("Thank-you"))
    purpose_declare(ANNOUNCEMENT, _("Announcement"), written=True)
    purpose_declare(ANNOUNCEMENT_TEST, _("Announcement test to oneself"), written=True, audience="staff")
    purpose_declare(TELEGRAM_LINKED, _("Telegram linked"))
    purpose_declare(REGISTRATION_STATUS, _("Reply: registration status"))
    purpose_declare(EVALUATION_REMINDER, _("Evaluation reminder"))
    purpose_declare("organizer_forum_full", _("Forum full (organizers)"), audience="staff")
    purpose_declare("organizer_waitlist_growing", _("Waiting list growing (organizers)"), audience="staff")


def _registration_message(
    *, registration: Registration, purpose: str, key: str, expires_at: datetime, extra: dict | None = None
) -> Message:
    """Build (unsaved) a message to a participant, in their language, over their channel."""
    return Message(
        idempotency_key=key,
        purpose=purpose,
        channel=registration.reminder_channel,
        language=registration.preferred_language,
        recipient_name=registration.full_name,
        to_phone=registration.phone,
        to_email=registration.email,
        forum=registration.forum,
        expires_at=expires_at,
        context={**registration_message_context(registration=registration), **(extra or {})},
    )


def _forum_title(registration: Registration) -> str:
    """Return the title of the registration's forum in the participant's language."""
    with translation.override(registration.preferred_language):
        return registration.forum.title


def _confirmed_registrations(forum: Forum) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(forum=forum, status=Registration.Status.CONFIRMED)
        # A walk-in registered without a phone has no address for SMS or Telegram until one is added.
        .exclude(Q(phone="") & ~Q(reminder_channel=Registration.Channel.EMAIL))
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
            "forum__title_km",
            "forum__title_en",
            "forum__slug",
            "forum__starts_at",
            "forum__ends_at",
            "forum__venue_name_km",
            "forum__venue_name_en",
            "forum__venue_address_km",
            "forum__venue_address_en",
            "checked_in_at",
        )
        .order_by("pk")
    )


def _existing_keys(*, forum: Forum, purpose: str) -> set[str]:
    return set(Message.objects.filter(forum=forum, purpose=purpose).values_list("idempotency_key", flat=True))


# Reminders -----------------------------------------------------------------------------------------


def reminder_settings(*, forum: Forum) -> ReminderSettings:
    """Return the forum's reminder settings, unsaved defaults (7 and 1 days before, 9:00) if none were set."""
    try:
        return forum.reminder_settings
    except ReminderSettings.DoesNotExist:
        return ReminderSettings(forum=forum)


def reminder_settings_save(*, forum: Forum, reminder_offsets_days: list[int], reminder_hour: int) -> ReminderSettings:
    """Save when the forum's reminders go out."""
    row = reminder_settings(forum=forum)
    row.reminder_offsets_days = sorted(set(reminder_offsets_days), reverse=True)
    row.reminder_hour = reminder_hour
    row.full_clean()
    row.save()
    return row


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


def _configured_offsets() -> list[int]:
    offsets: list[int] = []
    for row in ReminderSettings.objects.values_list("reminder_offsets_days", flat=True):
        offsets.extend(int(d) for d in row or [])
    return offsets


def reminders_queue(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due for every upcoming forum; return how many were new.

    Idempotent per (registration, offset): the key is `reminder:<registration>:<days>`, so running twice, or
    two beats at once, records each reminder once; it catches up after downtime since it looks at every due
    offset, not only those due in the last interval. Forums that have started and cancelled registrations get
    none; a reminder still queued when the forum starts expires, and one whose registration or forum is
    cancelled is cancelled with it.
    """
    now = now or timezone.now()
    horizon = max([*DEFAULT_REMINDER_OFFSETS_DAYS, *_configured_offsets()], default=0) + 2
    forums = Forum.objects.filter(
        status__in=ACTIVE_FORUM_STATUSES, starts_at__gt=now, starts_at__lte=now + timedelta(days=horizon)
    ).select_related("reminder_settings")
    created = 0
    for forum in forums:
        options = reminder_settings(forum=forum)
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
                key=f"{reminder_key_prefix(registration_id=registration.pk)}{days}",
                expires_at=forum.starts_at,
                extra={"days_before": days},
            )
            for registration in _confirmed_registrations(forum)
            if f"{reminder_key_prefix(registration_id=registration.pk)}{days}" not in done
        ]
        created += messages_queue_bulk(messages=messages)
    return created


# Thank-you, forum changes, announcements ------------------------------------------------------------


def thank_you_queue(*, now: datetime | None = None) -> int:
    """Thank each confirmed participant after the forum, with the link to raise a concern; return how many.

    Those who were checked in also get their personal evaluation link, when the forum has an evaluation.

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
        has_evaluation = Evaluation.objects.filter(forum=forum).exists()
        messages = [
            _registration_message(
                registration=registration,
                purpose=THANK_YOU,
                key=f"thank_you:{registration.pk}",
                expires_at=forum.ends_at + THANK_YOU_WINDOW,
                extra={
                    "concern_url": links.get(registration.preferred_language, links["en"]),
                    # Only those who came are asked how it was.
                    "evaluation_url": evaluation_url(registration=registration)
                    if has_evaluation and registration.checked_in_at is not None
                    else "",
                },
            )
            for registration in _confirmed_registrations(forum)
            if f"thank_you:{registration.pk}" not in done
        ]
        created += messages_queue_bulk(messages=messages)
    return created


def evaluation_reminders_send(*, evaluation) -> int:
    """Remind, by their channel and in their language, the people who came and have not answered the
    evaluation yet; return how many were queued.

    Once a day at most per person (`evaluation_reminder:<registration>:<day>`): an organizer who presses twice
    sends once. Those who answered, cancelled or had their details erased get nothing.
    """
    day = timezone.localdate().isoformat()
    pending = set(evaluation_not_answered(evaluation=evaluation).values_list("pk", flat=True))
    messages = [
        _registration_message(
            registration=registration,
            purpose=EVALUATION_REMINDER,
            key=f"{EVALUATION_REMINDER}:{registration.pk}:{day}",
            expires_at=timezone.now() + EVALUATION_REMINDER_VALID,
            extra={"evaluation_url": evaluation_url(registration=registration)},
        )
        for registration in _confirmed_registrations(evaluation.forum)
        if registration.pk in pending
    ]
    return messages_queue_bulk(messages=messages)


def forum_changed_notify(*, forum: Forum, old: dict) -> int:
    """Tell the confirmed participants of a published forum that its venue or time changed.

    `old` holds the values before the change (venue_name, venue_address, starts_at, ends_at). One message
    per registration and change (the key includes the new values), so saving the same change twice sends once.
    """
    if forum.status not in ACTIVE_FORUM_STATUSES or forum.ends_at <= timezone.now():
        return 0
    fields = ("venue_name", "venue_address", "starts_at", "ends_at")
    if all(old.get(field) == getattr(forum, field) for field in fields) and all(
        old.get(f"{field}_{lang}", getattr(forum, f"{field}_{lang}")) == getattr(forum, f"{field}_{lang}")
        for field in ("venue_name", "venue_address")
        for lang in ("km", "en")
    ):
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
            expires_at=forum.ends_at,
            extra={**extra, "old_venue": _old_venue(old, language=registration.preferred_language)},
        )
        for registration in _confirmed_registrations(forum)
    ]
    return messages_queue_bulk(messages=messages)


def _old_venue(old: dict, *, language: str) -> str:
    """Return the former venue in `language` (the other language where it had none)."""
    other = "en" if language == "km" else "km"
    parts = []
    for field in ("venue_name", "venue_address"):
        candidates = (old.get(f"{field}_{language}"), old.get(f"{field}_{other}"), old.get(field))
        parts.append(next((value for value in candidates if value), ""))
    return ", ".join(parts)


def forum_cancelled_notify(*, forum: Forum) -> int:
    """Tell the confirmed participants that the forum is cancelled (once per registration).

    Their reminders still queued are dropped: the forum they announce will not take place.
    """
    messages_cancel(key_prefix="reminder:", forum=forum)
    if forum.ends_at <= timezone.now():
        return 0
    messages = [
        _registration_message(
            registration=registration,
            purpose=FORUM_CANCELLED,
            key=f"forum_cancelled:{registration.pk}",
            expires_at=forum.ends_at,
        )
        for registration in _confirmed_registrations(forum)
    ]
    return messages_queue_bulk(messages=messages)


@receiver(forum_changed, dispatch_uid="participants.forum_changed")
def _on_forum_changed(sender, *, forum: Forum, old: dict, **kwargs) -> None:
    forum_changed_notify(forum=forum, old=old)


@receiver(forum_cancelled, dispatch_uid="participants.forum_cancelled")
def _on_forum_cancelled(sender, *, forum: Forum, **kwargs) -> None:
    forum_cancelled_notify(forum=forum)


def announcement_texts(*, text_km: str, text_en: str) -> dict[str, str]:
    """Return the text each language's readers get: their own, or the other language's when theirs is empty."""
    return {"km": text_km.strip() or text_en.strip(), "en": text_en.strip() or text_km.strip()}


def announcement_audience(*, forum: Forum) -> dict[tuple[str, str], int]:
    """Return how many people an announcement reaches, by (channel, language), counted in one query."""
    rows = (
        _confirmed_registrations(forum)
        .order_by()
        .values("reminder_channel", "preferred_language")
        .annotate(count=Count("pk"))
    )
    return {(row["reminder_channel"], row["preferred_language"]): row["count"] for row in rows}


def announcement_preview(*, forum: Forum, text_km: str, text_en: str) -> dict:
    """Return what sending would do: recipients per channel and language, each language's text, SMS parts, cost.

    The cost counts the SMS recipients only (email and Telegram cost nothing per message), at
    `settings.SMS_COST_PER_PART` per part, in `settings.SMS_COST_CURRENCY`.
    """
    audience = announcement_audience(forum=forum)
    texts = announcement_texts(text_km=text_km, text_en=text_en)
    channels = [
        {
            "channel": channel,
            "label": label,
            "count": sum(count for (name, _language), count in audience.items() if name == channel),
        }
        for channel, label in Message.Channel.choices
    ]
    languages = []
    for code, label in Registration.Language.choices:
        sms = audience.get((Message.Channel.SMS, code), 0)
        parts = sms_parts(texts[code])
        languages.append(
            {
                "code": code,
                "label": label,
                "text": texts[code],
                "written": bool((text_km if code == "km" else text_en).strip()),
                "recipients": sum(count for (_channel, language), count in audience.items() if language == code),
                "sms_recipients": sms,
                "sms_parts": parts,
                "sms_characters": len(texts[code]),
            }
        )
    total_parts = sum(language["sms_parts"] * language["sms_recipients"] for language in languages)
    return {
        "total": sum(audience.values()),
        "channels": channels,
        "languages": languages,
        "sms_parts_total": total_parts,
        "cost": round(total_parts * settings.SMS_COST_PER_PART, 2),
        "currency": settings.SMS_COST_CURRENCY,
    }


def announcement_test_send(*, forum: Forum, subject: str, text_km: str, text_en: str, user) -> int:
    """Send the announcement to the organizer themself by email, once per language written; return how many.

    Only the organizer's own address is used (the account has no phone), so nobody else sees a draft.
    """
    if not user.email:
        return 0
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    texts = announcement_texts(text_km=text_km, text_en=text_en)
    written = [code for code, text in (("km", text_km), ("en", text_en)) if text.strip()]
    for code in written:
        message_queue(
            idempotency_key=f"announcement_test:{forum.pk}:{user.pk}:{stamp}:{code}",
            purpose=ANNOUNCEMENT_TEST,
            channel=Message.Channel.EMAIL,
            language=code,
            recipient_name=user.get_full_name(),
            to_email=user.email,
            forum=forum,
            subject=subject.strip()[:200],
            body=texts[code],
        )
    return len(written)


def announcement_send(*, forum: Forum, subject: str, text_km: str, text_en: str) -> int:
    """Queue one message per confirmed participant, in their language over their channel; return the count.

    Bulk: a fixed number of queries whatever the number of participants. Each announcement has its own key
    (`announcement:<forum>:<id>:<registration>`), so a double-submitted form cannot send twice what it
    recorded once, and a second announcement is a new message.
    """
    digest = hashlib.sha256(f"{subject}\n{text_km}\n{text_en}".encode(), usedforsecurity=False).hexdigest()[:12]
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    texts = announcement_texts(text_km=text_km, text_en=text_en)
    messages = []
    for registration in _confirmed_registrations(forum):
        message = _registration_message(
            registration=registration,
            purpose=ANNOUNCEMENT,
            key=f"announcement:{forum.pk}:{stamp}:{digest}:{registration.pk}",
            expires_at=forum.ends_at,
        )
        message.subject = subject.strip()[:200]
        message.body = texts.get(registration.preferred_language, texts["en"])
        messages.append(message)
    count = messages_queue_bulk(messages=messages)
    logger.info("announcement for forum %s queued to %s participants", forum.pk, count)
    return count


# Telegram ------------------------------------------------------------------------------------------


def _telegram_subject(registration: Registration) -> str:
    return f"r{registration.pk}"


def telegram_start_token(*, registration: Registration) -> str:
    """Return the deep-link parameter that links a Telegram chat to this registration's phone number."""
    return signed_start_token(subject=_telegram_subject(registration))


def registration_telegram_link(*, registration: Registration) -> str:
    """Return the t.me link that opens the bot for this registration, or "" when no bot is configured."""
    return telegram_deep_link(subject=_telegram_subject(registration))


def telegram_chat_link(*, token: str, chat_id: str) -> bool:
    """Link a chat to the phone number of the registration whose token it sent; return whether it matched."""
    subject = telegram_start_subject(token=token)
    return subject is not None and _telegram_link_subject(subject=subject, chat_id=chat_id)


def _telegram_link_subject(*, subject: str, chat_id: str) -> bool:
    if not subject.startswith("r") or not subject[1:].isdigit():
        return False
    registration = (
        Registration.objects.filter(pk=int(subject[1:]))
        .select_related("forum")
        .only(
            "pk",
            "status",
            "phone",
            "full_name",
            "preferred_language",
            "forum__id",
            "forum__title_km",
            "forum__title_en",
        )
        .first()
    )
    if registration is None:
        return False
    with transaction.atomic():
        telegram_chat_save(phone=registration.phone, chat_id=chat_id)
        # What the confirmation page promised: this registration's messages now come to Telegram.
        Registration.objects.filter(pk=registration.pk).exclude(status=Registration.Status.CANCELLED).update(
            reminder_channel=Registration.Channel.TELEGRAM, updated_at=timezone.now()
        )
        # Say in the chat that it worked, in the person's language.
        message_queue(
            idempotency_key=f"telegram_linked:{registration.pk}:{chat_id}",
            purpose=TELEGRAM_LINKED,
            channel=Message.Channel.TELEGRAM,
            language=registration.preferred_language,
            recipient_name=registration.full_name,
            to_phone=registration.phone,
            to_telegram_chat=str(chat_id),
            forum=registration.forum,
            context={"name": registration.full_name, "forum_title": _forum_title(registration)},
        )
    return True


@receiver(telegram_start_received, dispatch_uid="participants.telegram_start")
def _on_telegram_start(sender, *, subject: str, chat_id: str, **kwargs) -> bool:
    return _telegram_link_subject(subject=subject, chat_id=chat_id)


@receiver(telegram_chat_unlinked, dispatch_uid="participants.telegram_unlinked")
def _on_telegram_unlinked(sender, *, phone: str, **kwargs) -> None:
    """The chat is gone (bot blocked, /stop): this phone's registrations go back to SMS."""
    Registration.objects.filter(phone=phone, reminder_channel=Registration.Channel.TELEGRAM).update(
        reminder_channel=Registration.Channel.SMS, updated_at=timezone.now()
    )


# SMS in ------------------------------------------------------------------------------------------


def registration_status_reply(*, phone: str, text: str) -> bool:
    """Answer a reference code texted from the registration's own phone with its status; return whether it was one.

    Only the phone that registered gets an answer, so a code read over someone's shoulder tells nothing.
    """
    code = code_normalise(text)
    if len(code) != CODE_LENGTH:
        return False
    registration = (
        Registration.objects.select_related("forum")
        .filter(code=code, phone=phone)
        .only(
            "pk",
            "code",
            "status",
            "phone",
            "full_name",
            "preferred_language",
            "forum__id",
            "forum__title_km",
            "forum__title_en",
        )
        .first()
    )
    if registration is None:
        return False
    with translation.override(registration.preferred_language):
        status = str(registration.get_status_display())
    message_queue(
        idempotency_key=f"{REGISTRATION_STATUS}:{registration.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        purpose=REGISTRATION_STATUS,
        channel=Message.Channel.SMS,
        language=registration.preferred_language,
        recipient_name=registration.full_name,
        to_phone=phone,
        forum=registration.forum,
        context={"code": registration.code, "status": status, "forum_title": _forum_title(registration)},
    )
    return True


@receiver(sms_received, dispatch_uid="participants.sms_received")
def _on_sms_received(sender, *, phone: str, text: str, **kwargs) -> bool:
    return registration_status_reply(phone=phone, text=text)
