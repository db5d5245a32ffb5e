"""Outages on real processes: Redis stopped mid-registration, a worker killed mid-run, database connections cut.

Nothing is lost and nothing is sent twice: every message is delivered exactly once by a fake SMS gateway that
counts texts per Idempotency-Key.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.models import Province
from feedback.models import Concern
from notifications.models import Message
from notifications.services import message_sweep
from participants.messages import REMINDER
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.fakes import FakeSmsGateway
from tests.faults.conftest import broker, kill_hard, wait_for
from tests.participants.factories import form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
Status = Message.Status


def _sweep_as_if_later() -> int:
    """Run the sweep as beat would once a lost task's message is overdue (and a killed send is stale)."""
    later = max(settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS, settings.NOTIFICATIONS_SENDING_STALE_SECONDS) + 1
    return message_sweep(now=timezone.now() + timedelta(seconds=later))


def _all_sent(timeout: float) -> bool:
    return wait_for(lambda: not Message.objects.exclude(status=Status.SENT).exists(), timeout=timeout, interval=0.5)


def _sent_count_settles() -> int:
    """Return how many messages are sent, once that number has not changed for two seconds."""
    before = Message.objects.filter(status=Status.SENT).count()
    time.sleep(2)
    after = Message.objects.filter(status=Status.SENT).count()
    return after if after == before else 0


def _concern_data(n: int, token: str, province_pk: int) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "category": Concern.Category.MATERNITY,
        "description": f"My maternity allowance has not been paid ({n}).",
        "province": province_pk,
        "sector": "garment",
        "gender": "woman",
        "contact_name": f"Worker {n}",
        "contact_phone": f"092{200000 + n}",
        "contact_choice": "contact",
        "website": "",
    }


def test_redis_stopped_during_registrations_and_concerns_costs_nothing(start_server, start_worker, own_redis):
    forum = ForumFactory(capacity=500)
    server = start_server(own_redis, workers=2)
    register_path = reverse("participants:register", kwargs={"slug": forum.slug})
    concern_path = reverse("feedback:concern_create")
    base = form_data()
    province_pk = Province.objects.get(name_en="Kampot").pk
    answers, slowest = [], 0.0

    def post_and_follow(path, data):
        nonlocal slowest
        cookies = {}
        data = {**data, "csrfmiddlewaretoken": server.form_token(path, cookies)}
        started = time.monotonic()
        status, headers, _page = server.request("POST", path, data=data, cookies=cookies)
        slowest = max(slowest, time.monotonic() - started)
        assert status == 302, _page[:2000]
        answers.append(server.request("GET", headers["Location"], cookies=cookies)[0])

    for n in range(100):
        if n == 10:
            own_redis.stop()  # the broker and the cache go away in the middle of the rush
        post_and_follow(register_path, {**base, "phone": f"012{100000 + n}", "full_name": f"Participant {n}"})
    for n in range(20):
        post_and_follow(concern_path, _concern_data(n, "", province_pk))

    assert answers == [200] * 120
    assert slowest < 5.0  # no request waits on the dead Redis (each gives up within a second)
    assert Registration.objects.filter(forum=forum).count() == 100
    assert Concern.objects.count() == 20
    # Each registration's confirmation waits in the outbox (a concern sends nothing until NSSF answers it).
    messages = dict(Message.objects.values_list("idempotency_key", "status"))
    assert len(messages) == 100 and set(messages.values()) == {Status.QUEUED}

    # Redis comes back empty (what was queued before it stopped is gone); the worker and the sweep deliver.
    own_redis.start()
    with FakeSmsGateway() as gateway:
        start_worker(own_redis, SMS_BACKEND="http", SMS_GATEWAY_URL=gateway.url)
        with broker(own_redis.url):
            assert _sweep_as_if_later() == 100
            assert _all_sent(timeout=120)

    assert gateway.deliveries == dict.fromkeys(messages, 1)
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_worker_killed_in_the_middle_of_1000_reminders_sends_each_once(start_worker, own_redis):
    forum = ForumFactory()
    Message.objects.bulk_create(
        Message(
            idempotency_key=f"reminder:{n}:fault-test",
            purpose=REMINDER,
            channel=Message.Channel.SMS,
            to_phone=f"+85512{300000 + n}",
            body=f"Reminder {n}: the forum is tomorrow at 8:00.",
            forum=forum,
        )
        for n in range(1000)
    )
    keys = set(Message.objects.values_list("idempotency_key", flat=True))

    with FakeSmsGateway(delay=0.005) as gateway, broker(own_redis.url):
        assert message_sweep() == 1000
        worker = start_worker(own_redis, SMS_BACKEND="http", SMS_GATEWAY_URL=gateway.url)
        assert wait_for(lambda: Message.objects.filter(status=Status.SENT).count() >= 200, timeout=120)
        kill_hard(worker)
        sent_at_kill = Message.objects.filter(status=Status.SENT).count()
        assert sent_at_kill < 1000

        start_worker(own_redis, SMS_BACKEND="http", SMS_GATEWAY_URL=gateway.url)
        # The restarted worker drains the queue; what the killed one held (its prefetched tasks, the text it
        # was sending) is left for the sweep, as in production once those messages are overdue.
        assert wait_for(lambda: _sent_count_settles() >= 1000 - 10, timeout=180, interval=0)
        _sweep_as_if_later()
        assert _all_sent(timeout=120)

    assert gateway.deliveries == dict.fromkeys(keys, 1)
    # A text the killed worker was sending may reach the gateway twice; its key makes the second a no-op.
    assert sum(gateway.posts_per_key.values()) - 1000 <= 2


def test_database_connections_terminated_between_requests_next_request_succeeds(start_server, own_redis):
    forum = ForumFactory(title="Regional Forum in Kratie")
    server = start_server(own_redis, workers=2, CONN_MAX_AGE="600")
    for _ in range(6):  # every worker holds a persistent connection now
        assert server.request("GET", forum.get_absolute_url())[0] == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    pages = [server.request("GET", forum.get_absolute_url()) for _ in range(6)]
    assert [status for status, _headers, _page in pages] == [200] * 6
    assert all("Regional Forum in Kratie" in page for _status, _headers, page in pages)
