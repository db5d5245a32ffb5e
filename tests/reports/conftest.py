"""A small world whose figures are counted by hand in the tests: one forum with eight registrations and three
concerns, and an empty forum in the same series."""

import shutil
import subprocess
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from events import people
from events.models import ForumSeries, Speaker
from feedback.models import Concern
from participants.models import Registration
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

D = people.Difficulty
NAMES = ["Sokha Alpha", "Sreymom Bravo", "Dara Charlie", "Chenda Delta", "Vibol Echo", "Malis Foxtrot", "Rith Golf"]
NAMES += ["Bopha Hotel"]
PHONES = [f"+8551277700{n}" for n in range(8)]
SENSITIVE_TEXT = "The district officer asked me for money before signing my claim."
CONCERN_CONTACT = "Kanha India"


def pdf_text(body: bytes) -> str:
    """Return the text layer of a PDF as poppler's pdftotext reads it (what a reader copies or searches)."""
    command = [shutil.which("pdftotext"), "-layout", "-", "-"]
    return subprocess.run(command, input=body, capture_output=True, check=True).stdout.decode()  # noqa: S603 (fixed command, own bytes)


@dataclass
class World:
    series: ForumSeries
    forum: object
    empty: object
    registrations: list
    concerns: list
    sensitive: Concern


@pytest.fixture
def world(db):
    forum = ForumFactory(
        title="Regional Forum in Svay Rieng", capacity=10, starts_at=timezone.now() - timedelta(days=3)
    )
    empty = ForumFactory(series=forum.series, title="Regional Forum in Kampot")
    checked = forum.starts_at + timedelta(minutes=30)

    def person(n, **fields):
        return RegistrationFactory(forum=forum, full_name=NAMES[n], phone=PHONES[n], **fields)

    registrations = [
        person(0, checked_in_at=checked),
        person(1, checked_in_at=checked),
        person(2, checked_in_at=checked),
        # Washington Group cut-off: one domain with "a lot of difficulty" is enough.
        person(3, checked_in_at=checked, difficulty_walking=D.A_LOT),
        # "Some difficulty" is below the cut-off.
        person(4, gender=people.Gender.MAN, difficulty_seeing=D.SOME),
        person(5, status=Registration.Status.WAITING, difficulty_hearing=D.UNDISCLOSED),
        person(6, gender=people.Gender.MAN, status=Registration.Status.CANCELLED),
        person(
            7,
            gender=people.Gender.UNDISCLOSED,
            age_group=people.AgeGroup.UNDISCLOSED,
            checked_in_at=checked,
            sector=people.Sector.CONSTRUCTION,
        ),
    ]
    concerns = [
        ConcernFactory(forum=forum, category=Concern.Category.MATERNITY, contact_name=CONCERN_CONTACT),
        ConcernFactory(forum=forum, category=Concern.Category.MATERNITY, status=Concern.Status.ACKNOWLEDGED),
    ]
    sensitive = ConcernFactory(
        forum=forum,
        category=Concern.Category.STAFF_CONDUCT,
        sensitive=True,
        description=SENSITIVE_TEXT,
        contact_name=CONCERN_CONTACT,
    )
    item = AgendaItemFactory(forum=forum, title="Opening remarks")
    item.speakers.add(
        Speaker.objects.create(name="H.E. Speaker One", gender=people.Gender.WOMAN),
        Speaker.objects.create(name="Speaker Two", gender=people.Gender.MAN),
        Speaker.objects.create(name="Speaker Three"),
    )
    return World(
        series=forum.series,
        forum=forum,
        empty=empty,
        registrations=registrations,
        concerns=concerns,
        sensitive=sensitive,
    )
