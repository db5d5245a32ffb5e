"""The registration tallies the database keeps (RegistrationTally) always equal a count of the registrations.

They are kept by triggers, so they are checked here the way they are kept: by writing registrations every way
the portal and an operator can (one row, many rows in one statement, moving between forums, deleting) and
counting again from the rows.
"""

from collections import Counter
from datetime import UTC, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from events import people
from events.models import Province
from participants.models import Registration, RegistrationTally
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory
from tests.sqlite_project import sqlite_manage

pytestmark = pytest.mark.django_db

Status = Registration.Status


def counted_from_rows() -> Counter:
    """Count every registration under each tally key, in Python, from the rows themselves."""
    counts = Counter()
    for registration in Registration.objects.all():
        keys = {
            "total": "",
            "gender": registration.gender,
            "age_group": registration.age_group,
            "disability": registration.disability,
            "role": registration.role,
            "sector": registration.sector,
            "province": str(registration.province_id),
            "hour": registration.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H"),
            "sector_gender": f"{registration.sector}:{registration.gender}",
        }
        checked_in = registration.checked_in_at is not None
        for dimension, key in keys.items():
            counts[(registration.forum_id, dimension, key, registration.status, checked_in)] += 1
    return counts


def tallied() -> Counter:
    rows = RegistrationTally.objects.values_list("forum_id", "dimension", "key", "status", "checked_in", "count")
    return Counter({tuple(row[:5]): row[5] for row in rows if row[5]})


def test_a_registration_is_counted_once_in_every_dimension():
    registration = RegistrationFactory(
        gender=people.Gender.MAN, sector=people.Sector.FARMING, difficulty_walking=people.Difficulty.CANNOT
    )

    rows = set(RegistrationTally.objects.values_list("dimension", "key", "status", "checked_in", "count"))

    hour = registration.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H")
    assert rows == {
        ("total", "", "confirmed", False, 1),
        ("gender", "man", "confirmed", False, 1),
        ("age_group", registration.age_group, "confirmed", False, 1),
        ("disability", "yes", "confirmed", False, 1),
        ("role", registration.role, "confirmed", False, 1),
        ("sector", "farming", "confirmed", False, 1),
        ("province", str(registration.province_id), "confirmed", False, 1),
        ("hour", hour, "confirmed", False, 1),
        ("sector_gender", "farming:man", "confirmed", False, 1),
    }


def test_an_update_of_what_is_not_counted_writes_no_tally():
    registration = RegistrationFactory()
    before = tallied()

    Registration.objects.filter(pk=registration.pk).update(full_name="Another name", confirmations_sent=2)

    assert tallied() == before


STATUSES = st.sampled_from(Status.values)
GENDERS = st.sampled_from(people.Gender.values)
SECTORS = st.sampled_from(people.Sector.values)
DIFFICULTIES = st.sampled_from(["", *people.Difficulty.values])
FORUM = st.integers(min_value=0, max_value=1)
WHICH = st.integers(min_value=0, max_value=50)
OPERATIONS = st.one_of(
    st.tuples(
        st.just("register"),
        FORUM,
        STATUSES,
        GENDERS,
        SECTORS,
        DIFFICULTIES,
        st.booleans(),
        st.integers(min_value=0, max_value=72),
    ),
    st.tuples(st.just("status"), WHICH, STATUSES),
    st.tuples(st.just("check_in"), WHICH, st.booleans()),
    st.tuples(st.just("describe"), WHICH, GENDERS, SECTORS, DIFFICULTIES),
    st.tuples(st.just("move"), WHICH, FORUM),
    st.tuples(st.just("all_of_a_forum"), FORUM, STATUSES),
    st.tuples(st.just("delete"), WHICH),
)


def _apply(operation, forums, provinces, serial):
    kind, *args = operation
    rows = list(Registration.objects.order_by("pk").values_list("pk", flat=True))
    if kind == "register":
        forum, status, gender, sector, difficulty, checked_in, hours_ago = args
        registration = RegistrationFactory(
            forum=forums[forum],
            status=status,
            gender=gender,
            sector=sector,
            difficulty_hearing=difficulty,
            province=provinces[serial % len(provinces)],
            checked_in_at=timezone.now() if checked_in else None,
        )
        # As an import or a correction would: the hour it counts under moves with it.
        Registration.objects.filter(pk=registration.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
        return
    if kind == "all_of_a_forum":
        Registration.objects.filter(forum=forums[args[0]]).update(status=args[1])
        return
    if not rows:
        return
    one = Registration.objects.filter(pk=rows[args[0] % len(rows)])
    if kind == "status":
        one.update(status=args[1])
    elif kind == "check_in":
        one.update(checked_in_at=timezone.now() if args[1] else None)
    elif kind == "describe":
        one.update(gender=args[1], sector=args[2], difficulty_seeing=args[3])
    elif kind == "move":
        one.update(forum=forums[args[1]])
    elif kind == "delete":
        one.delete()


@given(operations=st.lists(OPERATIONS, max_size=10))
def test_tallies_equal_a_count_of_the_rows_after_any_writes(operations, db):
    # Each example starts from nothing and leaves nothing: its writes are rolled back at the end.
    with transaction.atomic():
        forums = ForumFactory.create_batch(2)
        provinces = list(Province.objects.order_by("pk")[:3])
        for serial, operation in enumerate(operations):
            _apply(operation, forums, provinces, serial)

        assert tallied() == counted_from_rows()
        transaction.set_rollback(True)


def test_tallies_count_the_registrations_made_before_they_existed():
    """The migration that makes the triggers counts what is already there (checked on SQLite, `make run`'s
    database, in a fresh process: migrate, seed the demo, write every way, compare)."""
    script = (
        "from collections import Counter\n"
        "from django.utils import timezone\n"
        "from participants.models import Registration\n"
        "from tests.participants.test_tally import counted_from_rows, tallied\n"
        "rows = Registration.objects.order_by('pk')\n"
        "Registration.objects.filter(pk__in=list(rows.values_list('pk', flat=True)[:5])).update(status='cancelled')\n"
        "Registration.objects.filter(pk__in=list(rows.values_list('pk', flat=True)[5:9])).update("
        "checked_in_at=timezone.now(), gender='man')\n"
        "Registration.objects.filter(pk__in=list(rows.values_list('pk', flat=True)[9:12])).delete()\n"
        "assert Registration.objects.count() > 20, 'the demo has registrations'\n"
        "assert tallied() == counted_from_rows(), (tallied() - counted_from_rows(), counted_from_rows() - tallied())\n"
        "print('tallies match')\n"
    )
    manage = sqlite_manage("test-tally-sqlite")

    # Registrations first, without the triggers; then the migration that makes them; then writes of every kind.
    for step in (
        manage("migrate", "participants", "0009", "-v0"),
        manage("migrate", "-v0"),
        manage("seed_demo"),
        manage("migrate", "participants", "0009", "-v0"),
        manage("migrate", "-v0"),
        manage("shell", "-c", script),
    ):
        assert step.returncode == 0, step.stderr[-3000:]
    assert "tallies match" in step.stdout
