"""The concern tallies the database keeps (ConcernTally) always equal a count of the concerns.

They are kept by triggers, and their clocks count working days with the database's copy of the calendar
(NonWorkingDay), so they are checked here the way they are kept: by writing concerns every way the portal and an
operator can (one row, many rows in one statement, moving between forums, deleting), by changing the public
holidays, and by counting again from the rows, in Python, with the calendar itself.
"""

import textwrap
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from events import people
from events.models import Province
from feedback.calendar import holidays_between
from feedback.models import Concern, ConcernTally, PublicHoliday
from reports import selectors
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.sqlite_project import sqlite_manage

pytestmark = pytest.mark.django_db

Status = Concern.Status
OPEN = {Status.NEW, Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.RESPONDED}


def _working_days(start: date, end: date, holidays: set[date]) -> int:
    """Count the days after `start` up to and including `end` that are weekdays and not holidays."""
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in holidays)


def _first_owed(concern: Concern) -> date:
    """The earliest date owed on an open concern: the steps not taken yet, by its status."""
    if concern.status == Status.NEW:
        return min(concern.acknowledge_due, concern.response_due, concern.resolve_due)
    if concern.status in (Status.ACKNOWLEDGED, Status.UNDER_REVIEW):
        return min(concern.response_due, concern.resolve_due)
    return concern.resolve_due


def counted_from_rows() -> Counter:
    """Count every concern under each tally key, in Python, from the rows themselves and the calendar."""
    concerns = list(Concern.objects.all())
    counts = Counter()
    if not concerns:
        return counts
    local = [
        timezone.localdate(moment)
        for concern in concerns
        for moment in (concern.received_at, concern.acknowledged_at, concern.responded_at, concern.closed_at)
        if moment is not None
    ]
    holidays = holidays_between(min(local), max(local))
    for concern in concerns:
        province = "" if concern.province_id is None else str(concern.province_id)
        keys = [
            ("total", ""),
            ("category", concern.category),
            ("province", province),
            ("sector", concern.sector),
            ("channel", concern.channel),
            ("gender", concern.gender),
            ("status", concern.status),
            ("province_category", f"{province}:{concern.category}"),
            ("sector_gender", f"{concern.sector}:{concern.gender}"),
        ]
        if concern.status == Status.CLOSED and concern.resolution_check_sent_at is not None:
            keys.append(("asked", ""))
        if concern.resolution_answer:
            keys.append(("resolution", concern.resolution_answer))
        if concern.satisfaction is not None:
            keys.append(("satisfaction", str(concern.satisfaction)))
        received = timezone.localdate(concern.received_at)
        clocks = {
            "acknowledge": (concern.acknowledged_at, concern.acknowledge_due),
            "answer": (concern.responded_at, concern.response_due),
            "resolve": (concern.closed_at, concern.first_resolve_due or concern.resolve_due),
        }
        for clock, (done_at, promised) in clocks.items():
            if done_at is None:
                keys.append((f"{clock}_open_due", promised.isoformat()))
                continue
            done = timezone.localdate(done_at)
            keys.append((f"{clock}_days", str(_working_days(received, done, holidays))))
            if done <= promised:
                keys.append((f"{clock}_on_time", ""))
        if not concern.sensitive and concern.status in OPEN:
            keys.append(("overdue_from", _first_owed(concern).isoformat()))
        for dimension, key in keys:
            counts[(concern.forum_id or 0, dimension, key)] += 1
    return counts


def tallied() -> Counter:
    rows = ConcernTally.objects.values_list("forum_key", "dimension", "key", "count")
    return Counter({tuple(row[:3]): row[3] for row in rows if row[3]})


