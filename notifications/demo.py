"""Demo data for messages: reminder settings for the upcoming forums, so organizers see them configured."""

from django.utils import timezone

from notifications.models import DEFAULT_REMINDER_HOUR, ForumMessageSettings, default_reminder_offsets


def seed(*, forums, options, stdout) -> None:
    """Give each upcoming demo forum the default reminder settings (idempotent: existing ones are kept)."""
    now = timezone.now()
    created = 0
    for forum in forums:
        if forum.starts_at <= now:
            continue
        _settings, was_created = ForumMessageSettings.objects.get_or_create(
            forum=forum,
            defaults={"reminder_offsets_days": default_reminder_offsets(), "reminder_hour": DEFAULT_REMINDER_HOUR},
        )
        created += was_created
    if created:
        stdout.write(f"Reminder settings for {created} upcoming forums (7 and 1 days before, 9:00).")
    stdout.write(
        "Messages are delivered by the Celery worker: SMS appear in its console (SMS_BACKEND=file writes them"
        " under var/sms/), emails in the console."
    )
