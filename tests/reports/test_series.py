"""The series dashboard: each forum side by side and in total, common challenges, who raised what."""

import pytest

from events import people
from events.models import Province
from feedback.models import Concern
from participants.models import Registration
from reports import selectors
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_series_per_forum_and_totals(world, organizer):
    figures = selectors.series_dashboard(series=world.series, user=organizer)

    rows = {row["forum"].slug: row for row in figures["per_forum"]}
    assert (rows[world.forum.slug]["figures"]["registered"], rows[world.empty.slug]["figures"]["registered"]) == (7, 0)
    assert (rows[world.forum.slug]["concerns"], rows[world.empty.slug]["concerns"]) == (3, 0)
    assert (figures["totals"]["registered"], figures["totals"]["attended"], figures["concerns_total"]) == (7, 5, 3)
    gender = next(table for table in figures["breakdowns"] if table.slug == "gender")
    women = next(row for row in gender.rows if row.key == "woman")
    # One column per forum, then the total.
    assert [cell.value for cell in women.cells] == [5, 0, 5]


def test_series_common_challenges_by_province(world, organizer):
    kampot = Province.objects.get(name_en="Kampot")
    ConcernFactory.create_batch(3, forum=world.empty, province=kampot, category=Concern.Category.PENSION)
    ConcernFactory(forum=world.empty, province=kampot, category=Concern.Category.NSSF_CARD)

    challenges = selectors.series_dashboard(series=world.series, user=organizer)["challenges"]

    tops = {top["province"]: top["categories"] for top in challenges["tops"]}
    assert tops["Kampot"] == [("Old-age pension", 3), ("NSSF card", 1)]
    assert tops["Svay Rieng"] == [("Maternity allowance", 2), ("Staff conduct and service quality", 1)]


def test_concerns_are_grouped_three_ways_in_one_query_of_the_tallies(django_assert_num_queries):
    forum = ForumFactory()
    kampot = Province.objects.get(name_en="Kampot")
    ConcernFactory.create_batch(
        2, forum=forum, province=kampot, sector=people.Sector.GARMENT, gender=people.Gender.WOMAN
    )
    ConcernFactory(forum=None, province=None, sector="", gender="", category=Concern.Category.PENSION)
    ConcernFactory(forum=ForumFactory(), category=Concern.Category.PENSION)  # another forum's: not counted

    with django_assert_num_queries(1):
        grouped = selectors.concerns_grouped_tallied(forum_keys=[forum.pk, 0])

    category = Concern.objects.filter(forum=forum).first().category
    assert grouped == {
        "forum": {(forum.pk,): 2, (None,): 1},
        "province_category": {(kampot.pk, category): 2, (None, Concern.Category.PENSION): 1},
        "sector_gender": {("garment", "woman"): 2, ("", ""): 1},
    }


def test_who_raised_what_puts_participants_beside_the_concerns_of_their_profile(world, organizer):
    forum = ForumFactory(series=world.series)
    RegistrationFactory.create_batch(3, forum=forum, sector=people.Sector.FARMING, gender=people.Gender.MAN)
    RegistrationFactory(
        forum=forum, sector=people.Sector.FARMING, gender=people.Gender.MAN, status=Registration.Status.CANCELLED
    )
    ConcernFactory.create_batch(2, forum=forum, sector=people.Sector.FARMING, gender=people.Gender.MAN)

    table = selectors.series_dashboard(series=world.series, user=organizer)["who"]

    cells = {row.key: [cell.shown for cell in row.cells] for row in table.rows}
    assert cells[("farming", "man")] == [3, 2]


def test_who_raised_what_for_a_programme_officer_hides_small_cells(world, programme_officer):
    table = selectors.series_dashboard(series=world.series, user=programme_officer)["who"]

    cells = {row.key: [cell.shown for cell in row.cells] for row in table.rows}
    # Participants: garment women 5, construction "prefer not to say" 1 (hidden), garment men 1 (hidden).
    assert cells[("garment", "woman")][0] == 5
    assert cells[("construction", "undisclosed")][0] is None
    assert cells[("garment", "man")][0] is None
