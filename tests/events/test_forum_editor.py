"""The forum editor: a checklist and a preview before publishing, agenda rows added without saving, cancel apart."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors
from events.models import Forum
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.events.test_views import _agenda_post, _forum_post

pytestmark = pytest.mark.django_db


def _publish(forum):
    return reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "publish"})


def _checks(forum):
    return {item.key: item for item in selectors.forum_publish_checklist(forum=forum)}


def test_checklist_of_a_ready_forum_is_all_ticked():
    forum = ForumFactory(status=Forum.Status.DRAFT, capacity=80, covered_provinces=["Kampot", "Kep"])
    AgendaItemFactory(forum=forum)

    checks = _checks(forum)

    assert list(checks) == ["date", "venue", "provinces", "capacity", "registration", "agenda"]
    assert all(item.ok for item in checks.values())
    assert checks["provinces"].detail == "Kampot, Kep"
    assert checks["capacity"].detail == "80 seats"
    assert checks["agenda"].detail == "1 item"


def test_checklist_names_what_is_missing_or_wrong():
    past = timezone.now() - timedelta(days=2)
    forum = ForumFactory(
        status=Forum.Status.DRAFT,
        venue_address="",
        starts_at=past,
        registration_opens_at=past - timedelta(days=9),
        registration_closes_at=past - timedelta(days=1),
        covered_provinces=["Nowhere"],
    )

    checks = _checks(forum)

    failed = {key for key, item in checks.items() if not item.ok}
    assert failed == {"date", "venue", "provinces", "registration", "agenda"}
    assert {key for key, item in checks.items() if item.required} == {"provinces", "agenda"}


def test_checklist_runs_two_queries(django_assert_num_queries):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    AgendaItemFactory.create_batch(5, forum=forum)

    with django_assert_num_queries(2):
        selectors.forum_publish_checklist(forum=forum)


def test_publish_asks_first_with_the_checklist_and_publishes_on_confirmation(organizer_client):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    AgendaItemFactory(forum=forum)

    asked = organizer_client.post(_publish(forum))
    forum.refresh_from_db()
    still_draft = forum.status
    confirmed = organizer_client.post(_publish(forum), {"confirm": "yes"})
    forum.refresh_from_db()

    assert asked.status_code == 200
    assert f"Publish “{forum.title}”?" in asked.text
    assert reverse("events:manage_forum_preview", kwargs={"slug": forum.slug}) in asked.text
    assert "Yes, publish" in asked.text
    assert still_draft == Forum.Status.DRAFT
    assert confirmed.status_code == 302
    assert forum.status == Forum.Status.PUBLISHED


def test_publish_question_offers_no_button_while_a_required_item_is_missing(organizer_client):
    forum = ForumFactory(status=Forum.Status.DRAFT)

    asked = organizer_client.post(_publish(forum))

    assert asked.context["blocked"] is True
    assert "Yes, publish" not in asked.text
    assert "Required before publishing." in asked.text


def test_preview_shows_a_draft_as_the_public_will_see_it(organizer_client, client):
    forum = ForumFactory(status=Forum.Status.DRAFT, title="Regional Forum in Kep")
    AgendaItemFactory(forum=forum, title="Opening remarks")
    url = reverse("events:manage_forum_preview", kwargs={"slug": forum.slug})

    preview = organizer_client.get(url)

    assert preview.status_code == 200
    assert "Preview of the public page" in preview.text
    assert "Opening remarks" in preview.text
    assert client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug})).status_code == 404


def test_add_agenda_rows_without_javascript_keeps_what_was_typed_and_saves_nothing(organizer_client):
    series = ForumFactory().series
    data = _forum_post(series) | _agenda_post(items=[("08:00", "08:30", "Opening")]) | {"agenda_more": "3"}

    response = organizer_client.post(reverse("events:manage_forum_create"), data)

    assert response.status_code == 200
    assert len(response.context["agenda"].forms) == 4
    assert response.context["agenda"].forms[0]["title_en"].value() == "Opening"
    assert response.context["form"]["title_en"].value() == "Regional Forum in Kampot"
    assert not Forum.objects.filter(title_en="Regional Forum in Kampot").exists()


def test_editor_offers_the_empty_row_and_sets_cancel_apart(organizer_client):
    forum = ForumFactory(status=Forum.Status.DRAFT)

    html = organizer_client.get(reverse("events:manage_forum_edit", kwargs={"slug": forum.slug})).text

    assert 'id="agenda-empty-row"' in html
    assert "agenda-__prefix__-title" in html
    assert 'name="agenda_more"' in html
    # The destructive action comes after the form, in its own section, not beside Publish.
    assert html.index("Cancel this forum") > html.index('name="agenda_more"')
    assert html.index(">Publish<") < html.index('name="agenda_more"')
