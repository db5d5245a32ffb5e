"""The public pages' cache: hits without queries, a fresh CSRF token each time, invalidation, outages."""

import logging
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services as event_services
from forum_portal import pagecache
from participants import services as participant_services
from tests.accounts.factories import UserFactory
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.participants.factories import registration_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.PUBLIC_PAGE_SEATS_LAG_SECONDS = 3
    pagecache._local_copies.clear()
    yield
    pagecache._local_copies.clear()


def _public_urls(forum):
    return [
        reverse("events:home"),
        reverse("events:forum_list"),
        reverse("events:forum_detail", kwargs={"slug": forum.slug}),
    ]


def test_public_pages_served_again_without_queries(client, django_assert_num_queries):
    forum = ForumFactory()
    AgendaItemFactory.create_batch(3, forum=forum)
    for url in _public_urls(forum):
        first = client.get(url)
        client.cookies.clear()
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200
        assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_public_pages_come_from_redis_when_this_process_has_no_copy(client, django_assert_num_queries):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    client.get(url)
    pagecache._local_copies.clear()
    with django_assert_num_queries(0):
        response = client.get(url)
    assert forum.title in response.content.decode()


def test_cached_page_carries_a_fresh_csrf_token_that_works(client):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    client.get(url)
    client.cookies.clear()
    response = client.get(url)
    body = response.content.decode()
    assert pagecache.CSRF_PLACEHOLDER.decode() not in body
    token = TOKEN.search(body).group(1)
    assert len(token) == 64
    assert "csrftoken" in response.cookies
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.cookies["csrftoken"] = response.cookies["csrftoken"].value
    switched = csrf_client.post(reverse("set_language"), {"language": "km", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert switched["Location"] == f"/km/forums/{forum.slug}/"


def test_each_visitor_gets_a_different_token(client):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    tokens = set()
    for _ in range(3):
        client.cookies.clear()
        tokens.add(TOKEN.search(client.get(url).content.decode()).group(1))
    assert len(tokens) == 3


def test_logged_in_users_get_their_own_page(client):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    client.get(url)
    user = UserFactory(full_name="Chantha Kim")
    client.force_login(user)
    body = client.get(url).content.decode()
    assert "Log out" in body
    assert "Staff log in" not in body


def test_unknown_query_parameters_are_rendered_not_cached(client):
    ForumFactory()
    url = reverse("events:forum_list") + "?utm_source=sms"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 0


def test_each_language_has_its_own_copy(client):
    forum = ForumFactory()
    en = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    km = en.replace("/en/", "/km/", 1)
    for _ in range(2):
        assert '<html lang="en">' in client.get(en).content.decode()
        assert '<html lang="km">' in client.get(km).content.decode()


def test_forum_change_shows_at_once_in_each_language(client, django_capture_on_commit_callbacks):
    forum = ForumFactory(title="Regional Forum Kampot")
    en = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    km = en.replace("/en/", "/km/", 1)
    assert "Regional Forum Kampot" in client.get(en).content.decode()
    assert "Regional Forum Kampot" in client.get(km).content.decode()
    assert "Regional Forum Kampot" in client.get(reverse("events:home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        # Both languages explicitly: after a request on /km/, `forum.title` would write the Khmer one only.
        forum.title_en = "Regional Forum Kep"
        forum.title_km = "វេទិកាតំបន់ កែប"
        forum.save()

    assert "Regional Forum Kep" in client.get(en).content.decode()
    assert "វេទិកាតំបន់ កែប" in client.get(km).content.decode()
    # The language of the last request stays active in this thread: name the English pages explicitly.
    assert "Regional Forum Kep" in client.get("/en/").content.decode()
    assert "Regional Forum Kep" in client.get("/en/forums/").content.decode()
    assert "វេទិកាតំបន់ កែប" in client.get("/km/").content.decode()


def test_agenda_change_shows_at_once(client, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    assert "Pensions for informal workers" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        AgendaItemFactory(forum=forum, title="Pensions for informal workers")
    assert "Pensions for informal workers" in client.get(url).content.decode()


def test_forum_cancelled_by_the_service_shows_at_once(client, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    assert "This forum has been cancelled." not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.forum_transition(forum=forum, action="cancel")
    assert "This forum has been cancelled." in client.get(url).content.decode()


def test_seats_left_follow_registrations(client, django_capture_on_commit_callbacks):
    forum = ForumFactory(capacity=10)
    url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    assert "10 seats left." in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.registration_create(forum=forum, data=registration_data())
    assert "9 seats left." in client.get(url).content.decode()


def test_seat_changes_within_the_lag_start_one_generation(client, django_capture_on_commit_callbacks):
    forum = ForumFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.registration_create(forum=forum, data=registration_data(phone="+85512000001"))
    generation = pagecache.safe_cache_call("get", pagecache.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.registration_create(forum=forum, data=registration_data(phone="+85512000002"))
    assert pagecache.safe_cache_call("get", pagecache.GENERATION_KEY) == generation


DEAD_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_cache_outage_renders_the_pages(client, caplog, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    with override_settings(CACHES=DEAD_REDIS), caplog.at_level(logging.WARNING, logger="forum_portal.safe_cache"):
        for url in _public_urls(forum):
            response = client.get(url)
            assert response.status_code == 200
            assert forum.title in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            forum.title = "Regional Forum Pailin"
            forum.save()
        assert "Regional Forum Pailin" in client.get(_public_urls(forum)[2]).content.decode()
    assert "cache get_many failed" in caplog.text
    assert "cache incr failed" in caplog.text or "cache add failed" in caplog.text
