"""The audit trail of personal data: who saw, exported or erased it, and when.

Entries name objects by reference only (a forum's slug, a concern's tracking code, a registration's id),
never by a person's name, so the trail itself holds no personal data and survives every erasure.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW_PARTICIPANTS = "view_participants", _("Viewed the participant list")
        VIEW_REGISTRATION = "view_registration", _("Viewed a registration")
        VIEW_CHECK_IN = "view_check_in", _("Opened the check-in page")
        EXPORT = "export", _("Exported personal data")
        VIEW_CONTACT = "view_contact", _("Viewed a concern's contact details")
        VIEW_ATTACHMENT = "view_attachment", _("Opened a concern's attachment")
        ADMIN_VIEW = "admin_view", _("Viewed in the administration site")
        ERASE = "erase", _("Erased personal data")

    class ObjectType(models.TextChoices):
        FORUM = "forum", _("Forum")
        REGISTRATION = "registration", _("Registration")
        CONCERN = "concern", _("Concern")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=30, choices=Action)
    object_type = models.CharField(_("object type"), max_length=20, choices=ObjectType)
    object_ref = models.CharField(_("object"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        permissions = [("view_audit_trail", _("Can read the audit trail in the portal"))]
        indexes = [
            models.Index(fields=["object_type", "object_ref"], name="audit_object_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_ref}"
