from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from events.models import Forum
from events.services import forum_transition
from notifications.models import Message
from participants.messages import announcement_send, forum_changed_notify, thank_you_queue
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
PP = ZoneInfo("Asia/Phnom_Penh")
Status = Message.Status


def _forum_post(forum, **overrides):
    data = {
        "series": forum.series_id,
        "title_en": forum.title,
        "slug": forum.slug,
        "kind": forum.kind,
        "host_province": forum.host_province_id,
        "covered_provinces": list(forum.covered_provinces.values_list("pk", flat=True)),
        "venue_name_en": forum.venue_name,
        "venue_address_en": forum.venue_address,
        "starts_at": forum.starts_at.astimezone(PP).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": forum.ends_at.astimezone(PP).strftime("%Y-%m-%dT%H:%M"),
        "capacity": str(forum.capacity),
        "registration_opens_at": forum.registration_opens_at.astimezone(PP).strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": forum.registration_closes_at.astimezone(PP).strftime("%Y-%m-%dT%H:%M"),
        "description_en": "",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "60",
    }
    return data | overrides


def _published_forum():
    starts = datetime(2030, 5, 20, 8, 0, tzinfo=PP)
    return ForumFactory(starts_at=starts, ends_at=starts + timedelta(hours=8))


def test_venue_change_of_published_forum_tells_confirmed_participants(
    organizer_client, django_capture_on_commit_callbacks
):
    forum = _published_forum()
    confirmed = RegistrationFactory(forum=forum, preferred_language="en")
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    url = reverse("events:manage_forum_edit", kwargs={"slug": forum.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url, _forum_post(forum, venue_name_en="Kampot Hotel"))
        organizer_client.post(url, _forum_post(forum, venue_name_en="Kampot Hotel"))

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.purpose, message.to_phone, message.status) == ("forum_changed", confirmed.phone, Status.SENT)
    assert "Venue: Kampot Hotel, Svay Rieng town." in message.body
    assert message.context["venue_changed"] is True
    assert message.context["time_changed"] is False


def test_title_change_sends_nothing(organizer_client, django_capture_on_commit_callbacks):
    forum = _published_forum()
    RegistrationFactory(forum=forum)
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            reverse("events:manage_forum_edit", kwargs={"slug": forum.slug}), _forum_post(forum, title_en="New title")
        )
    assert Message.objects.count() == 0


def test_time_change_of_draft_forum_sends_nothing():
    forum = _published_forum()
    Forum.objects.filter(pk=forum.pk).update(status=Forum.Status.DRAFT)
    forum.refresh_from_db()
    RegistrationFactory(forum=forum)
    old = {"venue_name": forum.venue_name, "venue_address": forum.venue_address, "ends_at": forum.ends_at}
    assert forum_changed_notify(forum=forum, old=old | {"starts_at": forum.starts_at - timedelta(days=1)}) == 0


def test_cancelling_a_published_forum_tells_each_confirmed_participant_once(django_capture_on_commit_callbacks):
    forum = _published_forum()
    RegistrationFactory(forum=forum, preferred_language="km")
    RegistrationFactory(forum=forum, status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        forum_transition(forum=forum, action="cancel")
    message = Message.objects.get()
    assert message.purpose == "forum_cancelled"
    assert message.status == Status.SENT
    assert "ត្រូវបានលុបចោល" in message.body


def test_thank_you_after_the_forum_with_the_concern_link(django_capture_on_commit_callbacks):
    forum = _published_forum()
    registration = RegistrationFactory(forum=forum, preferred_language="en", full_name="Dara")
    with time_machine.travel(forum.ends_at + timedelta(hours=1), tick=False):
        assert thank_you_queue() == 0
    with time_machine.travel(forum.ends_at + timedelta(hours=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert thank_you_queue() == 1
        assert thank_you_queue() == 0
    with time_machine.travel(forum.ends_at + timedelta(days=8), tick=False):
        RegistrationFactory(forum=forum)
        assert thank_you_queue() == 0
    message = Message.objects.get()
    assert message.idempotency_key == f"thank_you:{registration.pk}"
    concern_url = "http://127.0.0.1:8000" + reverse("feedback:concern_create") + f"?forum={forum.slug}"
    assert message.context["concern_url"] == concern_url
    assert (
        _long_links(message.body)
        == f"Thank you for joining {forum.title}, Dara. Have a concern about social security? Tell us: {concern_url}"
    )
    assert "/r/" in message.body  # by SMS, the link is short


def test_announcement_reaches_each_confirmed_participant_in_their_language(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    forum = _published_forum()
    RegistrationFactory.create_batch(3, forum=forum, preferred_language="km")
    for n in range(2):
        RegistrationFactory(forum=forum, preferred_language="en", reminder_channel="email", email=f"p{n}@example.org")
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    with django_assert_max_num_queries(5):
        count = announcement_send(forum=forum, subject="Bus", text_km="ឡានក្រុងចេញម៉ោង ៦", text_en="The bus leaves at 6")
    assert count == 5
    assert sorted(Message.objects.values_list("language", "body")) == [
        ("en", "The bus leaves at 6"),
        ("en", "The bus leaves at 6"),
        ("km", "ឡានក្រុងចេញម៉ោង ៦"),
        ("km", "ឡានក្រុងចេញម៉ោង ៦"),
        ("km", "ឡានក្រុងចេញម៉ោង ៦"),
    ]


def test_announcement_query_count_does_not_grow_with_participants(django_assert_max_num_queries):
    forum = _published_forum()
    RegistrationFactory.create_batch(40, forum=forum)
    with django_assert_max_num_queries(5):
        assert announcement_send(forum=forum, subject="S", text_km="ក", text_en="") == 40


def test_demo_seed_is_idempotent():
    import io

    from participants import demo
    from participants.models import ReminderSettings

    upcoming, past = (
        _published_forum(),
        ForumFactory(
            starts_at=datetime(2020, 1, 1, 8, tzinfo=PP),
            ends_at=datetime(2020, 1, 1, 16, tzinfo=PP),
            registration_opens_at=datetime(2019, 12, 1, tzinfo=PP),
            registration_closes_at=datetime(2019, 12, 30, tzinfo=PP),
        ),
    )
    demo.seed(forums=[upcoming, past], options={"participants": 0, "concerns": 0}, stdout=io.StringIO())
    demo.seed(forums=[upcoming, past], options={"participants": 0, "concerns": 0}, stdout=io.StringIO())
    assert list(ReminderSettings.objects.values_list("forum_id", "reminder_offsets_days")) == [(upcoming.pk, [7, 1])]


def _long_links(text: str) -> str:
    """Return an SMS with each short link (/r/<token>) replaced by the address it leads to."""
    import re

    from notifications.shortlinks import short_link_target

    return re.sub(r"http://127\.0\.0\.1:8000/r/(\w+)", lambda m: short_link_target(token=m.group(1)), text)
