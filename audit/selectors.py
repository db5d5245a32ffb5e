"""Reads of the audit trail."""

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent


def audit_events(
    *,
    actor=None,
    action: str = "",
    object_type: str = "",
    object_ref: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Return the audit events matching every filter given, newest first, each with its actor."""
    events = AuditEvent.objects.select_related("actor")
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_ref:
        events = events.filter(object_ref__iexact=object_ref.strip())
    if since:
        events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(created_at__lt=timezone.make_aware(datetime.combine(until, time.max)))
    return events
