"""Erase the personal data of registrations, as the privacy notice promises, and keep every figure.

PERSONAL_FIELDS lists what is erased, field by field, with the value left behind. Everything else stays:
gender, age group, the disability answers, role, sector, province, district, status and check-in, so every
count and report is the same after erasure. A new field holding a name, a contact or free text must be added
here; a new field describing people (for the figures) needs nothing.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from forum_portal.privacy import months_before
from notifications.services import messages_erase_personal_data
from notifications.telegram import telegram_chat_unlink
from participants.models import Registration

PERSONAL_FIELDS = {
    "full_name": "",
    "phone": "",
    "email": "",
    "nssf_number": "",
    "organisation": "",
    "support_needs": [],
}
# Not personal, but a reminder by email needs an email address (a database constraint).
FOLLOWING_FIELDS = {"reminder_channel": Registration.Channel.SMS}


def _erase(registrations) -> list[int]:
    """Erase the personal fields of `registrations` (a queryset) and of their messages; return the ids."""
    rows = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", "phone"))
    ids = [pk for pk, _phone in rows]
    if ids:
        Registration.objects.filter(pk__in=ids).update(
            **PERSONAL_FIELDS, **FOLLOWING_FIELDS, anonymised_at=timezone.now(), updated_at=timezone.now()
        )
        messages_erase_personal_data(context_key="registration_id", ids=ids)
        # The Telegram link of a phone is personal data too; keep it while another registration still uses it.
        phones = {phone for _pk, phone in rows if phone}
        still_used = set(Registration.objects.filter(phone__in=phones).values_list("phone", flat=True))
        for phone in phones - still_used:
            telegram_chat_unlink(phone=phone)
    return ids


def registrations_anonymise_expired(*, now: datetime | None = None) -> int:
    """Erase the personal data of every registration whose forum ended more than the retention period ago.

    Idempotent: erased registrations are skipped. Write one audit event per forum. Return how many were erased.
    """
    cutoff = months_before(now or timezone.now(), settings.PRIVACY_REGISTRATION_RETENTION_MONTHS)
    expired = Registration.objects.filter(forum__ends_at__lt=cutoff, anonymised_at__isnull=True)
    erased = 0
    for forum_id, slug in expired.order_by().values_list("forum_id", "forum__slug").distinct():
        with transaction.atomic():
            ids = _erase(expired.filter(forum_id=forum_id).select_for_update())
            audit_record(
                actor=None,
                action=AuditEvent.Action.ERASE,
                object_type=AuditEvent.ObjectType.FORUM,
                object_ref=slug,
                detail=f"retention: {len(ids)} registrations",
            )
        erased += len(ids)
    return erased


def registration_erase(*, registration: Registration, actor=None, reason: str) -> bool:
    """Erase one registration's personal data now (the participant's own request, or staff on their behalf).

    A registration still holding a seat or a place in the queue is cancelled first, so the seat goes to the
    next person waiting. Write an audit event. Return False if it was already erased.
    """
    from participants.services import registration_cancel

    if registration.status != Registration.Status.CANCELLED:
        registration_cancel(registration=registration)
    with transaction.atomic():
        ids = _erase(Registration.objects.filter(pk=registration.pk).select_for_update())
        if ids:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.ERASE,
                object_type=AuditEvent.ObjectType.REGISTRATION,
                object_ref=registration.pk,
                detail=reason,
            )
    return bool(ids)
