import socket
import time

import pytest
from kombu.exceptions import OperationalError

from forum_portal import health
from forum_portal.celery import app as celery_app
from tests.markers import requires_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers: a Redis that hangs, the worst case for a probe."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


@pytest.fixture
def broker_at():
    previous = celery_app.conf.broker_url

    def point(url):
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield point
    point(previous)


def test_healthz_reports_each_part_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


def test_healthz_is_503_when_broker_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.celery_app, "connection_for_write", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down", "cache": "ok"}


@requires_redis
def test_healthz_answers_within_a_second_when_redis_hangs(client, settings, silent_port, broker_at):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{silent_port}/0"},
    }
    broker_at(f"redis://127.0.0.1:{silent_port}/0")

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down", "cache": "down"}


@requires_redis
def test_healthz_stays_200_without_the_cache(client, settings):
    # Rate limits fail open: the portal still takes registrations and concerns without its cache.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "down"}
