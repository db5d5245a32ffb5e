import pytest

from events.selectors import SEAT_HOLDING_STATUS, forums_public
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_events_counts_seats_by_the_status_participants_give_a_seat():
    # events cannot import participants; this is where the two are held to the same word.
    assert SEAT_HOLDING_STATUS == Registration.Status.CONFIRMED


def test_seats_left_counts_only_confirmed_registrations_of_the_forum():
    forum = ForumFactory(capacity=3)
    RegistrationFactory(forum=forum)
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    RegistrationFactory(forum=forum, status=Registration.Status.CANCELLED)
    RegistrationFactory(forum=ForumFactory())
    assert forums_public().get(pk=forum.pk).seats_left == 2
