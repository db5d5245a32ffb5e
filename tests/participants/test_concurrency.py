"""Capacity under load, on the real database: many people pressing "Register" at the same moment."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from notifications.models import Message
from participants import services
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.markers import requires_postgresql
from tests.participants.factories import registration_data

# serialized_rollback: the flush after a transactional test would otherwise drop the provinces that a
# data migration loads, which the tests after this one need.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@requires_postgresql
def test_200_parallel_registrations_fill_130_seats_exactly_and_queue_70():
    forum = ForumFactory(capacity=130)
    province = registration_data()["province"]
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def register(n: int) -> str:
        try:
            if n < 50:
                start.wait(timeout=30)  # the first wave starts together, to make the lock matter
            data = registration_data(full_name=f"Person {n}", phone=f"+85512{n:06d}", province=province)
            return services.registration_create(forum=forum, data=data).status
        except BaseException as error:
            errors.append(error)
            raise
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(register, range(200)))

    assert errors == []
    assert statuses.count(Registration.Status.CONFIRMED) == 130
    assert statuses.count(Registration.Status.WAITING) == 70
    registrations = Registration.objects.filter(forum=forum)
    assert registrations.count() == 200
    assert registrations.filter(status=Registration.Status.CONFIRMED).count() == 130
    assert registrations.filter(status=Registration.Status.WAITING).count() == 70
    assert registrations.values("phone").distinct().count() == 200
    assert registrations.values("code").distinct().count() == 200
    assert Message.objects.filter(purpose="registration_confirmed").count() == 130
    assert Message.objects.filter(purpose="registration_waitlisted").count() == 70
    positions = sorted(m.context["position"] for m in Message.objects.filter(purpose="registration_waitlisted"))
    assert positions == list(range(1, 71))
