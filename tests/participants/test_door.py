"""At the door: the short walk-in form and a check-in that keeps the search and says what to do next."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events import people
from notifications.models import Message
from participants import messages
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
SHORT = {"full_name": "Keo Sreymom", "gender": "woman", "role": "worker", "phone": "", "consent": "on"}


def _walk_in(forum):
    return reverse("participants:walk_in", kwargs={"slug": forum.slug})


def _check_in(forum):
    return reverse("participants:check_in", kwargs={"slug": forum.slug})


def test_walk_in_needs_only_name_gender_role_and_consent(organizer_client, organizer):
    forum = ForumFactory()

    response = organizer_client.post(_walk_in(forum), SHORT, follow=True)

    walk_in = Registration.objects.get(full_name="Keo Sreymom")
    assert (walk_in.status, walk_in.is_walk_in, walk_in.checked_in_by, walk_in.phone) == (
        Status.CONFIRMED,
        True,
        organizer,
        "",
    )
    # What was not asked is stored as not said, never guessed; the province is the forum's.
    assert (walk_in.age_group, walk_in.sector, walk_in.province) == (
        people.AgeGroup.UNDISCLOSED,
        people.Sector.OTHER,
        forum.host_province,
    )
    assert "Keo Sreymom is checked in" in response.text
    assert response.context["screen"]["tone"] == "success"
    # Nothing can reach a person without a phone: no message is queued for them.
    assert not Message.objects.filter(to_phone="").exists()


def test_walk_in_empty_names_the_missing_essentials_only(organizer_client):
    forum = ForumFactory()

    response = organizer_client.post(_walk_in(forum), {})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"full_name", "gender", "role", "consent"}
    assert response.context["form"].more_open is False


def test_walk_in_with_a_phone_gets_the_confirmation(organizer_client):
    forum = ForumFactory()

    organizer_client.post(_walk_in(forum), {**SHORT, "phone": "012 888 777"})

    assert Message.objects.get(purpose="registration_confirmed").to_phone == "+85512888777"


def test_public_registration_still_needs_a_phone(client):
    from tests.participants.factories import form_data

    forum = ForumFactory()

    response = client.post(reverse("participants:register", kwargs={"slug": forum.slug}), form_data(phone=""))

    assert response.status_code == 400
    assert "phone" in response.context["form"].errors


def test_announcement_skips_a_walk_in_without_a_phone():
    forum = ForumFactory()
    RegistrationFactory(forum=forum)
    RegistrationFactory(forum=forum, phone="", is_walk_in=True)

    count = messages.announcement_send(forum=forum, subject="Bus", text_km="", text_en="Bus")

    assert count == 1
    assert messages.announcement_preview(forum=forum, text_km="", text_en="Bus")["total"] == 1


def test_check_in_without_javascript_keeps_the_search_and_greets_full_screen(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Srey Leak")

    response = organizer_client.post(_check_in(forum), {"code": registration.code, "q": "srey"})
    page = organizer_client.get(response["Location"])
    again = organizer_client.get(response["Location"])

    assert response["Location"] == _check_in(forum) + "?q=srey"
    assert page.context["query"] == "srey"
    assert page.context["screen"]["tone"] == "success"
    assert "Srey Leak is checked in" in page.text
    assert 'id="check-in-screen"' in page.text
    assert again.context["screen"] is None  # shown once


@pytest.mark.parametrize(("status", "action"), [(Status.CANCELLED, "Reactivate"), (Status.WAITING, "Give a seat")])
def test_check_in_refused_says_why_and_offers_the_action(organizer_client, status, action):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Sok Dara", status=status)

    as_json = organizer_client.post(_check_in(forum), {"code": registration.code}, HTTP_ACCEPT="application/json")
    as_html = organizer_client.post(_check_in(forum), {"code": registration.code})

    assert as_json.status_code == 404
    assert "Sok Dara" in as_json.json()["screen"]
    assert action in as_json.json()["screen"]
    assert as_html.context["screen"]["tone"] == "danger"
    assert as_html.context["screen"]["action"]["label"] == action


def test_check_in_already_done_is_amber(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, checked_in_at=timezone.now())

    data = organizer_client.post(_check_in(forum), {"code": registration.code}, HTTP_ACCEPT="application/json").json()

    assert (data["ok"], data["first"]) == (True, False)
    assert 'data-tone="warning"' in data["screen"]
