"""Seat targets read as words, not as a fraction and a tick."""

import re

import pytest
from django.urls import reverse

from participants.models import SeatTarget
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_targets_say_confirmed_and_target_in_words(organizer_client):
    forum = ForumFactory()
    for _ in range(3):
        RegistrationFactory(forum=forum, gender="woman")
    SeatTarget.objects.create(forum=forum, dimension="gender", value="woman", minimum=2, unit="seats")

    page = organizer_client.get(reverse("participants:targets", kwargs={"slug": forum.slug})).content.decode()

    cells = [
        " ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.DOTALL)
    ]
    assert "3 confirmed, target 2 (met)" in cells
    assert "0 checked in, target 2" in cells
    assert "✓" not in page and "3 / 2" not in page
