from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events import services
from events.models import AgendaItem, Forum, Province
from tests.events.factories import AgendaItemFactory, ForumFactory, ForumSeriesFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_forum_publish_draft_with_agenda_and_provinces_becomes_published():
    forum = ForumFactory(status=Forum.Status.DRAFT)
    AgendaItemFactory(forum=forum)

    services.forum_transition(forum=forum, action="publish")

    forum.refresh_from_db()
    assert forum.status == Forum.Status.PUBLISHED


def test_forum_publish_without_agenda_is_refused_with_reason():
    forum = ForumFactory(status=Forum.Status.DRAFT)

    with pytest.raises(services.ForumTransitionError) as error:
        services.forum_transition(forum=forum, action="publish")

    assert error.value.messages == ["Add at least one agenda item before publishing."]
    forum.refresh_from_db()
    assert forum.status == Forum.Status.DRAFT


def test_forum_publish_without_covered_provinces_is_refused():
    forum = ForumFactory(status=Forum.Status.DRAFT)
    AgendaItemFactory(forum=forum)
    forum.covered_provinces.clear()

    with pytest.raises(services.ForumTransitionError) as error:
        services.forum_transition(forum=forum, action="publish")

    assert error.value.messages == ["Choose at least one covered province before publishing."]


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (Forum.Status.PUBLISHED, "close", Forum.Status.CLOSED),
        (Forum.Status.CLOSED, "reopen", Forum.Status.PUBLISHED),
        (Forum.Status.PUBLISHED, "complete", Forum.Status.COMPLETED),
        (Forum.Status.CLOSED, "complete", Forum.Status.COMPLETED),
        (Forum.Status.DRAFT, "cancel", Forum.Status.CANCELLED),
        (Forum.Status.PUBLISHED, "cancel", Forum.Status.CANCELLED),
    ],
)
def test_forum_transition_allowed(start, action, end):
    forum = ForumFactory(status=start)

    services.forum_transition(forum=forum, action=action)

    forum.refresh_from_db()
    assert forum.status == end


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (Forum.Status.PUBLISHED, "publish"),
        (Forum.Status.DRAFT, "close"),
        (Forum.Status.COMPLETED, "reopen"),
        (Forum.Status.COMPLETED, "cancel"),
        (Forum.Status.CANCELLED, "publish"),
        (Forum.Status.DRAFT, "complete"),
    ],
)
def test_forum_transition_refused_leaves_status(start, action):
    forum = ForumFactory(status=start)

    with pytest.raises(services.ForumTransitionError):
        services.forum_transition(forum=forum, action=action)

    forum.refresh_from_db()
    assert forum.status == start


def test_forum_unique_slug_appends_number_on_collision():
    ForumFactory(slug="regional-forum-in-kampot")
    ForumFactory(slug="regional-forum-in-kampot-2")

    assert services.forum_unique_slug(title="Regional Forum in Kampot") == "regional-forum-in-kampot-3"


def test_forum_slug_is_unique_in_database():
    ForumFactory(slug="same")

    with pytest.raises(IntegrityError):
        ForumFactory(slug="same")


def test_forum_duplicate_copies_agenda_and_provinces_as_draft():
    forum = ForumFactory(title="Regional Forum in Kampot")
    item = AgendaItemFactory(forum=forum, title="Opening")
    item.speakers.create(name="Ms. Chan Chhorvy Sok", organisation="Oxfam")

    copy = services.forum_duplicate(forum=forum)

    assert copy.status == Forum.Status.DRAFT
    assert copy.slug != forum.slug
    assert copy.title == "Copy of Regional Forum in Kampot"
    assert set(copy.covered_provinces.values_list("name_en", flat=True)) == {"Svay Rieng", "Prey Veng"}
    copied = AgendaItem.objects.get(forum=copy)
    assert copied.title == "Opening"
    assert list(copied.speakers.values_list("name", flat=True)) == ["Ms. Chan Chhorvy Sok"]


def test_forum_unique_slug_never_shadows_the_new_forum_page():
    assert services.forum_unique_slug(title="New") == "new-forum"