def _local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def test_a_concern_is_counted_once_in_every_dimension():
    forum = ForumFactory()
    concern = ConcernFactory(
        forum=forum,
        category=Concern.Category.PAYMENTS,
        channel=Concern.Channel.HOTLINE,
        status=Status.ACKNOWLEDGED,
        # Friday 5 June 2026 late in the evening in Phnom Penh, acknowledged on Monday just after midnight (a
        # Sunday in UTC): one working day, in local dates.
        received_at=_local(2026, 6, 5, 23, 30),
        acknowledged_at=_local(2026, 6, 8, 0, 30),
        acknowledge_due=date(2026, 6, 9),
        response_due=date(2026, 6, 19),
        # An interim notice moved the resolve-by date; the clock keeps the first promise.
        resolve_due=date(2026, 7, 31),
        first_resolve_due=date(2026, 7, 17),
    )

    rows = set(ConcernTally.objects.values_list("forum_key", "dimension", "key", "count"))

    province = str(concern.province_id)
    assert rows == {
        (forum.pk, "total", "", 1),
        (forum.pk, "category", "payments", 1),
        (forum.pk, "province", province, 1),
        (forum.pk, "sector", "garment", 1),
        (forum.pk, "channel", "hotline", 1),
        (forum.pk, "gender", "woman", 1),
        (forum.pk, "status", "acknowledged", 1),
        (forum.pk, "province_category", f"{province}:payments", 1),
        (forum.pk, "sector_gender", "garment:woman", 1),
        (forum.pk, "acknowledge_days", "1", 1),
        (forum.pk, "acknowledge_on_time", "", 1),
        (forum.pk, "answer_open_due", "2026-06-19", 1),
        (forum.pk, "resolve_open_due", "2026-07-17", 1),
        (forum.pk, "overdue_from", "2026-06-19", 1),
    }


def test_an_update_of_what_is_not_counted_writes_no_tally(nssf_staff):
    concern = ConcernFactory(forum=ForumFactory())
    ConcernFactory(forum=None, status=Status.ACKNOWLEDGED, acknowledged_at=timezone.now())
    before = list(ConcernTally.objects.order_by("pk").values_list("pk", "forum_key", "dimension", "key", "count"))

    Concern.objects.filter(pk=concern.pk).update(
        description="Another description of the same concern.",
        assignee=nssf_staff,
        priority=Concern.Priority.URGENT,
        updated_at=timezone.now() + timedelta(hours=1),
    )
    Concern.objects.update(priority=Concern.Priority.LOW)

    after = list(ConcernTally.objects.order_by("pk").values_list("pk", "forum_key", "dimension", "key", "count"))
    assert after == before


# Any writes, in any order: the property ----------------------------------------------------------------------

FORUM = st.sampled_from([0, 1, None])
WHICH = st.integers(min_value=0, max_value=50)
# A step done some days before or after the date promised for it (never before the concern came), at a local hour.
DONE = st.tuples(st.integers(min_value=-6, max_value=4), st.integers(min_value=0, max_value=23))
CLOSING = st.sampled_from(Concern.ClosingReason.values)
HOLIDAY_KINDS = st.sampled_from(PublicHoliday.Kind.values)
PROVINCE = st.integers(min_value=0, max_value=2)  # none, or one of two
SUBMIT = st.tuples(
    st.just("submit"),
    FORUM,
    st.sampled_from(Concern.Category.values),
    st.sampled_from(Status.values),
    st.sampled_from(people.Gender.values),
    st.sampled_from(people.Sector.values),
    st.sampled_from(Concern.Channel.values),
    st.booleans(),
    st.integers(min_value=0, max_value=480),  # received this many hours ago: up to 20 days
    PROVINCE,
)
OPERATIONS = st.one_of(
    SUBMIT,
    st.tuples(st.just("acknowledge"), WHICH, DONE),
    st.tuples(st.just("respond"), WHICH, DONE),
    st.tuples(st.just("close"), WHICH, DONE, CLOSING),
    st.tuples(st.just("reopen"), WHICH),
    st.tuples(
        st.just("resolution"),
        WHICH,
        st.sampled_from(["", *Concern.Resolution.values]),
        st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
        st.booleans(),
    ),
    st.tuples(st.just("promise"), WHICH, st.integers(min_value=-3, max_value=20), st.booleans()),
    st.tuples(
        st.just("describe"),
        WHICH,
        st.sampled_from(Concern.Category.values),
        st.sampled_from(people.Gender.values),
        st.sampled_from(people.Sector.values),
        st.booleans(),
        PROVINCE,
    ),
    st.tuples(st.just("move"), WHICH, FORUM),
    st.tuples(st.just("all_of_a_forum"), FORUM, st.sampled_from(Status.values), st.booleans()),
    st.tuples(st.just("delete"), WHICH),
    st.tuples(st.just("holiday"), WHICH, st.integers(min_value=0, max_value=20), HOLIDAY_KINDS),
)


