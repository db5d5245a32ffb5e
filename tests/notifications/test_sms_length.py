"""How many parts each SMS takes, counted with real short links at a 30-character production domain.

Khmer SMS are UCS-2 (70 characters in one part, 67 per part beyond): the confirmation, reminder, waiting-list
and promotion messages and the concern answer must fit in two parts, with a Khmer forum title and venue.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from notifications.models import Message, ShortLink
from notifications.purposes import purposes
from notifications.rendering import message_render
from notifications.shortlinks import TOKEN_LENGTH, short_link_create
from notifications.sms import sms_parts

pytestmark = pytest.mark.django_db

DOMAIN = "forums.nssf-cambodia-sample.kh"  # 30 characters, a plausible production host
assert len(DOMAIN) == 30
SITE_URL = f"https://{DOMAIN}"
SIGNED = (
    f"{SITE_URL}/km/registrations/"
    + "eyJyIjoxMjM0NSwiYyI6IkFDREUzNDY3RkciLCJlIjoxOTAwMDAwMDAwfQ"
    + ":1tXyZa:"
    + "x" * 43
)
CONTEXTS = {
    "km": {
        "name": "សុខ សុភា",
        "forum_title": "វេទិកាសាធារណៈថ្នាក់តំបន់ស្តីពីរបបសន្តិសុខសង្គម ខេត្តស្វាយរៀង",
        "venue": "សាលាខេត្តស្វាយរៀង, ក្រុងស្វាយរៀង",
        "old_venue": "សណ្ឋាគារស្វាយរៀង, ក្រុងស្វាយរៀង",
    },
    "en": {
        "name": "Sok Sophea",
        "forum_title": "Regional Public Forum on Social Security in Svay Rieng",
        "venue": "Provincial Hall, Svay Rieng town",
        "old_venue": "Svay Rieng Hotel, Svay Rieng town",
    },
}
COMMON = {
    "registration_id": 1,
    "forum_starts_at": "2030-03-10T07:30:00+07:00",
    "old_starts_at": "2030-03-09T07:30:00+07:00",
    "time_changed": True,
    "venue_changed": True,
    "code": "ACDE3467FG",
    "status": "Confirmed",
    "manage_url": SIGNED,
    "links_expire_at": "2030-03-10T17:00:00+07:00",
    "position": 14,
    "days_before": 1,
    "concern_url": f"{SITE_URL}/km/concerns/new/?forum=svay-rieng-2030-03-10",
    "evaluation_url": SIGNED,
    "tracking_code": "7KQ3M-X9PAC",
    "track_url": f"{SITE_URL}/km/concerns/track/",
    "resolution_url": f"{SITE_URL}/km/concerns/resolved/" + "a" * 60 + "/",
    "public_response": "",
    "closing_reason": "",
}
# What must fit in two parts (the list), and what the others may take at most.
TWO_PARTS = ("registration_confirmed", "forum_reminder", "registration_promoted", "concern_responded")
SMS_PURPOSES = [p.name for p in purposes() if not p.written and p.audience == "public"]


def _sms(purpose: str, language: str) -> str:
    message = Message(
        purpose=purpose,
        channel=Message.Channel.SMS,
        language=language,
        recipient_name=CONTEXTS[language]["name"],
        context={**COMMON, **CONTEXTS[language]},
    )
    return message_render(message)[1]


@override_settings(SITE_URL=SITE_URL)
@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("purpose", TWO_PARTS)
def test_key_sms_fit_in_two_parts_with_a_30_character_domain(purpose, language):
    text = _sms(purpose, language)

    assert sms_parts(text) <= 2, (len(text), text)


@override_settings(SITE_URL=SITE_URL)
@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("purpose", SMS_PURPOSES)
def test_every_sms_purpose_fits_in_three_parts(purpose, language):
    text = _sms(purpose, language)

    assert 1 <= sms_parts(text) <= 3, (purpose, len(text), text)


@override_settings(SITE_URL=SITE_URL)
def test_sms_link_is_short_and_leads_to_the_signed_page(client):
    text = _sms("registration_confirmed", "km")

    link = ShortLink.objects.get()
    short = f"{SITE_URL}/r/{link.token}"
    assert short in text and SIGNED not in text
    assert len(link.token) == TOKEN_LENGTH >= 10
    assert link.target == SIGNED
    assert link.expires_at.isoformat() == "2030-03-10T10:00:00+00:00"
    response = client.get(reverse("short_link", kwargs={"token": link.token}))
    assert (response.status_code, response["Location"]) == (302, SIGNED)


def test_sms_link_reused_for_the_same_target_and_gone_once_expired(client, time_machine):
    from datetime import UTC, datetime, timedelta

    time_machine.move_to(datetime(2030, 1, 1, tzinfo=UTC), tick=False)
    ends = datetime(2030, 2, 1, tzinfo=UTC)
    first = short_link_create(target="https://example.org/a", expires_at=ends)
    assert short_link_create(target="https://example.org/a", expires_at=ends) == first
    token = first.rsplit("/", 1)[1]
    assert client.get(reverse("short_link", kwargs={"token": token})).status_code == 302

    time_machine.move_to(ends + timedelta(seconds=1), tick=False)
    assert client.get(reverse("short_link", kwargs={"token": token})).status_code == 404
    assert client.get(reverse("short_link", kwargs={"token": "guessed123"})).status_code == 404


def test_email_keeps_the_full_link():
    message = Message(
        purpose="registration_confirmed",
        channel=Message.Channel.EMAIL,
        language="km",
        context={**COMMON, **CONTEXTS["km"]},
    )

    assert SIGNED in message_render(message)[1]
    assert not ShortLink.objects.exists()
