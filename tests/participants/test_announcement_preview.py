"""An announcement is checked before it goes: recipients per channel, each language's text, SMS parts and cost."""

import pytest
from django.urls import reverse

from notifications.models import Message
from participants import messages
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Channel = Registration.Channel
KHMER_100 = "ក" * 100  # UCS-2: two parts of 67


@pytest.fixture
def forum():
    forum = ForumFactory()
    RegistrationFactory.create_batch(3, forum=forum, preferred_language="km")
    RegistrationFactory(forum=forum, preferred_language="en")
    RegistrationFactory(forum=forum, preferred_language="en", reminder_channel=Channel.EMAIL, email="a@example.org")
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    RegistrationFactory(forum=forum, status=Registration.Status.CANCELLED)
    return forum


def _url(forum):
    return reverse("participants:announcement", kwargs={"slug": forum.slug})


def test_preview_counts_recipients_per_channel_and_costs_the_sms(forum, settings):
    settings.SMS_COST_PER_PART = 0.05
    settings.SMS_COST_CURRENCY = "USD"

    preview = messages.announcement_preview(forum=forum, text_km=KHMER_100, text_en="Bus at 6")

    counts = {row["channel"]: row["count"] for row in preview["channels"]}
    assert counts == {"sms": 4, "email": 1, "telegram": 0}
    assert preview["total"] == 5
    languages = {row["code"]: row for row in preview["languages"]}
    assert (languages["km"]["sms_parts"], languages["km"]["sms_recipients"], languages["km"]["recipients"]) == (2, 3, 3)
    assert (languages["en"]["sms_parts"], languages["en"]["sms_recipients"], languages["en"]["recipients"]) == (1, 1, 2)
    assert preview["sms_parts_total"] == 3 * 2 + 1
    assert (preview["cost"], preview["currency"]) == (0.35, "USD")


def test_preview_counts_with_a_fixed_number_of_queries(forum, django_assert_num_queries):
    RegistrationFactory.create_batch(20, forum=forum)

    with django_assert_num_queries(1):
        preview = messages.announcement_preview(forum=forum, text_km="", text_en="Bus at 6")

    assert preview["total"] == 25


def test_preview_shows_each_language_and_sends_nothing(organizer_client, forum):
    response = organizer_client.post(
        _url(forum), {"subject": "Bus", "text_km": "", "text_en": "The bus leaves at 6.", "action": "preview"}
    )

    assert response.status_code == 200
    preview = response.context["preview"]
    km = next(row for row in preview["languages"] if row["code"] == "km")
    assert (km["text"], km["written"]) == ("The bus leaves at 6.", False)
    assert "not written: the other language is sent" in response.text
    assert "Send to 5 participants" in response.text
    assert Message.objects.filter(purpose=messages.ANNOUNCEMENT).count() == 0


def test_send_needs_the_confirmation(organizer_client, forum):
    data = {"subject": "Bus", "text_km": "ឡានក្រុង", "text_en": "Bus", "action": "send"}

    unconfirmed = organizer_client.post(_url(forum), data)
    confirmed = organizer_client.post(_url(forum), {**data, "confirm": "yes"})

    assert unconfirmed.status_code == 200
    assert "preview" in unconfirmed.context
    assert confirmed.status_code == 302
    assert Message.objects.filter(purpose=messages.ANNOUNCEMENT).count() == 5


def test_test_send_goes_to_the_organizer_only_in_each_written_language(organizer_client, organizer, forum):
    data = {"subject": "Bus", "text_km": "ឡានក្រុង", "text_en": "Bus", "action": "test", "confirm": "yes"}

    response = organizer_client.post(_url(forum), data)

    sent = Message.objects.filter(purpose=messages.ANNOUNCEMENT_TEST)
    assert sorted(sent.values_list("language", "to_email", "body")) == [
        ("en", organizer.email, "Bus"),
        ("km", organizer.email, "ឡានក្រុង"),
    ]
    assert Message.objects.filter(purpose=messages.ANNOUNCEMENT).count() == 0
    assert f"A test was sent to {organizer.email}" in response.text
    assert "preview" in response.context


def test_change_the_text_goes_back_to_the_form_with_it(organizer_client, forum):
    data = {"subject": "Bus", "text_km": "", "text_en": "Bus", "action": "edit", "confirm": "yes"}

    response = organizer_client.post(_url(forum), data)

    assert "preview" not in response.context
    assert response.context["form"]["text_en"].value() == "Bus"
    assert Message.objects.count() == 0
