"""Every organizer page of a forum decides access the same way (events.mixins.ManageForumMixin)."""

import pytest
from django.urls import reverse

from tests.events.factories import ForumFactory

pytestmark = pytest.mark.django_db

# (method, url name, extra URL kwargs) for each page under /manage/forums/<slug>/ that this project's apps own.
FORUM_PAGES = [
    ("get", "events:manage_forum_edit", {}),
    ("post", "events:manage_forum_transition", {"action": "close"}),
    ("post", "events:manage_forum_duplicate", {}),
    ("get", "participants:manage_list", {}),
    ("get", "participants:export_csv", {}),
    ("get", "participants:export_xlsx", {}),
    ("get", "participants:sign_in_sheet", {}),
    ("get", "participants:badges", {}),
    ("get", "participants:targets", {}),
    ("post", "participants:target_delete", {"pk": 1}),
    ("post", "participants:fill_free_seats", {}),
    ("get", "participants:walk_in", {}),
    ("get", "participants:edit", {"pk": 1}),
    ("post", "participants:cancel", {"pk": 1}),
    ("post", "participants:promote", {"pk": 1}),
    ("get", "participants:check_in", {}),
    ("get", "participants:check_in_counters", {}),
    ("get", "feedback:forum_concerns", {}),
    ("get", "feedback:forum_concern_record", {}),
    ("get", "notifications:message_log", {}),
    ("post", "notifications:message_resend", {"pk": 1}),
    ("get", "participants:announcement", {}),
    ("get", "participants:reminder_settings", {}),
]


def _call(client, method, name, slug, extra):
    return getattr(client, method)(reverse(name, kwargs={"slug": slug, **extra}))


@pytest.mark.parametrize(("method", "name", "extra"), FORUM_PAGES)
def test_forum_page_refuses_without_permission_whether_or_not_the_forum_exists(
    client, user_without_role, method, name, extra
):
    forum = ForumFactory()
    client.force_login(user_without_role)

    existing = _call(client, method, name, forum.slug, extra)
    missing = _call(client, method, name, "no-such-forum", extra)

    assert (existing.status_code, missing.status_code) == (403, 403)


@pytest.mark.parametrize(("method", "name", "extra"), FORUM_PAGES)
def test_forum_page_sends_anonymous_users_to_log_in(client, method, name, extra):
    response = _call(client, method, name, "no-such-forum", extra)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name", "extra"), FORUM_PAGES)
def test_forum_page_of_an_unknown_forum_is_404_for_organizers(organizer_client, method, name, extra):
    assert _call(organizer_client, method, name, "no-such-forum", extra).status_code == 404


@pytest.mark.parametrize(
    ("name", "tab"),
    [
        ("events:manage_forum_edit", "edit"),
        ("participants:manage_list", "participants"),
        ("participants:targets", "targets"),
        ("participants:check_in", "check_in"),
        ("participants:walk_in", "check_in"),
        ("feedback:forum_concerns", "concerns"),
        ("feedback:forum_concern_record", "record_concerns"),
    ],
)
def test_forum_page_names_its_forum_and_its_tab(organizer_client, name, tab):
    forum = ForumFactory()

    response = organizer_client.get(reverse(name, kwargs={"slug": forum.slug}))

    assert (response.context["forum"], response.context["active"]) == (forum, tab)
    assert 'class="nav-link active"' in response.content.decode()
