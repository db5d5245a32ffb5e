"""The real broker: Redis down while a participant registers, and a real Celery worker delivering."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from events.models import Province
from forum_portal.celery import app as celery_app
from notifications.models import Message
from notifications.services import message_sweep
from participants.models import Registration
from participants.services import registration_create
from tests.events.factories import ForumFactory
from tests.markers import requires_redis

CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"
Status = Message.Status
pytestmark = requires_redis


def _reset_producer_pool():
    # The next publish builds a producer pool for the current broker URL (kombu keeps one per URL).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url):
    """Point the app's producer at another broker URL, then back."""
    previous = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    _reset_producer_pool()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        _reset_producer_pool()


def _register(forum, phone="+85512345678"):
    return registration_create(
        forum=forum,
        data={
            "full_name": "Sophea Kim",
            "gender": Registration.Gender.WOMAN,
            "age_group": Registration.AgeGroup.FROM_25,
            "role": Registration.Role.WORKERS_REP,
            "sector": Registration.Sector.GARMENT,
            "province": Province.objects.get(name_en="Svay Rieng"),
            "phone": phone,
            "email": "",
            "preferred_language": "km",
            "reminder_channel": "sms",
        },
    )


def _wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def celery_queue_empty():
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete("celery", "unacked", "unacked_index")
    yield client
    client.delete("celery", "unacked", "unacked_index")


def _test_database_url() -> str:
    """Return a URL for the test database this test runs on (not the one DATABASE_URL names)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(tmp_path, celery_queue_empty):
    """Start a real `celery worker` on the test database and the test Redis (SMS to files unless overridden)."""
    processes = []

    def start(**extra_env):
        env = os.environ | {
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": django_settings.REDIS_URL,
            "SMS_BACKEND": "file",
            "SMS_FILE_DIR": str(tmp_path / "worker-sms"),
            "CONN_MAX_AGE": "0",
            **extra_env,
        }
        log = (tmp_path / f"worker-{len(processes)}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "forum_portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return tmp_path / "worker-sms"

    yield start
    for process, log in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def worker(start_worker):
    return start_worker()


@pytest.mark.django_db(transaction=True)
def test_redis_down_registration_succeeds_and_message_stays_queued(settings):
    forum = ForumFactory()
    with broker(CLOSED_PORT_BROKER):
        registration = _register(forum)
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED
    message = Message.objects.get(purpose="registration_confirmed")
    assert (message.status, message.attempts, message.enqueued_at) == (Status.QUEUED, 0, None)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_message_queued_while_redis_was_down(worker):
    forum = ForumFactory()
    with broker(CLOSED_PORT_BROKER):
        _register(forum)
    message = Message.objects.get(purpose="registration_confirmed")
    assert message.status == Status.QUEUED

    with broker(django_settings.CELERY_BROKER_URL):
        assert message_sweep() == 1
        assert message_sweep() == 0  # already enqueued: a second beat does not enqueue it again
        assert _wait_for(lambda: Message.objects.get(pk=message.pk).status == Status.SENT)

    message.refresh_from_db()
    assert message.attempts == 1
    files = list(worker.iterdir())
    assert len(files) == 1
    # The short Khmer SMS (two parts at most): the code and the short link, not the greeting of the long one.
    sms = files[0].read_text(encoding="utf-8")
    assert "បានចុះឈ្មោះ" in sms and "/r/" in sms


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_message_enqueued_after_commit(worker):
    forum = ForumFactory()
    with broker(django_settings.CELERY_BROKER_URL):
        registration = _register(forum, phone="+85598765432")
        message = Message.objects.get(purpose="registration_confirmed")
        assert message.enqueued_at is not None
        assert _wait_for(lambda: Message.objects.get(pk=message.pk).status == Status.SENT)
    [sms] = list(worker.iterdir())
    assert sms.read_text(encoding="utf-8").startswith(f"To: {registration.phone}\n")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_gateway_500_with_backoff_and_sends_once(start_worker, fake_http):
    fake_http.statuses = [500, 200]
    start_worker(
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=f"{fake_http.url}/send",
        NOTIFICATIONS_RETRY_BASE_SECONDS="1",
    )
    forum = ForumFactory()
    with broker(django_settings.CELERY_BROKER_URL):
        _register(forum, phone="+85511111111")
        message = Message.objects.get(purpose="registration_confirmed")
        assert _wait_for(lambda: Message.objects.get(pk=message.pk).status == Status.SENT)
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "HTTP 500")
    assert len(fake_http.requests) == 2
