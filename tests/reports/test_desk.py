"""The concern desk's figures: working days to each step, on time against the first promised date, answers."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.calendar import add_working_days, holidays_between
from feedback.models import Appeal, Concern
from reports import selectors
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db

Status = Concern.Status
LATER = timezone.make_aware(datetime(2026, 9, 1, 9))  # "now" for the figures: every date below has passed


def _at(day: int, hour: int = 9, month: int = 6) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


@pytest.fixture
def clocks():
    """Three concerns of June 2026, whose public holidays were Thursday 4 and Thursday 18 June."""
    common = {"category": Concern.Category.PENSION}
    on_time = ConcernFactory(
        **common,
        received_at=_at(1),
        acknowledged_at=_at(2),  # 1 working day
        responded_at=_at(5),  # 3: the 4th is a holiday
        closed_at=_at(8),  # 4
        status=Status.CLOSED,
        closing_reason=Concern.ClosingReason.RESOLVED,
        acknowledge_due=date(2026, 6, 3),
        response_due=date(2026, 6, 15),
        resolve_due=date(2026, 7, 13),
        first_resolve_due=date(2026, 7, 13),
    )
    over_weekend = ConcernFactory(
        **common,
        received_at=_at(5, 16),  # a Friday afternoon
        acknowledged_at=_at(8),  # 1: the weekend does not count
        responded_at=_at(19),  # 9: the 18th is a holiday
        status=Status.RESPONDED,
        acknowledge_due=date(2026, 6, 9),
        response_due=date(2026, 6, 19),
        resolve_due=date(2026, 7, 17),
        first_resolve_due=date(2026, 7, 17),
    )
    # An interim notice moved the resolve-by date from 10 to 30 June; it closed on the 17th: late all the same.
    interim = ConcernFactory(
        **common,
        received_at=_at(1),
        acknowledged_at=_at(4),  # 2: the holiday itself is not a working day
        closed_at=_at(17),  # 11
        status=Status.CLOSED,
        closing_reason=Concern.ClosingReason.RESOLVED,
        acknowledge_due=date(2026, 6, 3),
        response_due=date(2026, 6, 15),
        resolve_due=date(2026, 6, 30),
        first_resolve_due=date(2026, 6, 10),
    )
    return on_time, over_weekend, interim


def _clocks(user, **filters):
    figures = selectors.desk_dashboard(user=user, filters=filters, now=LATER)
    return {clock["name"]: clock for clock in figures["clocks"]}


def test_working_days_median_and_90th_percentile_computed_in_the_database(clocks, nssf_supervisor):
    figures = _clocks(nssf_supervisor, category=Concern.Category.PENSION)

    # Acknowledge [1, 1, 2]; answer [3, 9]; resolve [4, 11], as PERCENTILE_CONT interpolates.
    assert (figures["acknowledge"]["median"], figures["acknowledge"]["p90"]) == (1.0, 1.8)
    assert (figures["answer"]["median"], figures["answer"]["p90"]) == (6.0, 8.4)
    assert (figures["resolve"]["median"], figures["resolve"]["p90"]) == (7.5, 10.3)


def test_working_days_agree_with_the_service_calendar(clocks):
    holidays = holidays_between(date(2026, 5, 1), date(2026, 8, 1))
    received = timezone.localdate(clocks[1].received_at)
    # feedback.calendar says the 9th working day after Friday 5 June is Friday 19 June, as the query counts.
    assert add_working_days(received, 9, holidays=holidays) == date(2026, 6, 19)
    assert add_working_days(date(2026, 6, 1), 2, holidays=holidays) == date(2026, 6, 3)
    assert add_working_days(date(2026, 6, 1), 11, holidays=holidays) == date(2026, 6, 17)


def test_on_time_rates_use_the_first_promised_date_so_an_interim_notice_does_not_help(clocks, nssf_supervisor):
    figures = _clocks(nssf_supervisor, category=Concern.Category.PENSION)

    # Acknowledged on time: 2 of 3 (the third on the 4th, due the 3rd).
    assert (figures["acknowledge"]["on_time"], figures["acknowledge"]["measured"]) == (2, 3)
    # Answered on time: 2; the third was never answered and its date passed: it counts against the rate.
    assert (figures["answer"]["on_time"], figures["answer"]["measured"], figures["answer"]["on_time_rate"]) == (
        2,
        3,
        67,
    )
    # Resolved: one on time; the interim one closed after the first date (late) though before the new one;
    # the open one is past its first date.
    assert (figures["resolve"]["on_time"], figures["resolve"]["measured"], figures["resolve"]["on_time_rate"]) == (
        1,
        3,
        33,
    )


def test_the_service_keeps_the_first_promised_date_through_an_interim_notice(nssf_staff):
    concern = services.concern_submit(category=Concern.Category.PENSION, description="My pension has not come.")
    first = concern.first_resolve_due
    assert first == concern.resolve_due

    services.concern_interim_notice(
        concern=concern,
        resolve_due=first + timedelta(days=20),
        text="We need the employer's records.",
        actor=nssf_staff,
    )

    concern.refresh_from_db()
    assert (concern.first_resolve_due, concern.resolve_due) == (first, first + timedelta(days=20))


def test_desk_filters_and_breakdowns(clocks, world, nssf_supervisor):
    figures = selectors.desk_dashboard(user=nssf_supervisor, filters={}, now=LATER)
    assert figures["total"] == 6
    category = {row.key: row.cells[0].value for row in figures["breakdowns"][0].rows}
    assert (category["pension"], category["maternity"], category["staff_conduct"]) == (3, 2, 1)

    only_forum = selectors.desk_dashboard(user=nssf_supervisor, filters={"forum": world.forum}, now=LATER)
    assert only_forum["total"] == 3
    june = selectors.desk_dashboard(
        user=nssf_supervisor,
        filters={"received_from": date(2026, 6, 1), "received_to": date(2026, 6, 4)},
        now=LATER,
    )
    assert june["total"] == 2


def test_desk_resolution_answers_satisfaction_and_appeals(nssf_supervisor):
    closed = {"status": Status.CLOSED, "closing_reason": Concern.ClosingReason.RESOLVED, "closed_at": _at(1)}
    asked = {**closed, "resolution_check_sent_at": _at(15)}
    ConcernFactory(**asked, resolution_answer=Concern.Resolution.YES, satisfaction=5)
    ConcernFactory(**asked, resolution_answer=Concern.Resolution.YES, satisfaction=4)
    ConcernFactory(**asked, resolution_answer=Concern.Resolution.YES)
    partly = ConcernFactory(**asked, resolution_answer=Concern.Resolution.PARTLY, satisfaction=2)
    ConcernFactory(**asked)
    not_resolved = ConcernFactory(status=Status.UNDER_REVIEW, resolution_answer=Concern.Resolution.NO, satisfaction=1)
    # Two appeals: one decided the day it was due (on time) and resolved, one decided late and not resolved.
    Appeal.objects.create(
        concern=partly,
        reason="Only half was paid.",
        by_submitter=True,
        due=date(2026, 7, 1),
        status=Appeal.Status.CLOSED,
        outcome=Appeal.Outcome.RESOLVED,
        closed_at=_at(1, month=7),
    )
    Appeal.objects.create(
        concern=not_resolved,
        reason="Nothing changed.",
        due=date(2026, 7, 1),
        status=Appeal.Status.CLOSED,
        outcome=Appeal.Outcome.NOT_RESOLVED,
        closed_at=_at(3, month=7),
    )
    Appeal.objects.create(concern=ConcernFactory(), reason="No answer yet.", by_submitter=True, due=date(2026, 7, 9))

    figures = selectors.desk_resolution_figures(concerns=Concern.objects.all())

    assert (figures["asked"], figures["answered"], figures["yes"], figures["partly"], figures["no"]) == (5, 5, 3, 1, 1)
    assert figures["yes_share"] == 60
    assert (figures["rated"], figures["satisfaction_mean"]) == (4, 3.0)
    assert figures["satisfaction_rows"] == [(1, 1), (2, 1), (3, 0), (4, 1), (5, 1)]
    assert figures["appeals"] == {
        "opened": 3,
        "open": 1,
        "by_submitter": 2,
        "decided": 2,
        "decided_on_time": 1,
        "resolved": 1,
        "not_resolved": 1,
        "on_time_share": 50,
    }


def test_appeal_and_satisfaction_figures_hide_small_numbers_from_programme_officers(programme_officer):
    closed = {"status": Status.CLOSED, "closing_reason": Concern.ClosingReason.RESOLVED, "closed_at": _at(1)}
    concern = ConcernFactory(**closed, resolution_answer=Concern.Resolution.NO, satisfaction=1)
    Appeal.objects.create(concern=concern, reason="Nothing changed.", due=date(2026, 7, 1))

    resolution = selectors.desk_dashboard(user=programme_officer, filters={})["resolution"]

    assert resolution["no"] is None and resolution["yes_share"] is None
    assert dict(resolution["satisfaction_rows"])[1] is None
    assert (resolution["appeals"]["opened"], resolution["appeals"]["open"]) == (None, None)


def test_overdue_list_shows_codes_not_text_and_no_sensitive_concern_to_a_programme_officer(world, programme_officer):
    Concern.objects.update(
        acknowledge_due=date(2026, 6, 1), response_due=date(2026, 6, 1), resolve_due=date(2026, 6, 1)
    )

    figures = selectors.desk_dashboard(user=programme_officer, filters={}, now=LATER)

    codes = {row["tracking_code"] for row in figures["overdue"]}
    assert codes == {concern.tracking_code for concern in world.concerns}
    assert figures["staff"] == []
    assert all("description" not in row for row in figures["overdue"])


def test_quantiles_of_counted_values_match_percentile_cont():
    # {value: how many times}: what the tallies and the SQLite fallback both give.
    assert selectors._quantiles({1: 2, 2: 1}) == (1, pytest.approx(1.8))
    assert selectors._quantiles({10: 1, 3: 1}) == (6.5, pytest.approx(9.3))
    assert selectors._quantiles({4: 0, 7: 1}) == (7, 7)
    assert selectors._quantiles({}) == (None, None)
    holidays = {date(2026, 6, 4), date(2026, 6, 18)}
    assert selectors._working_days_python(_at(5, 16), _at(19), holidays) == 9
    assert selectors._working_days_python(_at(1), _at(4), holidays) == 2
