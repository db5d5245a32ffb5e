"""Periodic work for concerns: thin tasks that delegate to services."""

from celery import shared_task

from feedback import retention, services


@shared_task(name="feedback.resolution_checks_queue")
def resolution_checks_queue() -> int:
    """Ask submitters of concerns closed 14 days ago whether their concern was resolved (idempotent)."""
    return services.concern_resolution_checks_queue()


@shared_task(name="feedback.staff_digest_queue", acks_late=True)
def staff_digest_queue() -> int:
    """Queue the daily digest of new and overdue concerns to NSSF staff (idempotent per person and day)."""
    return services.staff_digest_queue()


@shared_task(name="feedback.concern_contacts_erase_expired")
def concern_contacts_erase_expired() -> int:
    """Erase the contacts of concerns closed longer ago than the retention period (daily, idempotent)."""
    return retention.concern_contacts_erase_expired()


@shared_task(name="feedback.commitment_followers_erase_expired")
def commitment_followers_erase_expired() -> int:
    """Forget followers of commitments finished longer ago than the retention period (daily, idempotent)."""
    return retention.commitment_followers_erase_expired()
