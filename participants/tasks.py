"""Periodic work for participants: thin, named, idempotent tasks that delegate to `participants.messages` and
`participants.retention`."""

from celery import shared_task

from participants import retention


@shared_task(name="participants.reminders_queue", acks_late=True)
def reminders_queue() -> int:
    """Queue the reminders due for every upcoming forum (idempotent per registration and offset)."""
    from participants.messages import reminders_queue as queue

    return queue()


@shared_task(name="participants.thank_you_queue", acks_late=True)
def thank_you_queue() -> int:
    """Queue the thank-you after each forum (idempotent per registration)."""
    from participants.messages import thank_you_queue as queue

    return queue()


@shared_task(name="participants.registrations_anonymise_expired")
def registrations_anonymise_expired() -> int:
    """Erase the personal data of registrations past the retention period (daily, idempotent)."""
    return retention.registrations_anonymise_expired()
