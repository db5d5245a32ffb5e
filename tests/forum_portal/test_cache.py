import logging

import pytest
from django.core.cache import cache
from redis.exceptions import RedisError

from tests.accounts.factories import UserFactory


@pytest.fixture
def cache_down(settings):
    """The production cache backend pointed at a closed port, as when Redis is stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "forum_portal.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_reads_miss_and_writes_are_dropped_with_a_warning(cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="forum_portal.cache"):
        cache.set("page", "html", timeout=60)
        assert cache.get("page") is None
        assert cache.get("page", "default") == "default"
        assert cache.get_or_set("page", "fresh") == "fresh"
        assert cache.add("page", "html") is True
        assert cache.get_many(["a", "b"]) == {}
        cache.delete("page")

    assert "cache unavailable (ConnectionError): get skipped" in caplog.text


def test_counters_still_raise_for_their_callers(cache_down):
    with pytest.raises(RedisError):
        cache.incr("count")


@pytest.mark.django_db
def test_login_works_while_the_cache_is_down(cache_down, client):
    # allauth throttles failed logins in the cache: an outage must not turn the login page into an error.
    password = "a long enough password"
    user = UserFactory(email="organizer@example.org")
    user.set_password(password)
    user.save()

    failed = client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
    succeeded = client.post("/en/accounts/login/", {"login": user.email, "password": password})

    assert failed.status_code == 200
    assert succeeded.status_code == 302
