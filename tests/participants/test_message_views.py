import pytest
from django.urls import reverse

from notifications.models import Message
from participants.models import ReminderSettings
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Message.Status


def test_announcement_queued_to_confirmed_participants(organizer_client, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    RegistrationFactory.create_batch(3, forum=forum)
    url = reverse("participants:announcement", kwargs={"slug": forum.slug})
    assert organizer_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            url,
            {"subject": "Bus", "text_km": "ឡានក្រុងចេញម៉ោង ៦", "text_en": "", "action": "send", "confirm": "yes"},
            follow=True,
        )
    assert "The announcement was queued to 3 participants." in response.text
    assert Message.objects.count() == 3
    assert list(Message.objects.order_by().values_list("purpose", "body", "status").distinct()) == [
        ("announcement", "ឡានក្រុងចេញម៉ោង ៦", Status.SENT)
    ]


def test_announcement_without_text_is_refused_and_saves_nothing(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum)
    url = reverse("participants:announcement", kwargs={"slug": forum.slug})
    response = organizer_client.post(url, {"subject": "Bus", "text_km": " ", "text_en": ""})
    assert response.status_code == 400
    assert "Write the message in Khmer, in English, or both." in response.text
    assert Message.objects.count() == 0


def test_announcement_refused_to_staff(staff_client):
    forum = ForumFactory()
    url = reverse("participants:announcement", kwargs={"slug": forum.slug})
    assert staff_client.post(url, {"subject": "x", "text_en": "y"}).status_code == 403
    assert Message.objects.count() == 0


def test_reminder_settings_saved(organizer_client):
    forum = ForumFactory()
    url = reverse("participants:reminder_settings", kwargs={"slug": forum.slug})
    assert organizer_client.get(url).context["form"].initial == {"reminder_offsets_days": "7, 1", "reminder_hour": 9}
    response = organizer_client.post(url, {"reminder_offsets_days": "1, 3, 3", "reminder_hour": "17"})
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(forum=forum)
    assert (saved.reminder_offsets_days, saved.reminder_hour) == ([3, 1], 17)


@pytest.mark.parametrize(
    ("offsets", "hour", "error"),
    [
        ("seven", "9", "Use whole numbers of days"),
        ("90", "9", "at most 60 days"),
        ("1,2,3,4,5,6", "9", "at most 5 reminders"),
        ("7", "3", "Select a valid choice."),
    ],
)
def test_reminder_settings_bad_input_shows_an_error_and_saves_nothing(organizer_client, offsets, hour, error):
    forum = ForumFactory()
    url = reverse("participants:reminder_settings", kwargs={"slug": forum.slug})
    response = organizer_client.post(url, {"reminder_offsets_days": offsets, "reminder_hour": hour})
    assert response.status_code == 400
    assert error in response.text
    assert not ReminderSettings.objects.exists()
