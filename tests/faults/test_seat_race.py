"""200 people press "register" at once for 130 seats, through gunicorn with several worker processes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SEATS = 130
PEOPLE = 200
Status = Registration.Status


def _register_all_at_once(server, forum, people: int = PEOPLE) -> list[int]:
    """POST `people` registrations concurrently, each with its own phone number; return the statuses."""
    path = reverse("participants:register", kwargs={"slug": forum.slug})
    cookies = {}
    token = server.form_token(path, cookies)
    # Built here, not in the threads: form_data reads the database, and each thread would open a connection.
    base = form_data(csrfmiddlewaretoken=token)

    def register(n):
        data = {**base, "phone": f"092{100000 + n}", "full_name": f"Participant {n}"}
        # Generous: on a loaded machine the last of 200 queued requests waits for all the others.
        return server.request("POST", path, data=data, cookies=dict(cookies), timeout=300)[0]

    with ThreadPoolExecutor(max_workers=people) as pool:
        return list(pool.map(register, range(people)))


def _seats(forum) -> tuple[int, int]:
    registrations = Registration.objects.filter(forum=forum)
    return registrations.filter(status=Status.CONFIRMED).count(), registrations.filter(status=Status.WAITING).count()


def test_seat_race_fills_exactly_the_seats_and_queues_the_rest(start_server, own_redis):
    forum = ForumFactory(capacity=SEATS)
    server = start_server(own_redis)

    statuses = _register_all_at_once(server, forum)

    assert statuses == [302] * PEOPLE
    assert _seats(forum) == (SEATS, PEOPLE - SEATS)


def test_seat_race_without_the_row_lock_oversells(settings):
    """The control run: the same decision with the forum row left unlocked must oversell, or the test above proves
    nothing about the lock. Twelve threads, each with its own PostgreSQL connection, register at once for the
    last seat through the form and the service the view uses (in this process: the setting is read per call)."""
    from django.db import connection

    from participants.forms import RegistrationForm

    settings.PARTICIPANTS_REGISTRATION_LOCK = False
    forum = ForumFactory(capacity=SEATS)
    RegistrationFactory.create_batch(SEATS - 1, forum=forum, status=Status.CONFIRMED)
    base = form_data()
    start = threading.Barrier(12)

    def register(n):
        try:
            form = RegistrationForm(data={**base, "phone": f"092{200000 + n}", "full_name": f"P {n}"}, forum=forum)
            assert form.is_valid(), form.errors
            start.wait(timeout=30)
            form.save()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(register, range(12)))

    confirmed, _waiting = _seats(forum)
    assert confirmed > SEATS
