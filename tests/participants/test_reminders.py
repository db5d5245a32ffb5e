import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from notifications.models import Message
from participants.messages import reminder_due_at, reminders_queue
from participants.models import Registration, ReminderSettings
from participants.services import registration_cancel
from tests.events.factories import ForumFactory
from tests.markers import requires_postgresql
from tests.participants.factories import RegistrationFactory

PP = ZoneInfo("Asia/Phnom_Penh")
Status = Message.Status


def local(*args):
    return datetime(*args, tzinfo=PP)


def _sms_files(settings):
    folder = Path(settings.NOTIFICATIONS_SMS_FILE_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def forum(db):
    # 06:30 on 10 March in Phnom Penh is still 9 March in UTC: the reminders follow the local day.
    return ForumFactory(starts_at=local(2030, 3, 10, 6, 30), ends_at=local(2030, 3, 10, 16, 0))


def _run(django_capture_on_commit_callbacks, when):
    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        return reminders_queue()


def test_reminder_due_at_uses_the_local_forum_day():
    starts_at = local(2030, 3, 10, 6, 30)
    assert starts_at.astimezone(ZoneInfo("UTC")).day == 9
    assert reminder_due_at(starts_at=starts_at, days_before=1, hour=9) == local(2030, 3, 9, 9, 0)
    assert reminder_due_at(starts_at=starts_at, days_before=7, hour=9) == local(2030, 3, 3, 9, 0)


def test_reminders_default_offsets_sent_once_each_at_the_local_hour(
    forum, django_capture_on_commit_callbacks, settings
):
    registrations = RegistrationFactory.create_batch(3, forum=forum)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 3, 8, 59)) == 0
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 3, 9, 0)) == 3
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 3, 9, 10)) == 0
    # Late on 8 March (local) the one-day reminder is not due yet, though it is already 9 March in no zone.
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 8, 23, 59)) == 0
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 9, 0)) == 3
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 18, 0)) == 0
    keys = sorted(Message.objects.values_list("idempotency_key", flat=True))
    assert keys == sorted(f"reminder:{r.pk}:{d}" for r in registrations for d in (7, 1))
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(_sms_files(settings)) == 6


def test_reminders_catch_up_after_downtime_with_the_latest_offset_only(forum, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(forum=forum)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 15, 0)) == 1
    message = Message.objects.get()
    assert message.idempotency_key == f"reminder:{registration.pk}:1"
    assert message.context["days_before"] == 1


def test_reminders_never_for_a_started_forum_or_a_cancelled_registration(forum, django_capture_on_commit_callbacks):
    RegistrationFactory(forum=forum, status=Registration.Status.CANCELLED)
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 9, 0)) == 0
    RegistrationFactory(forum=forum)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 10, 6, 30)) == 0
    assert Message.objects.count() == 0


def test_reminder_dropped_when_registration_cancelled_before_delivery(forum, settings):
    from notifications.delivery import deliver

    registration = RegistrationFactory(forum=forum)
    with time_machine.travel(local(2030, 3, 9, 9, 0), tick=False):
        reminders_queue()  # no on_commit execution: the message stays queued
        message = Message.objects.get()
        # Cancelling drops the reminder by its key; the outbox never asks the participants app at send time.
        registration_cancel(registration=registration)
        deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.DROPPED
    assert _sms_files(settings) == []


def test_reminders_follow_the_forums_own_offsets_and_hour(forum, django_capture_on_commit_callbacks):
    ReminderSettings.objects.create(forum=forum, reminder_offsets_days=[3], reminder_hour=17)
    RegistrationFactory(forum=forum)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 7, 16, 59)) == 0
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 7, 17, 0)) == 1
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 12, 0)) == 0
    assert Message.objects.get().idempotency_key.endswith(":3")


def test_reminder_rendered_in_each_participants_language(forum, django_capture_on_commit_callbacks, settings):
    RegistrationFactory(forum=forum, preferred_language="km", full_name="Sokha")
    RegistrationFactory(forum=forum, preferred_language="en", full_name="Dara")
    _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 9, 0))
    bodies = dict(Message.objects.values_list("recipient_name", "body"))
    assert bodies["Sokha"].startswith("រំលឹក៖ Regional Forum")
    assert "គឺថ្ងៃស្អែក។" in bodies["Sokha"]
    assert bodies["Dara"].startswith("Reminder: Regional Forum")
    assert "10 March 2030, 06:30" in bodies["Dara"]
    assert "That is tomorrow." in bodies["Dara"]


@pytest.mark.django_db(transaction=True)
@requires_postgresql
def test_two_beats_at_once_send_each_reminder_once(settings):
    forum = ForumFactory(starts_at=local(2030, 3, 10, 6, 30), ends_at=local(2030, 3, 10, 16, 0))
    RegistrationFactory.create_batch(20, forum=forum)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def beat():
        try:
            barrier.wait()
            results.append(reminders_queue())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # time-machine patches the clock process-wide, so both threads see the same moment.
    with time_machine.travel(local(2030, 3, 9, 9, 0), tick=False):
        threads = [threading.Thread(target=beat) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sum(results) == 20
    assert Message.objects.count() == 20
    assert Message.objects.filter(status=Status.SENT).count() == 20
    assert len(_sms_files(settings)) == 20


def test_reminders_queue_runs_a_fixed_number_of_queries(forum, django_assert_max_num_queries):
    RegistrationFactory.create_batch(30, forum=forum)
    with time_machine.travel(local(2030, 3, 9, 9, 0), tick=False), django_assert_max_num_queries(8):
        assert reminders_queue() == 30


def test_no_reminders_for_a_cancelled_forum(forum, django_capture_on_commit_callbacks):
    from events.models import Forum

    RegistrationFactory(forum=forum)
    Forum.objects.filter(pk=forum.pk).update(status=Forum.Status.CANCELLED)
    assert _run(django_capture_on_commit_callbacks, local(2030, 3, 9, 9, 0)) == 0
    assert Message.objects.count() == 0


def test_reminder_still_queued_when_the_forum_starts_expires_unsent(forum, settings):
    from notifications.delivery import deliver

    RegistrationFactory(forum=forum)
    with time_machine.travel(local(2030, 3, 9, 9, 0), tick=False):
        reminders_queue()
    message = Message.objects.get()
    assert message.expires_at == forum.starts_at
    with time_machine.travel(local(2030, 3, 10, 6, 30), tick=False):
        deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.DROPPED
    assert _sms_files(settings) == []


def test_cancelling_a_forum_drops_its_queued_reminders(forum, django_capture_on_commit_callbacks):
    from events.services import forum_transition

    RegistrationFactory.create_batch(2, forum=forum)
    other = RegistrationFactory(forum=ForumFactory(starts_at=forum.starts_at, ends_at=forum.ends_at))
    with time_machine.travel(local(2030, 3, 9, 9, 0), tick=False):
        reminders_queue()
        forum_transition(forum=forum, action="cancel")
    reminders = Message.objects.filter(purpose="forum_reminder")
    assert sorted(reminders.values_list("forum_id", "status")) == sorted(
        [(forum.pk, Status.DROPPED), (forum.pk, Status.DROPPED), (other.forum_id, Status.QUEUED)]
    )
    assert Message.objects.filter(purpose="forum_cancelled", forum=forum).count() == 2
