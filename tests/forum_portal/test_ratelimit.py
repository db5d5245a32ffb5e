import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from events.models import Province
from feedback.models import Concern
from forum_portal.ratelimit import client_key, hit, value_key, within_limits
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import form_data


@pytest.fixture
def rf_request():
    return RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")


def test_hit_allows_up_to_limit_then_refuses(rf_request):
    results = [hit(rf_request, scope="test", limit=3, period=60) for _ in range(5)]

    assert results == [True, True, True, False, False]


def test_limits_are_per_client_and_scope(rf_request):
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        hit(rf_request, scope="test", limit=3, period=60)

    assert hit(other, scope="test", limit=3, period=60) is True
    assert hit(rf_request, scope="another", limit=3, period=60) is True
    assert hit(rf_request, scope="test", limit=3, period=60) is False


def test_client_key_does_not_contain_the_address(rf_request):
    assert "203.0.113.7" not in client_key(rf_request)


# Limits that fit Cambodia: per address generous, per phone number or code tight --------------------------------


def _post(address, **data):
    return RequestFactory().post("/", data, REMOTE_ADDR=address)


def test_two_hundred_people_on_one_address_register_within_an_hour():
    # A venue's Wi-Fi or a carrier's NAT: 200 phones, one address, each person's form sent twice (a typo).
    waits = [
        within_limits(
            _post("203.0.113.7", phone=f"012 {n:06d}"),
            scope="registration",
            rate="PARTICIPANTS_REGISTER_RATE",
            field="phone",
            field_rate="PARTICIPANTS_REGISTER_PER_PHONE_RATE",
        )
        for n in range(200)
        for _typo in range(2)
    ]

    assert waits == [None] * 400


def test_one_phone_number_is_limited_across_addresses_however_written(settings):
    settings.PARTICIPANTS_REGISTER_PER_PHONE_RATE = (3, 3600)
    written = ["012 345 678", "+855 12 345 678", "០១២ ៣៤៥ ៦៧៨", "012345678"]

    waits = [
        within_limits(
            _post(f"203.0.113.{n}", phone=phone),
            scope="registration",
            rate="PARTICIPANTS_REGISTER_RATE",
            field="phone",
            field_rate="PARTICIPANTS_REGISTER_PER_PHONE_RATE",
        )
        for n, phone in enumerate(written)
    ]

    assert waits == [None, None, None, 3600]


def test_one_tracking_code_is_limited_however_written(settings):
    settings.FEEDBACK_TRACK_PER_CODE_RATE = (2, 600)
    written = ["ABCDE-23456", "abcde23456", " ABCDE 23456 "]

    waits = [
        within_limits(
            _post("198.51.100.1", code=code),
            scope="concern-track",
            rate="FEEDBACK_TRACK_RATE",
            field="code",
            field_rate="FEEDBACK_TRACK_PER_CODE_RATE",
        )
        for code in written
    ]

    assert waits == [None, None, 600]


def test_value_key_hides_the_phone_number():
    assert "345678" not in value_key("012 345 678")


# A cache outage costs nothing: the limiter lets requests through and says so in the log -------------------------


@pytest.fixture
def cache_down(settings):
    """Point the cache at a closed port, as when Redis is stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_hit_fails_open_with_a_warning_when_the_cache_is_down(cache_down, rf_request, caplog):
    with caplog.at_level(logging.WARNING, logger="forum_portal.ratelimit"):
        assert hit(rf_request, scope="test", limit=1, period=60) is True
        assert hit(rf_request, scope="test", limit=1, period=60) is True

    assert "cache unavailable: rate limit 'test' not applied" in caplog.text


@pytest.mark.django_db
def test_registration_and_concern_saved_when_the_cache_is_down(cache_down, client):
    forum = ForumFactory()

    registered = client.post(reverse("participants:register", kwargs={"slug": forum.slug}), form_data())
    raised = client.post(
        reverse("feedback:concern_create"),
        {
            "category": Concern.Category.MATERNITY,
            "description": "My maternity allowance has not been paid.",
            "province": Province.objects.get(name_en="Kampot").pk,
            "sector": "garment",
            "gender": "woman",
            "contact_choice": "anonymous",
            "website": "",
        },
    )

    assert (registered.status_code, raised.status_code) == (302, 302)
    assert Registration.objects.get().phone == "+85512345678"
    assert Concern.objects.get().description == "My maternity allowance has not been paid."


# The 429 page says what to do -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_limited_registration_page_says_what_to_do(client, settings):
    settings.PARTICIPANTS_REGISTER_PER_PHONE_RATE = (1, 3600)
    forum = ForumFactory()
    url = reverse("participants:register", kwargs={"slug": forum.slug})
    client.post(url, form_data(full_name=""))

    response = client.post(url, form_data())

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = response.content.decode()
    assert "Please wait 60 minutes and try again." in page
    assert "go to the registration desk" in page
    assert not Registration.objects.exists()
