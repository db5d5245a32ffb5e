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
    forum = models.ForeignKey("events.Forum", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
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
        return f"{self.purpose} → {self.recipient_name or self.to_phone or self.to_email} ({self.status})"
