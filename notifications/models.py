from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One message the portal owes someone: the outbox row, written in the same transaction as its cause.

    A Celery task delivers it after commit; a periodic sweep re-enqueues rows still queued, so a broker
    outage loses nothing. The unique idempotency key means a cause that runs twice queues one message.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        TELEGRAM = "telegram", _("Telegram")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # No longer wanted when its turn came (a reminder for a cancelled registration or a started forum).
        DROPPED = "dropped", _("Not needed")

    # What each purpose is called in the organizers' log; the texts themselves are message templates.
    PURPOSE_LABELS = {
        "registration_confirmed": _("Registration confirmed"),
        "registration_waitlisted": _("Placed on the waiting list"),
        "registration_promoted": _("Promoted from the waiting list"),
        "registration_cancelled": _("Registration cancelled"),
        "forum_reminder": _("Reminder"),
        "forum_changed": _("Venue or time changed"),
        "forum_cancelled": _("Forum cancelled"),
        "forum_thank_you": _("Thank-you"),
        "announcement": _("Announcement"),
        "organizer_forum_full": _("Forum full (organizers)"),
        "organizer_waitlist_growing": _("Waiting list growing (organizers)"),
        "concern_acknowledged": _("Concern acknowledged"),
        "concern_responded": _("Concern responded"),
        "concern_interim": _("Concern needs more time (interim notice)"),
        "concern_closed": _("Concern closed"),
        "concern_resolution_check": _("Was the concern resolved?"),
        "staff_digest": _("Daily digest of concerns"),
        "telegram_linked": _("Telegram linked"),
    }

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    purpose = models.CharField(_("purpose"), max_length=50, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    language = models.CharField(_("language"), max_length=10, default="km")
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    to_phone = models.CharField(_("phone"), max_length=20, blank=True)
    to_email = models.EmailField(_("email"), blank=True)
    to_telegram_chat = models.CharField(_("Telegram chat"), max_length=40, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    html_body = models.TextField(_("HTML body"), blank=True)
    forum = models.ForeignKey("events.Forum", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a delivery task was last handed to the broker; the sweep re-enqueues rows left queued too long.
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    # The bulk insert that recorded the row: a run enqueues only the rows it inserted itself.
    batch = models.UUIDField(_("batch"), null=True, blank=True, editable=False, db_index=True)
    # When the current attempt started; a row stuck in "sending" (a worker killed mid-send) is reclaimed.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        permissions = [
            ("view_message_log", _("Can see the message log of a forum")),
            ("send_announcement", _("Can send announcements to participants")),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_due_idx"),
            models.Index(fields=["forum", "-created_at"], name="message_forum_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(channel="sms") | ~Q(to_phone=""), name="message_sms_has_phone"),
            models.CheckConstraint(condition=~Q(channel="email") | ~Q(to_email=""), name="message_email_has_address"),
        ]

    def __str__(self):
        return f"{self.purpose} #{self.pk} ({self.status})"

    @property
    def purpose_label(self):
        return self.PURPOSE_LABELS.get(self.purpose, self.purpose)


DEFAULT_REMINDER_OFFSETS_DAYS = (7, 1)
DEFAULT_REMINDER_HOUR = 9


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS_DAYS)


class ForumMessageSettings(models.Model):
    """Per-forum choices for automatic messages: when reminders go out."""

    forum = models.OneToOneField(
        "events.Forum", on_delete=models.CASCADE, related_name="message_settings", verbose_name=_("forum")
    )
    reminder_offsets_days = models.JSONField(
        _("reminder days before the forum"),
        default=default_reminder_offsets,
        blank=True,
        help_text=_("Whole days before the forum day; empty means no reminders."),
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("reminder hour"),
        default=DEFAULT_REMINDER_HOUR,
        help_text=_("Local hour (Asia/Phnom_Penh) at which reminders are sent."),
    )

    class Meta:
        verbose_name = _("message settings")
        verbose_name_plural = _("message settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hour__gte=6, reminder_hour__lte=20), name="reminder_hour_daytime"
            )
        ]

    def __str__(self):
        return str(self.forum)


class TelegramChat(models.Model):
    """A Telegram chat a person linked to their phone number by opening the bot's deep link."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    chat_id = models.CharField(_("Telegram chat"), max_length=40)
    linked_at = models.DateTimeField(_("linked at"), auto_now=True)

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")

    def __str__(self):
        return f"Telegram chat #{self.pk}"


class TelegramUpdateOffset(models.Model):
    """The next Bot API update to fetch, so each /start is processed once (a single row)."""

    offset = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Telegram update offset")
        verbose_name_plural = _("Telegram update offsets")

    def __str__(self):
        return str(self.offset)
