"""200 people press "register" at once for 130 seats, through gunicorn with several worker processes."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SEATS = 130
PEOPLE = 200
Status = Registration.Status


def _register_all_at_once(server, forum) -> list[int]:
    """POST PEOPLE registrations concurrently, each with its own phone number; return the statuses."""
    path = reverse("participants:register", kwargs={"slug": forum.slug})
    cookies = {}
    token = server.form_token(path, cookies)
    # Built here, not in the threads: form_data reads the database, and each thread would open a connection.
    base = form_data(csrfmiddlewaretoken=token)

    def register(n):
        data = {**base, "phone": f"012{100000 + n}", "full_name": f"Participant {n}"}
        return server.request("POST", path, data=data, cookies=dict(cookies))[0]

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        return list(pool.map(register, range(PEOPLE)))


def _seats(forum) -> tuple[int, int]:
    registrations = Registration.objects.filter(forum=forum)
    return registrations.filter(status=Status.CONFIRMED).count(), registrations.filter(status=Status.WAITING).count()


def test_seat_race_fills_exactly_the_seats_and_queues_the_rest(start_server, own_redis):
    forum = ForumFactory(capacity=SEATS)
    server = start_server(own_redis)

    statuses = _register_all_at_once(server, forum)

    assert statuses == [302] * PEOPLE
    assert _seats(forum) == (SEATS, PEOPLE - SEATS)


def test_seat_race_without_the_row_lock_oversells(start_server, own_redis):
    """The control run: the same race with the forum row left unlocked must oversell, or the test above proves
    nothing about the lock."""
    forum = ForumFactory(capacity=SEATS)
    server = start_server(own_redis, workers=16, PARTICIPANTS_REGISTRATION_LOCK="false")

    _register_all_at_once(server, forum)

    confirmed, _waiting = _seats(forum)
    assert confirmed > SEATS
