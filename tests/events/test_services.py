import pytest
from django.db import IntegrityError

from events import services
from events.models import AgendaItem, Forum
from tests.events.factories import AgendaItemFactory, ForumFactory

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
    assert names == sorted(names)
