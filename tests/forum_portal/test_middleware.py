import pytest
from django.urls import reverse

from tests.events.factories import ForumFactory

pytestmark = pytest.mark.django_db


def test_public_forum_pages_stay_cacheable(client):
    forum = ForumFactory()

    response = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))

    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("url_name", ["feedback:concern_track", "feedback:concern_create"])
def test_anonymous_pages_with_personal_data_are_not_stored(client, url_name):
    response = client.get(reverse(url_name))

    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_everything_a_logged_in_organizer_sees_is_not_stored(organizer_client):
    forum = ForumFactory()

    for url in (reverse("events:manage_forum_list"), reverse("events:forum_detail", kwargs={"slug": forum.slug})):
        assert "no-store" in organizer_client.get(url).headers["Cache-Control"], url


def test_registration_answers_are_not_stored(client):
    forum = ForumFactory()

    response = client.post(reverse("participants:register", kwargs={"slug": forum.slug}), {"full_name": ""})

    assert "no-store" in response.headers["Cache-Control"]


def test_every_listed_personal_view_exists():
    from django.urls import URLResolver, get_resolver

    from forum_portal.middleware import PERSONAL_VIEWS

    def names(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from names(entry, f"{entry.namespace}:" if entry.namespace else namespace)
            elif entry.name:
                yield namespace + entry.name

    assert PERSONAL_VIEWS - set(names(get_resolver())) == set()