def _status_fields(status: str, reason: str = Concern.ClosingReason.RESOLVED) -> dict:
    # A closed concern has a closing reason, an open one none (a check constraint).
    return {"status": status, "closing_reason": reason if status == Status.CLOSED else ""}


def _apply(operation, forums, provinces):
    kind, *args = operation
    forum_of = {0: forums[0], 1: forums[1], None: None}
    if kind == "submit":
        forum, category, status, gender, sector, channel, sensitive, hours_ago, province = args
        ConcernFactory(
            forum=forum_of[forum],
            category=category,
            gender=gender,
            sector=sector,
            channel=channel,
            sensitive=sensitive,
            province=provinces[province],
            received_at=timezone.now() - timedelta(hours=hours_ago),
            **_status_fields(status),
        )
        return
    if kind == "all_of_a_forum":
        forum, status, acknowledged = args
        acknowledged_at = timezone.now() if acknowledged else None
        Concern.objects.filter(forum=forum_of[forum]).update(**_status_fields(status), acknowledged_at=acknowledged_at)
        return
    rows = list(Concern.objects.order_by("pk").values_list("pk", flat=True))
    if not rows:
        return
    one = Concern.objects.filter(pk=rows[args[0] % len(rows)])
    concern = one.get()
    if kind == "acknowledge":
        done_at = _done_at(concern, concern.acknowledge_due, *args[1])
        one.update(**_status_fields(Status.ACKNOWLEDGED), acknowledged_at=done_at)
    elif kind == "respond":
        one.update(**_status_fields(Status.RESPONDED), responded_at=_done_at(concern, concern.response_due, *args[1]))
    elif kind == "close":
        done_at = _done_at(concern, concern.first_resolve_due or concern.resolve_due, *args[1])
        one.update(**_status_fields(Status.CLOSED, args[2]), closed_at=done_at)
    elif kind == "reopen":
        one.update(closed_at=None, **_status_fields(Status.UNDER_REVIEW))
    elif kind == "resolution":
        answer, satisfaction, asked = args[1:]
        one.update(
            resolution_answer=answer,
            satisfaction=satisfaction,
            resolution_check_sent_at=timezone.now() if asked else None,
        )
    elif kind == "promise":
        # An interim notice moves the resolve-by date and keeps the first; a concern from before the first promise
        # was kept has none.
        days, keep_first = args[1:]
        first = (concern.first_resolve_due or concern.resolve_due) if keep_first else None
        one.update(resolve_due=concern.resolve_due + timedelta(days=days), first_resolve_due=first)
    elif kind == "describe":
        category, gender, sector, sensitive, province = args[1:]
        one.update(category=category, gender=gender, sector=sector, sensitive=sensitive, province=provinces[province])
    elif kind == "move":
        one.update(forum=forum_of[args[1]])
    elif kind == "delete":
        one.delete()
    elif kind == "holiday":
        _change_a_holiday(concern, *args[1:])


def _done_at(concern: Concern, promised: date, days: int, hour: int) -> datetime:
    moment = timezone.make_aware(datetime.combine(promised + timedelta(days=days), time(hour)))
    return max(moment, concern.received_at)


def _change_a_holiday(concern: Concern, nth: int, kind: str):
    """Add, change or delete the public holiday of the `nth` weekday inside the concern's clocks (received to the
    last step done, or to today), through the ORM as the admin does: its signals refresh the non-working days."""
    start = timezone.localdate(concern.received_at)
    done = [moment for moment in (concern.acknowledged_at, concern.responded_at, concern.closed_at) if moment]
    end = max([timezone.localdate(moment) for moment in done] or [timezone.localdate()])
    weekdays = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    weekdays = [day for day in weekdays if day.weekday() < 5]
    if not weekdays:
        return
    day = weekdays[nth % len(weekdays)]
    held = PublicHoliday.objects.filter(date=day).first()
    if held is None:
        PublicHoliday.objects.create(date=day, kind=kind, name_en="Announced late")
    elif held.kind != kind:
        held.kind = kind
        held.save()
    else:
        held.delete()


