"""Every figure of the forum dashboard against values counted by hand on the small world of conftest.py."""

from datetime import timedelta

import pytest

from reports import selectors
from reports.figures import Cell, Row, Table, line_chart, suppress

pytestmark = pytest.mark.django_db


def _column(table, column=0):
    return {row.key: row.cells[column].shown for row in table.rows}


def _breakdown(figures, slug):
    return next(table for table in figures["breakdowns"] if table.slug == slug)


def test_forum_totals_for_an_organizer_are_exact(world, organizer):
    figures = selectors.forum_dashboard(forum=world.forum, user=organizer)

    totals = figures["totals"]
    assert {key: totals[key] for key in ("total", "confirmed", "waiting", "cancelled", "registered", "attended")} == {
        "total": 8,
        "confirmed": 6,
        "waiting": 1,
        "cancelled": 1,
        "registered": 7,
        "attended": 5,
    }
    assert (totals["attendance_rate"], totals["women_registered_share"], totals["women_attended_share"]) == (83, 71, 80)
    assert figures["speakers"] == {"total": 3, "women": 1, "known": 2, "women_share": 50}
    assert figures["concerns_total"] == 3
    assert figures["over_time"][-1][1] == 7  # registrations so far, cancellations left out


def test_forum_breakdowns_count_prefer_not_to_say_and_the_washington_group_cut_off(world, organizer):
    figures = selectors.forum_dashboard(forum=world.forum, user=organizer)

    gender = _breakdown(figures, "gender")
    assert _column(gender, 0) == {"woman": 5, "man": 1, "another": 0, "undisclosed": 1}
    assert _column(gender, 1) == {"woman": 4, "man": 0, "another": 0, "undisclosed": 1}
    assert [cell.value for cell in gender.totals] == [7, 5]
    age = _breakdown(figures, "age_group")
    assert (_column(age, 0)["35_44"], _column(age, 0)["undisclosed"]) == (6, 1)
    # "A lot of difficulty" in one domain is a disability; "some difficulty" is not; a declined answer is its own.
    disability = _breakdown(figures, "disability")
    assert _column(disability, 0) == {"yes": 1, "no": 5, "undisclosed": 1}
    assert _column(disability, 1) == {"yes": 1, "no": 4, "undisclosed": 0}
    sector = _breakdown(figures, "sector")
    assert (_column(sector, 0)["garment"], _column(sector, 0)["construction"]) == (6, 1)
    province = _breakdown(figures, "province")
    assert [(row.label, row.cells[0].value) for row in province.rows if row.cells[0].value] == [("Svay Rieng", 7)]


def test_forum_concerns_by_category_and_status(world, organizer):
    table = selectors.forum_dashboard(forum=world.forum, user=organizer)["concerns"]

    rows = {row.key: [cell.value for cell in row.cells] for row in table.rows}
    # Columns: new, acknowledged, under review, responded, closed.
    assert rows == {"maternity": [1, 1, 0, 0, 0], "staff_conduct": [1, 0, 0, 0, 0]}


def test_empty_forum_has_zeros_and_no_rates(world, organizer):
    figures = selectors.forum_dashboard(forum=world.empty, user=organizer)

    assert figures["totals"]["total"] == 0
    assert figures["totals"]["attendance_rate"] is None
    assert figures["over_time"] == []
    assert all(cell.value == 0 for table in figures["breakdowns"] for cell in table.totals)
    assert figures["concerns"].rows == []


def test_small_numbers_are_hidden_for_a_programme_officer_with_a_second_cell(world, programme_officer):
    figures = selectors.forum_dashboard(forum=world.forum, user=programme_officer)

    totals = figures["totals"]
    # Waiting 1 and cancelled 1 are both hidden, so neither can be worked out from the total of 8.
    assert (totals["total"], totals["confirmed"], totals["waiting"], totals["cancelled"]) == (8, 6, None, None)
    gender = _breakdown(figures, "gender")
    assert _column(gender, 0) == {"woman": 5, "man": None, "another": 0, "undisclosed": None}
    # Attended: only "prefer not to say" (1) is small; the next smallest (women, 4) is hidden with it.
    assert _column(gender, 1) == {"woman": None, "man": 0, "another": 0, "undisclosed": None}
    assert [cell.shown for cell in gender.totals] == [7, 5]
    # A share built on a hidden count is not shown either.
    assert totals["women_attended_share"] is None


def test_suppress_hides_the_total_when_no_other_cell_can_hide_a_single_small_one():
    table = suppress(Table(title="t", columns=["n"], rows=[Row("a", [Cell(4)]), Row("b", [Cell(0)])]))
    assert ([row.cells[0].shown for row in table.rows], table.totals[0].shown) == ([4, 0], 4)

    table = suppress(Table(title="t", columns=["n"], rows=[Row("a", [Cell(2)]), Row("b", [Cell(0)])]))
    assert ([row.cells[0].shown for row in table.rows], table.totals[0].shown) == ([None, 0], None)

    table = suppress(
        Table(title="t", columns=["n"], rows=[Row("a", [Cell(1)]), Row("b", [Cell(7)]), Row("c", [Cell(5)])])
    )
    assert [row.cells[0].shown for row in table.rows] == [None, 7, None]
    assert table.totals[0].shown == 13


def test_registrations_over_time_start_from_nothing_so_a_forum_filled_in_one_day_draws_a_line(world, organizer):
    over_time = selectors.forum_dashboard(forum=world.forum, user=organizer)["over_time"]

    first_day, _nobody = over_time[0]
    assert over_time[0] == (over_time[1][0] - timedelta(days=1), 0)
    assert {day for day, _so_far in over_time[1:]} == {first_day + timedelta(days=1)}  # the fixture's one day
    chart = line_chart(over_time)
    assert len(chart["points"].split()) == 2
    assert chart["points"].split()[0] != chart["points"].split()[1]
