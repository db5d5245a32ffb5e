from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.purposes import purpose_label


class Message(models.Model):
    """One message the portal owes someone: the outbox row, written in the same transaction as its cause.

    A Celery task delivers it after commit; a periodic sweep re-enqueues rows still queued, so a broker
    outage loses nothing. The unique idempotency key means a cause that runs twice queues one message.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        TELEGRAM = "telegram", _("Telegram")

    class Receipt(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Not delivered")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # No longer wanted: its cause went away (a cancelled registration) or it expired (a started forum).
        DROPPED = "dropped", _("Not needed")

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
    # A message still queued at this moment is dropped, not sent: its news is stale (the forum has started).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
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
    # What the SMS gateway reported afterwards (its delivery receipt); empty until it does.
    receipt = models.CharField(_("delivery receipt"), max_length=20, choices=Receipt, blank=True)
    receipt_at = models.DateTimeField(_("receipt at"), null=True, blank=True)
    # SMS parts billed for this message (0 for other channels), counted when it is sent.
    sms_parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        permissions = [
            ("view_message_log", _("Can see the message log of a forum")),
            ("send_announcement", _("Can send announcements to participants")),
            ("view_message_overview", _("Can see what was sent on each channel, and the SMS cost")),
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
        return purpose_label(self.purpose)


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


class SmsOptOut(models.Model):
    """A number that texted STOP: no SMS goes to it any more (kept as the record of the request)."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    keyword = models.CharField(_("keyword"), max_length=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self):
        return f"SMS opt-out #{self.pk}"


class ChatState(models.Model):
    """Where a Telegram conversation with the bot stands (flow, step, what was said so far), per chat.

    Kept in the database, so a restart of the portal or a worker loses no conversation halfway through.
    """

    chat_id = models.CharField(_("Telegram chat"), max_length=40, unique=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    flow = models.CharField(_("flow"), max_length=40, blank=True)
    step = models.CharField(_("step"), max_length=40, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Telegram conversation")
        verbose_name_plural = _("Telegram conversations")

    def __str__(self):
        return f"Telegram conversation #{self.pk}"


class ShortLink(models.Model):
    """A short, unguessable address (`/r/<token>`) for a long signed link, so a Khmer SMS stays within two parts.

    The outbox knows no app: it keeps only the target URL and when the link stops working (with what it leads
    to: a registration's link lasts until its forum ends).
    """

    token = models.CharField(_("token"), max_length=16, unique=True)
    target = models.TextField(_("target address"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        indexes = [models.Index(fields=["target", "expires_at"], name="short_link_target_idx")]

    def __str__(self):
        return f"short link #{self.pk}"