@given(submitted=st.lists(SUBMIT, min_size=1, max_size=3), operations=st.lists(OPERATIONS, max_size=10))
def test_tallies_equal_a_count_of_the_rows_after_any_writes(submitted, operations, db):
    # Each example starts from nothing and leaves nothing: its writes (holidays included) are rolled back.
    with transaction.atomic():
        forums = ForumFactory.create_batch(2)
        provinces = [None, *Province.objects.order_by("pk")[:2]]
        # A few concerns first, so that most operations find one to write.
        for operation in [*submitted, *operations]:
            _apply(operation, forums, provinces)

        assert tallied() == counted_from_rows()
        transaction.set_rollback(True)


# A holiday changes the clocks it falls inside ------------------------------------------------------------------


def _acknowledge_days() -> dict[str, int]:
    rows = ConcernTally.objects.filter(dimension="acknowledge_days", count__gt=0)
    return dict(rows.values_list("key", "count"))


def test_a_holiday_added_inside_a_clock_takes_a_working_day_off_it_until_deleted():
    # Monday 8 June 2026 to Monday 15 June: 9, 10, 11, 12 and 15 June.
    ConcernFactory(status=Status.ACKNOWLEDGED, received_at=_local(2026, 6, 8), acknowledged_at=_local(2026, 6, 15, 10))
    assert _acknowledge_days() == {"5": 1}

    holiday = PublicHoliday.objects.create(date=date(2026, 6, 10), name_en="Bridge day")
    assert _acknowledge_days() == {"4": 1}
    assert tallied() == counted_from_rows()

    holiday.delete()
    assert _acknowledge_days() == {"5": 1}
    assert tallied() == counted_from_rows()


def test_a_holiday_removed_from_the_calendar_inside_a_clock_gives_it_a_working_day_back():
    # Monday 15 June 2026 to Monday 22 June: 16, 17, 19 and 22 June; Thursday the 18th is the Queen Mother's
    # birthday in the calendar.
    ConcernFactory(status=Status.ACKNOWLEDGED, received_at=_local(2026, 6, 15), acknowledged_at=_local(2026, 6, 22, 10))
    assert _acknowledge_days() == {"4": 1}

    change, _created = PublicHoliday.objects.update_or_create(
        date=date(2026, 6, 18), defaults={"kind": PublicHoliday.Kind.REMOVAL, "name_en": "Moved"}
    )
    assert _acknowledge_days() == {"5": 1}

    change.delete()
    assert _acknowledge_days() == {"4": 1}
    assert tallied() == counted_from_rows()


def test_a_step_recorded_before_the_concern_was_received_took_no_working_days(nssf_supervisor):
    # An edited date can put the acknowledgement a week before the concern; it took none, not minus five.
    concern = ConcernFactory(status=Status.ACKNOWLEDGED, received_at=_local(2026, 6, 15))
    Concern.objects.filter(pk=concern.pk).update(acknowledged_at=_local(2026, 6, 8))

    assert _acknowledge_days() == {"0": 1}
    assert tallied() == counted_from_rows()
    clocks = selectors.desk_dashboard(user=nssf_supervisor, filters={"received_from": date(2000, 1, 1)})["clocks"]
    assert clocks[0]["name"] == "acknowledge" and clocks[0]["median"] == 0


# The desk reads the tallies: the same figures as counting the concerns -------------------------------------------

LATER = _local(2026, 9, 1)  # "now" for the desk: most dates below have passed
EVERY_DATE = date(2000, 1, 1)  # a filter the tallies do not hold, that keeps every concern: counted live


