"""Benchmark: reminders for 10,000 confirmed participants, generated and delivered.

Run with `make bench` (or `.venv/bin/python bench/bench_reminders.py [participants]`). It works in a throwaway
database of its own (`bench_<name>` for PostgreSQL, in memory for SQLite) created and destroyed through
Django's test-database machinery, so it never touches real data. Email goes to the locmem backend and SMS to
the console backend (captured, not printed); Celery publishes to an in-memory broker. It prints figures; it
asserts nothing beyond the counts it reports.
"""

import contextlib
import io
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
os.environ.pop("EMAIL_URL", None)
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["SMS_BACKEND"] = "console"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402 - the environment above must be set first

django.setup()

import time_machine  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

PARTICIPANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
PP = ZoneInfo("Asia/Phnom_Penh")


def _seed(count: int):
    from events.models import Forum, ForumSeries, Province
    from participants.models import Registration

    province = Province.objects.get(name_en="Svay Rieng")
    series = ForumSeries.objects.create(title="Bench series", slug="bench", theme="Bench", year=2030)
    starts = datetime(2030, 3, 10, 8, 0, tzinfo=PP)
    forum = Forum.objects.create(
        series=series,
        title="Regional Forum in Svay Rieng",
        slug="bench-forum",
        host_province=province,
        venue_name="Provincial Hall",
        venue_address="Svay Rieng town",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        capacity=count,
        registration_opens_at=starts - timedelta(days=60),
        registration_closes_at=starts - timedelta(hours=12),
        status=Forum.Status.PUBLISHED,
    )
    registrations = []
    for n in range(count):
        by_email = n % 10 == 0
        registrations.append(
            Registration(
                forum=forum,
                code=f"B{n:09d}",
                full_name=f"Participant {n}",
                gender=Registration.Gender.WOMAN if n % 2 else Registration.Gender.MAN,
                age_group=Registration.AgeGroup.FROM_25,
                role=Registration.Role.WORKERS_REP,
                sector=Registration.Sector.GARMENT,
                province=province,
                phone=f"+8551{n:07d}",
                email=f"p{n}@example.org" if by_email else "",
                preferred_language="en" if n % 5 == 0 else "km",
                reminder_channel=Registration.Channel.EMAIL if by_email else Registration.Channel.SMS,
                status=Registration.Status.CONFIRMED,
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    return forum


def _rate(count: int, seconds: float) -> str:
    return f"{count:>6} messages in {seconds:7.2f} s = {count / seconds if seconds else 0:8.0f} messages/s"


def main() -> None:
    from forum_portal.celery import app as celery_app
    from notifications.models import Message
    from notifications.tasks import message_deliver
    from participants.messages import reminders_queue

    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://localhost/"
    print(f"bench_reminders: {PARTICIPANTS} confirmed participants, database {connection.settings_dict['NAME']}")
    _seed(PARTICIPANTS)
    with time_machine.travel(datetime(2030, 3, 9, 10, 0, tzinfo=PP), tick=True):
        started = time.perf_counter()
        created = reminders_queue()
        generate = time.perf_counter() - started
        print(f"  generate (queue + enqueue): {_rate(created, generate)}")

        ids = list(Message.objects.filter(status=Message.Status.QUEUED).order_by("pk").values_list("pk", flat=True))
        console = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(console):
            for message_id in ids:
                message_deliver.apply(kwargs={"message_id": message_id})
        deliver = time.perf_counter() - started
        sent = Message.objects.filter(status=Message.Status.SENT).count()
        print(f"  deliver (render + send):    {_rate(sent, deliver)}")
        print(f"    by email (locmem): {len(mail.outbox)}, by SMS (console): {console.getvalue().count('--- SMS ')}")

        started = time.perf_counter()
        again = reminders_queue()
        print(f"  second run (idempotent):    {again} new messages in {time.perf_counter() - started:.2f} s")
        print(f"  end to end:                 {_rate(sent, generate + deliver)}")


if __name__ == "__main__":
    # A database of its own: bench_<name> next to the real one, created here and dropped at the end.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
