"""Erase the contact details of concerns: on the person's request, or a set time after the concern closed.

The rule, which the privacy notice states:
- always erased: the name, phone and email, the consent to be contacted, the attachment and the
  submitter's comment on the resolution;
- the description and the internal notes stay only when they cannot identify the person: the concern was
  raised anonymously and is not sensitive, or NSSF published its response on the public page (the concern
  was then reviewed as fit to publish). Otherwise they are erased as well.
Category, province, sector, role, gender, channel, status and dates stay, so every figure is unchanged.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.services import audit_record
from feedback.models import Concern, ConcernEvent
from forum_portal.privacy import months_before
from notifications.services import messages_erase_personal_data

CONTACT_FIELDS = {
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
    # The Telegram chat it was raised from: a way to reach the person like any other.
    "contact_telegram_chat": "",
    "consent_to_contact": False,
    "resolution_comment": "",
}
TEXT_FIELDS = {"description": ""}


class ErasureReason:
    PERSON_REQUEST = "person_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    RETENTION = "retention"

    CHOICES = [
        (PERSON_REQUEST, _("The person asked for their details to be erased")),
        (CONSENT_WITHDRAWN, _("The person withdrew their consent to be contacted")),
    ]


def concern_text_keepable(concern: Concern) -> bool:
    """Return whether the description may stay after erasure (see the module's rule)."""
    published = concern.response_publishable and bool(concern.public_response)
    return published or (concern.anonymous and not concern.sensitive)


def concern_contact_erase(*, concern: Concern, actor, reason: str) -> bool:
    """Erase a concern's contact details (and its text, unless keepable); write an audit event.

    Return False when they were already erased.
    """
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        if concern.contact_erased_at is not None:
            return False
        erase = dict(CONTACT_FIELDS)
        if not concern_text_keepable(concern):
            erase.update(TEXT_FIELDS)
            ConcernEvent.objects.filter(concern=concern, kind=ConcernEvent.Kind.NOTE).update(text="")
        for field, value in erase.items():
            setattr(concern, field, value)
        if concern.attachment:
            concern.attachment.delete(save=False)
        concern.attachment_type = ""
        # Scans of a paper form or a letter carry the same name and address: they go with the contact.
        for scan in concern.attachments.all():
            scan.file.delete(save=False)
        concern.attachments.all().delete()
        concern.contact_erased_at = timezone.now()
        concern.save(update_fields=[*erase, "attachment", "attachment_type", "contact_erased_at", "updated_at"])
        messages_erase_personal_data(context_key="concern_id", ids=[concern.pk])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ERASE,
            object_type=AuditEvent.ObjectType.CONCERN,
            object_ref=concern.tracking_code,
            detail=reason,
        )
    return True


def concern_contacts_erase_expired(*, now: datetime | None = None) -> int:
    """Erase the contacts of concerns closed more than the retention period ago; return how many (idempotent)."""
    cutoff = months_before(now or timezone.now(), settings.PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS)
    expired = Concern.objects.filter(
        status=Concern.Status.CLOSED, closed_at__lt=cutoff, contact_erased_at__isnull=True
    ).only("pk")
    return sum(concern_contact_erase(concern=c, actor=None, reason=ErasureReason.RETENTION) for c in expired)


def commitment_followers_erase_expired(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Forget the followers of commitments finished (done or dropped) longer ago than the retention period.

    Their number or email served only to send news of that commitment; the messages sent to them lose their
    addresses too. Return how many followers were forgotten (idempotent).
    """
    from feedback.models import Commitment, CommitmentFollower

    cutoff = months_before(now or timezone.now(), settings.PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS)
    finished = Commitment.objects.filter(
        status__in=(Commitment.Status.DONE, Commitment.Status.DROPPED), updated_at__lt=cutoff
    )
    with transaction.atomic():
        ids = list(
            CommitmentFollower.objects.filter(commitment__in=finished)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        messages_erase_personal_data(context_key="follower_id", ids=ids)
        CommitmentFollower.objects.filter(pk__in=ids).delete()
    return len(ids)
