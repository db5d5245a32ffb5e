"""A web request never waits long on a broker that is gone: the enqueue after commit gives up within a second."""

import time

import pytest

from notifications.models import Message
from notifications.tasks import messages_enqueue
from tests.events.factories import ForumFactory
from tests.faults.conftest import broker, free_port
from tests.markers import requires_redis

pytestmark = [
    pytest.mark.django_db,
    requires_redis,
]


def test_enqueue_gives_up_within_a_second_when_redis_is_stopped():
    forum = ForumFactory()
    message = Message.objects.create(
        idempotency_key="broker-timeout-test",
        purpose="registration_confirmed",
        channel=Message.Channel.SMS,
        to_phone="+85512345678",
        body="Hello",
        forum=forum,
    )

    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        messages_enqueue(message_ids=[message.pk])
        elapsed = time.monotonic() - started

    assert elapsed < 1.0
    message.refresh_from_db()
    assert (message.status, message.enqueued_at) == (Message.Status.QUEUED, None)
