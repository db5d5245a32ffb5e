"""Writes to the audit trail."""

from audit.models import AuditEvent


def audit_record(*, actor, action: str, object_type: str, object_ref: str = "", detail: str = "") -> AuditEvent:
    """Write one audit event; `actor` None (or anonymous) means the person themself, through their link.

    `object_ref` and `detail` must not hold personal data: references and reasons, never names or phones.
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_ref=str(object_ref)[:100],
        detail=detail[:300],
    )