@pytest.fixture
def desk(nssf_staff):
    """Concerns of June to August 2026 in two forums of one series, a forum of another, and none; closed, open,
    overdue, sensitive; answered and rated; and a day off announced inside several clocks."""
    forum = ForumFactory()
    sibling = ForumFactory(series=forum.series)
    other = ForumFactory()
    kampot = Province.objects.get(name_en="Kampot")
    closed = {"status": Status.CLOSED, "closing_reason": Concern.ClosingReason.RESOLVED}
    ConcernFactory(
        forum=forum,
        received_at=_local(2026, 6, 1),
        acknowledged_at=_local(2026, 6, 2),
        responded_at=_local(2026, 6, 9),
        closed_at=_local(2026, 6, 15),
        resolution_check_sent_at=_local(2026, 6, 29),
        resolution_answer=Concern.Resolution.YES,
        satisfaction=5,
        **closed,
    )
    ConcernFactory(
        forum=forum,
        category=Concern.Category.PENSION,
        province=kampot,
        received_at=_local(2026, 6, 3, 16),
        acknowledged_at=_local(2026, 6, 12, 8),
        responded_at=_local(2026, 7, 1),
        closed_at=_local(2026, 7, 30),
        first_resolve_due=date(2026, 7, 15),  # closed after the first promise: late
        resolution_check_sent_at=_local(2026, 8, 13),
        resolution_answer=Concern.Resolution.PARTLY,
        satisfaction=2,
        **closed,
    )
    ConcernFactory(forum=forum, received_at=_local(2026, 6, 20), channel=Concern.Channel.SMS)  # overdue, new
    ConcernFactory(
        forum=forum,
        status=Status.ACKNOWLEDGED,
        received_at=_local(2026, 6, 8),
        acknowledged_at=_local(2026, 6, 11, 15),
        gender=people.Gender.MAN,
        sector=people.Sector.FARMING,
    )
    ConcernFactory(
        forum=sibling,
        category=Concern.Category.STAFF_CONDUCT,
        sensitive=True,
        triage_due=_local(2026, 6, 23),
        received_at=_local(2026, 6, 22),
        assignee=nssf_staff,
    )  # sensitive, overdue, assigned to the staff member
    ConcernFactory(
        forum=sibling,
        category=Concern.Category.STAFF_CONDUCT,
        sensitive=True,
        received_at=_local(2026, 7, 6),
        acknowledged_at=_local(2026, 7, 7),
        closed_at=_local(2026, 7, 20),
        **closed,
    )
    ConcernFactory(
        forum=sibling,
        status=Status.RESPONDED,
        received_at=_local(2026, 8, 27),
        acknowledged_at=_local(2026, 8, 28),
        responded_at=_local(2026, 8, 31),
    )  # responded, resolve-by still ahead: not overdue
    ConcernFactory(
        forum=other,
        status=Status.UNDER_REVIEW,
        category=Concern.Category.HEALTH_CARE,
        received_at=_local(2026, 7, 1),
        acknowledged_at=_local(2026, 7, 2),
    )  # overdue: its answer
    ConcernFactory(
        forum=None,
        province=None,
        channel=Concern.Channel.HOTLINE,
        gender=people.Gender.MAN,
        received_at=_local(2026, 6, 10),
        acknowledged_at=_local(2026, 6, 16),
        closed_at=_local(2026, 6, 26),
        resolution_check_sent_at=_local(2026, 7, 10),
        resolution_answer=Concern.Resolution.NO,
        **closed,
    )
    ConcernFactory(forum=None, received_at=LATER - timedelta(hours=2))  # today's: nothing owed yet
    # Announced late, inside several clocks.
    PublicHoliday.objects.create(date=date(2026, 6, 10), name_en="Bridge day")
    return forum


def _desk_figures(user, filters):
    figures = selectors.desk_dashboard(user=user, filters=filters, now=LATER)
    return {key: figures[key] for key in ("total", "breakdowns", "clocks", "overdue_count", "resolution")}


@pytest.mark.parametrize("reader", ["nssf_supervisor", "nssf_staff", "programme_officer"])
def test_the_desk_reads_the_same_figures_from_the_tallies_as_from_the_concerns(desk, reader, request):
    user = request.getfixturevalue(reader)
    assert tallied() == counted_from_rows()

    for narrowed in ({}, {"forum": desk}, {"series": desk.series}):
        tallied_figures = _desk_figures(user, narrowed)
        counted_figures = _desk_figures(user, {**narrowed, "received_from": EVERY_DATE})

        assert tallied_figures == counted_figures, narrowed

    everything = _desk_figures(user, {})
    assert everything["total"] == 10
    overdue = {"nssf_supervisor": 4, "nssf_staff": 4, "programme_officer": 3}
    assert everything["overdue_count"] == overdue[reader]


