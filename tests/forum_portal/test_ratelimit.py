import pytest
from django.test import RequestFactory

from forum_portal.ratelimit import client_key, hit


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
