import pytest

from notifications.services import telegram_start_subject, telegram_start_token, telegram_updates_process
from notifications.signals import telegram_start_received
from notifications.tasks import telegram_updates_poll

pytestmark = pytest.mark.django_db


def test_updates_poll_without_a_bot_does_nothing(fake_http):
    assert telegram_updates_poll() == 0
    assert fake_http.requests == []


def test_start_token_is_signed_short_and_round_trips():
    token = telegram_start_token(subject="r12345")
    assert len(token) <= 64
    assert token.replace("_", "").isalnum()
    assert telegram_start_subject(token=token) == "r12345"
    assert telegram_start_subject(token=token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert telegram_start_subject(token="r12345") is None
    with pytest.raises(ValueError):
        telegram_start_token(subject="not allowed!")


def test_only_signed_starts_reach_the_apps_and_each_update_once():
    heard = []

    def listener(sender, *, subject, chat_id, **kwargs):
        heard.append((subject, chat_id))
        return subject == "x1"

    telegram_start_received.connect(listener, dispatch_uid="test-listener")
    try:
        updates = [
            {"update_id": 5, "message": {"chat": {"id": 9}, "text": f"/start {telegram_start_token(subject='x1')}"}},
            {"update_id": 6, "message": {"chat": {"id": 9}, "text": "/start x1_forged"}},
        ]
        assert telegram_updates_process(updates=updates) == 1
        assert telegram_updates_process(updates=updates) == 0
    finally:
        telegram_start_received.disconnect(dispatch_uid="test-listener")
    assert heard == [("x1", "9")]
