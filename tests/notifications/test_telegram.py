import json

import pytest

from notifications.signals import telegram_start_received
from notifications.tasks import telegram_updates_poll
from notifications.telegram import telegram_start_subject, telegram_start_token, telegram_updates_process

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


WEBHOOK = "/hooks/telegram/"


def _start_update(update_id, subject):
    return {
        "update_id": update_id,
        "message": {"chat": {"id": 31}, "text": f"/start {telegram_start_token(subject=subject)}"},
    }


def test_webhook_refuses_a_missing_or_wrong_secret_token(client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = "hook-secret"
    body = _start_update(10, "x1")
    assert client.post(WEBHOOK, body, content_type="application/json").status_code == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
    assert client.post(WEBHOOK, body, content_type="application/json", headers=wrong).status_code == 403
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    empty = {"X-Telegram-Bot-Api-Secret-Token": ""}
    assert client.post(WEBHOOK, body, content_type="application/json", headers=empty).status_code == 403


def test_webhook_with_the_secret_goes_through_the_same_handler_as_polling(client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = "hook-secret"
    heard = []

    def listener(sender, *, subject, chat_id, **kwargs):
        heard.append((subject, chat_id))
        return True

    telegram_start_received.connect(listener, dispatch_uid="test-webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
    try:
        for _ in range(2):  # Telegram redelivers when unsure: handled once
            response = client.post(WEBHOOK, _start_update(11, "x2"), content_type="application/json", headers=headers)
            assert response.status_code == 200
        assert client.post(WEBHOOK, {"nothing": 1}, content_type="application/json", headers=headers).status_code == 400
    finally:
        telegram_start_received.disconnect(dispatch_uid="test-webhook")
    assert heard == [("x2", "31")]


def test_long_text_is_split_into_messages_telegram_accepts():
    from notifications.channels import TELEGRAM_MAX_LENGTH, telegram_chunks

    text = ("line of text\n" * 700).strip()
    chunks = telegram_chunks(text)
    assert len(chunks) == 3
    assert all(len(chunk) <= TELEGRAM_MAX_LENGTH for chunk in chunks)
    assert "\n".join(chunks) == text


def test_five_hundred_messages_keep_telegrams_pace_and_all_arrive(telegram_api, settings):
    """Under the API's limit overall and one a second per chat, as Telegram counts them; none dropped.

    The portal paces itself below the limit (25 a second against Telegram's 30 in production) because Telegram
    counts arrivals, which lag the sender's clock by a few milliseconds at each second's edge. Here the
    "API's limit" is 100 a second and the portal's pace 90, so 500 messages take about 6 seconds.
    """
    import time
    from collections import Counter

    from notifications.delivery import deliver
    from notifications.models import Message
    from notifications.services import message_sweep
    from tests.notifications.factories import MessageFactory

    settings.TELEGRAM_MAX_PER_SECOND = 90
    chats = [str(1000 + n) for n in range(490)] + ["42"] * 10  # one chat gets ten messages
    messages = [
        MessageFactory(channel=Message.Channel.TELEGRAM, to_telegram_chat=chat, body=f"n{n}")
        for n, chat in enumerate(chats)
    ]
    pending = [m.pk for m in messages]
    deadline = time.monotonic() + 60
    while pending and time.monotonic() < deadline:
        for pk in pending:
            deliver(message_id=pk)
        message_sweep()
        pending = list(
            Message.objects.filter(pk__in=pending).exclude(status=Message.Status.SENT).values_list("pk", flat=True)
        )
        if pending:
            time.sleep(0.2)
    assert pending == []
    assert Message.objects.filter(status=Message.Status.SENT).count() == 500
    sent = [json.loads(body) for _path, _headers, body in telegram_api.requests]
    assert sorted(payload["text"] for payload in sent) == sorted(f"n{n}" for n in range(500))
    per_second = Counter(int(stamp) for stamp in telegram_api.times)
    assert max(per_second.values()) <= 100
    same_chat = [stamp for stamp, payload in zip(telegram_api.times, sent, strict=True) if payload["chat_id"] == "42"]
    assert len(same_chat) == 10
    # One a second per chat: no two of that chat's messages in the same second.
    assert len({int(stamp) for stamp in same_chat}) == 10


def test_a_conversation_left_halfway_is_forgotten_after_a_week():
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from notifications.models import ChatState
    from notifications.telegram import chat_state_save, chat_states_expire

    chat_state_save(chat_id="1", flow="concern", step="text", data={"text": "half a story"})
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        chat_state_save(chat_id="2", flow="concern", step="text")
        assert chat_states_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert chat_states_expire() == 1
    assert list(ChatState.objects.values_list("chat_id", flat=True)) == ["2"]