def test_provinces_sort_by_the_name_in_the_page_language():
    from django.utils import translation

    from events.models import Province

    with translation.override("en"):
        assert Province.objects.by_name().first().name_en == "Banteay Meanchey"
    with translation.override("km"):
        names = list(Province.objects.by_name().values_list("name_km", flat=True))
    # Khmer collation (ICU), not code point order: កំពង់ចាម before កោះកុង (tests/events/test_bilingual.py).
    assert names.index("កំពង់ចាម") < names.index("កោះកុង")
    assert len(names) == 25


def _forum_fields(**overrides):
    forum = ForumFactory.build(series=ForumSeriesFactory())
    fields = {
        name: getattr(forum, name)
        for name in (
            "series",
            "title",
            "kind",
            "host_province",
            "venue_name",
            "venue_address",
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        )
    }
    return fields | overrides


def test_forum_save_creates_forum_with_slug_provinces_agenda_and_speakers():
    speaker = SpeakerFactory()
    provinces = list(Province.objects.filter(name_en__in=["Kampot", "Kep"]))
    agenda = [
        {"id": None, "starts_at": time(8), "ends_at": time(9), "title": "Opening", "session_kind": "opening"},
        {
            "id": None,
            "starts_at": time(9),
            "title": "Panel",
            "speakers": [speaker],
            "new_speakers": [{"name": "Dara Meas", "job_title": "", "organisation": "Oxfam"}],
        },
    ]

    forum = services.forum_save(**_forum_fields(title="Kampot Forum"), covered_provinces=provinces, agenda=agenda)

    assert forum.slug == "kampot-forum"
    assert set(forum.covered_provinces.values_list("name_en", flat=True)) == {"Kampot", "Kep"}
    assert list(forum.agenda_items.values_list("title", flat=True)) == ["Opening", "Panel"]
    panel = forum.agenda_items.get(title="Panel")
    assert sorted(panel.speakers.values_list("name", flat=True)) == sorted([speaker.name, "Dara Meas"])


def test_forum_save_changes_and_deletes_only_its_own_agenda_items():
    forum = ForumFactory()
    keep, drop = AgendaItemFactory(forum=forum, title="Keep"), AgendaItemFactory(forum=forum, title="Drop")
    other = AgendaItemFactory(title="Another forum's item")

    services.forum_save(
        forum=forum,
        **_forum_fields(series=forum.series, title=forum.title),
        slug=forum.slug,
        agenda=[{"id": keep.pk, "title": "Kept, renamed"}, {"id": drop.pk, "delete": True}],
    )
    with pytest.raises(AgendaItem.DoesNotExist):
        services.forum_save(forum=forum, **_forum_fields(series=forum.series), agenda=[{"id": other.pk}])

    assert list(forum.agenda_items.values_list("title", flat=True)) == ["Kept, renamed"]
    assert AgendaItem.objects.filter(pk=other.pk, title="Another forum's item").exists()


def test_forum_save_is_all_or_nothing_when_an_agenda_item_is_invalid():
    before = Forum.objects.count()
    bad_item = {"id": None, "starts_at": time(10), "ends_at": time(9), "title": "Ends before it starts"}

    with pytest.raises(ValidationError):
        services.forum_save(**_forum_fields(), agenda=[bad_item])

    assert Forum.objects.count() == before
    assert not AgendaItem.objects.filter(title="Ends before it starts").exists()


def test_series_save_makes_a_unique_slug_and_edits_in_place():
    first = services.series_save(title="2031 Forums", theme="Coverage", year=2031, co_organizers="NSSF")
    second = services.series_save(title="2031 Forums", theme="Coverage", year=2031, co_organizers="NSSF")

    edited = services.series_save(series=first, title="2031 Forums", theme="Pensions", year=2031, co_organizers="NSSF")

    assert (first.slug, second.slug) == ("2031-forums", "2031-forums-2")
    assert (edited.pk, edited.slug, edited.theme) == (first.pk, "2031-forums", "Pensions")
