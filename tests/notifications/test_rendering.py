import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from notifications.models import Message
from notifications.purposes import purposes
from notifications.rendering import message_render

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications" / "messages"
# The declared purposes whose text a template renders (an announcement is written by a person).
PURPOSES = [purpose.name for purpose in purposes() if not purpose.written]
# Purposes that may go by SMS (participants and concern submitters); organizers and staff get email.
SMS_PURPOSES = [purpose.name for purpose in purposes() if not purpose.written and purpose.audience == "public"]
KHMER = re.compile(r"[\u1780-\u17ff]")
LONG_URL = "https://forums.example.org/km/registrations/" + "x" * 60 + "/manage/"
CONTEXT = {
    "registration_id": 1,
    "name": "Sophea Kim",
    "forum_title": "Regional Forum in Svay Rieng",
    "forum_starts_at": "2030-03-10T07:30:00+07:00",
    "venue": "Provincial Hall, Svay Rieng town",
    "code": "ACDE3467FG",
    "manage_url": LONG_URL,
    "position": 4,
    "days_before": 1,
    "concern_url": "https://forums.example.org/en/concerns/new/?forum=regional-forum-svay-rieng",
    "evaluation_url": LONG_URL,
    "tracking_code": "FB-7KQ3-MX9P",
    "track_url": "https://forums.example.org/en/concerns/track/?code=FB-7KQ3-MX9P",
    "resolution_url": "https://forums.example.org/en/concerns/resolved/abcdefabcdef/",
    "public_response": "",
    "closing_reason": "",
    "capacity": 130,
    "waiting": 25,
    "new": 3,
    "overdue": 1,
    "queue_url": "https://forums.example.org/en/manage/concerns/",
}


def _render(purpose, language):
    return message_render(Message(purpose=purpose, language=language, context=CONTEXT, recipient_name="Sophea Kim"))


def test_every_template_belongs_to_a_declared_purpose():
    templates = {path.name.split(".")[0] for path in TEMPLATES.glob("*.txt")} - {"generic"}
    assert templates == set(PURPOSES)


def test_every_purpose_has_a_khmer_and_an_english_template():
    for purpose in [*PURPOSES, "generic"]:
        assert (TEMPLATES / f"{purpose}.km.txt").exists(), purpose
        assert (TEMPLATES / f"{purpose}.en.txt").exists(), purpose
    assert {
        "registration_confirmed",
        "registration_waitlisted",
        "registration_promoted",
        "registration_cancelled",
        "forum_reminder",
        "forum_changed",
        "forum_cancelled",
        "forum_thank_you",
        "concern_acknowledged",
        "concern_responded",
        "concern_closed",
        "concern_resolution_check",
        "organizer_forum_full",
        "organizer_waitlist_growing",
        "staff_digest",
    } <= set(PURPOSES)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_message_rendered_in_khmer_for_a_khmer_speaker(purpose):
    subject, text, html = _render(purpose, "km")
    assert KHMER.search(subject), subject
    assert KHMER.search(text), text
    assert "{{" not in text and "{%" not in text
    assert '<html lang="km">' in html


@pytest.mark.parametrize("purpose", PURPOSES)
def test_message_rendered_in_english_for_an_english_speaker(purpose):
    with translation.override("km"):  # the active language of the request does not matter
        subject, text, html = _render(purpose, "en")
    assert not KHMER.search(subject + text), text
    assert subject and text
    assert '<html lang="en">' in html


@pytest.mark.parametrize("purpose", SMS_PURPOSES)
def test_sms_messages_stay_short(purpose):
    """At most 4 concatenated SMS: 4 x 153 GSM characters in English, 4 x 67 UCS-2 characters in Khmer.

    The signed links are the longest part, so they are left out of the count.
    """
    for language, limit in (("en", 4 * 153), ("km", 4 * 67)):
        _subject, text, _html = _render(purpose, language)
        without_links = re.sub(r"https?://\S+", "", text)
        assert len(without_links) <= limit, (purpose, language, len(without_links))


def test_dates_are_shown_in_phnom_penh_time():
    _subject, text, _html = _render("registration_confirmed", "en")
    assert "on 10 March 2030, 07:30 at Provincial Hall" in text


def test_concern_closed_names_the_appeal_path_in_both_languages():
    assert "Social Security Regulator" in _render("concern_closed", "en")[1]
    assert "និយ័តករសន្តិសុខសង្គម" in _render("concern_closed", "km")[1]


def test_unknown_purpose_falls_back_to_a_generic_message():
    _subject, text, _html = _render("something_new", "km")
    assert text == f"អ្នកមានសារថ្មីពី {settings.SITE_NAME}។"


def test_announcement_uses_the_text_written_by_the_organizer():
    message = Message(purpose="announcement", language="en", subject="Bus", body="The bus leaves at 6 & waits.")
    subject, text, html = message_render(message)
    assert (subject, text) == ("Bus", "The bus leaves at 6 & waits.")
    assert "6 &amp; waits" in html
