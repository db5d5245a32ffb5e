"""Periodic work for registrations: thin tasks that delegate to services."""

from celery import shared_task

from participants import retention


@shared_task(name="participants.registrations_anonymise_expired")
def registrations_anonymise_expired() -> int:
    """Erase the personal data of registrations past the retention period (daily, idempotent)."""
    return retention.registrations_anonymise_expired()