def test_the_desk_counts_from_the_tallies_unless_a_filter_needs_the_concerns(desk, nssf_supervisor):
    # Proof that the comparison above compares two ways of counting: the tallies alone give the desk's figures.
    before = _desk_figures(nssf_supervisor, {})
    ConcernTally.objects.filter(dimension="total").update(count=0)

    assert _desk_figures(nssf_supervisor, {})["breakdowns"] != before["breakdowns"]
    assert _desk_figures(nssf_supervisor, {"received_from": EVERY_DATE}) == before


# The migration counts what was there before it -----------------------------------------------------------------


def test_tallies_count_the_concerns_recorded_before_they_existed():
    """The migration that makes the triggers counts what is already there (checked on SQLite, `make run`'s
    database, in a fresh process: migrate, seed the demo, migrate back and forth, write every way, compare)."""
    script = textwrap.dedent(
        """
        from datetime import timedelta
        from django.utils import timezone
        from feedback.calendar import holidays_between
        from feedback.models import Concern, PublicHoliday
        from tests.feedback.test_tally import counted_from_rows, tallied

        assert Concern.objects.count() > 20, "the demo has concerns"
        assert tallied() == counted_from_rows(), "counted by the migration"
        now = timezone.now()
        # Concerns received a while ago, so that every step written below comes after them.
        received = Concern.objects.filter(received_at__lte=now - timedelta(days=4)).order_by("pk")
        pks = list(received.values_list("pk", flat=True))
        Concern.objects.filter(pk__in=pks[:4]).update(
            status="closed", closing_reason="resolved", closed_at=now, resolution_check_sent_at=now,
            resolution_answer="yes", satisfaction=4,
        )
        Concern.objects.filter(pk__in=pks[4:8]).update(
            status="under_review", closing_reason="", closed_at=None, acknowledged_at=now - timedelta(days=3),
            forum=None, province=None,
        )
        Concern.objects.filter(pk__in=pks[8:10]).update(sensitive=True, first_resolve_due=None)
        Concern.objects.filter(pk__in=pks[10:13]).delete()
        for concern in Concern.objects.filter(pk__in=pks[13:16]):
            concern.status, concern.closing_reason = "responded", ""
            concern.responded_at = concern.received_at + timedelta(days=9)
            concern.save()
        assert tallied() == counted_from_rows(), "after the writes"

        # A day off added inside an acknowledge clock, and a calendar holiday inside one removed.
        spans = [
            (timezone.localdate(received), timezone.localdate(done))
            for received, done in Concern.objects.filter(acknowledged_at__isnull=False).values_list(
                "received_at", "acknowledged_at"
            )
        ]
        inside = sorted({start + timedelta(days=n) for start, end in spans for n in range(1, (end - start).days + 1)})
        off = holidays_between(inside[0], inside[-1])
        before = tallied()
        added = next(day for day in inside if day.weekday() < 5 and day not in off)
        PublicHoliday.objects.update_or_create(date=added, defaults={"kind": "addition", "name_en": "Bridge day"})
        assert tallied() != before, "the clocks were counted again"
        assert tallied() == counted_from_rows(), "after a day off was added"
        removed = next(day for day in inside if day.weekday() < 5 and day in off)
        PublicHoliday.objects.update_or_create(date=removed, defaults={"kind": "removal", "name_en": "Moved"})
        assert tallied() == counted_from_rows(), "after a holiday was removed"
        print("tallies match")
        """
    )
    manage = sqlite_manage("test-concern-tally-sqlite")

    # The demo's concerns; then the triggers and tallies dropped and made again, counting them; then writes.
    for step in (
        manage("migrate", "-v0"),
        manage("seed_demo", "--concerns", "40"),
        manage("migrate", "feedback", "0011", "-v0"),
        manage("migrate", "-v0"),
        manage("shell", "-c", script),
    ):
        assert step.returncode == 0, step.stderr[-3000:]
    assert "tallies match" in step.stdout
