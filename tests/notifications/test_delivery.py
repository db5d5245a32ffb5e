import base64
import json
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery
from notifications.delivery import backoff_seconds, deliver
from notifications.models import Message, TelegramChat
from notifications.services import message_queue, message_resend, message_sweep
from notifications.tasks import message_deliver
from tests.events.factories import ForumFactory
from tests.markers import requires_postgresql
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db
Status = Message.Status


def _queue(**overrides):
    fields = {
        "idempotency_key": "registration:1:registration_confirmed",
        "purpose": "registration_confirmed",
        "channel": "sms",
        "language": "en",
        "recipient_name": "Sophea Kim",
        "to_phone": "+85512345678",
        "context": MessageFactory.context.function(),
    }
    return message_queue(**(fields | overrides))


def test_message_queue_email_delivered_after_commit_with_text_and_html(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _queue(channel="email", to_email="sophea@example.org", to_phone="")
        assert mail.outbox == []
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["sophea@example.org"]
    assert email.subject == "You are registered: Regional Forum"
    assert "Your code: ACDE3467FG" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert '<a href="http://127.0.0.1:8000/en/r/abc/"' in html


def test_message_queue_same_key_records_and_sends_one_message(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue(language="km")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(list(Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir())) == 1


def test_message_queue_scheduled_message_waits_for_the_sweep(django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _queue(send_after=later)
    assert callbacks == []
    assert message_sweep() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert message_sweep(now=later + timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_deliver_twice_sends_once(settings):
    message = MessageFactory()
    deliver(message_id=message.pk)
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert len(list(Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir())) == 1


def test_deliver_message_already_sending_does_nothing(settings):
    """A task redelivered after its worker died (acks_late) finds the message claimed and leaves it."""
    message = MessageFactory(status=Status.SENDING, attempts=1, sending_since=timezone.now())
    assert deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENDING, 1)
    assert not Path(settings.NOTIFICATIONS_SMS_FILE_DIR).exists()


def test_sms_file_backend_writes_rendered_text(settings):
    message = MessageFactory()
    deliver(message_id=message.pk)
    [path] = Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir()
    content = path.read_text(encoding="utf-8")
    assert content.startswith("To: +85512345678\n")
    assert "Hi Sophea Kim, you are registered for Regional Forum on 5 March 2030, 08:00" in content


def test_sms_gateway_500_then_200_retried_and_sent_once(sms_gateway):
    sms_gateway.statuses = [500, 200]
    message = MessageFactory()
    message_deliver.delay(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert message.last_error == "HTTP 500"
    assert len(sms_gateway.requests) == 2
    path, headers, body = sms_gateway.requests[-1]
    fields = urllib.parse.parse_qs(body.decode())
    assert path == "/send"
    assert fields["to"] == ["+85512345678"]
    assert fields["from"] == ["NSSF"]
    assert fields["text"][0].startswith("Hi Sophea Kim, you are registered")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"portal:s3cret").decode()


def test_sms_gateway_always_500_fails_after_last_attempt_and_shows_in_log(sms_gateway, organizer_client, settings):
    sms_gateway.statuses = [500]
    forum = ForumFactory()
    message = MessageFactory(forum=forum)
    message_deliver.delay(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, settings.NOTIFICATIONS_MAX_ATTEMPTS)
    assert len(sms_gateway.requests) == settings.NOTIFICATIONS_MAX_ATTEMPTS
    response = organizer_client.get(f"/en/manage/forums/{forum.slug}/messages/")
    assert response.status_code == 200
    rows = response.context["outbox_messages"]
    assert [(m.pk, m.status, m.last_error) for m in rows] == [(message.pk, Status.FAILED, "HTTP 500")]
    assert "HTTP 500" in response.text


def test_sms_gateway_400_fails_without_retry_and_keeps_no_echoed_number(sms_gateway):
    sms_gateway.statuses = [400]
    sms_gateway.json_body = {"error": "invalid number +85512345678"}
    message = MessageFactory()
    message_deliver.delay(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error == "HTTP 400"
    assert len(sms_gateway.requests) == 1


def test_sms_gateway_unreachable_is_retried(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "http"
    settings.NOTIFICATIONS_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    message = MessageFactory()
    wait = deliver(message_id=message.pk)
    message.refresh_from_db()
    assert wait == settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.last_error.startswith("connection failed")
    assert message.send_after > timezone.now()
    # The sweep leaves a message waiting for its retry alone.
    assert message_sweep() == 0


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 200
    assert [backoff_seconds(attempts=n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_telegram_message_sent_through_bot_api(telegram_api):
    TelegramChat.objects.create(phone="+85512345678", chat_id="98765")
    message = MessageFactory(channel=Message.Channel.TELEGRAM, language="km")
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.channel, message.to_telegram_chat) == (Status.SENT, "telegram", "98765")
    [(path, _headers, body)] = telegram_api.requests
    payload = json.loads(body)
    assert path == "/bot123:TEST/sendMessage"
    assert payload["chat_id"] == "98765"
    assert payload["text"].startswith("សួស្តី Sophea Kim! អ្នកបានចុះឈ្មោះចូលរួម Regional Forum")


def test_telegram_without_linked_chat_falls_back_to_sms(telegram_api, settings):
    message = MessageFactory(channel=Message.Channel.TELEGRAM)
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.channel) == (Status.SENT, Message.Channel.SMS)
    assert telegram_api.requests == []
    assert len(list(Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir())) == 1


def test_telegram_blocked_by_user_fails_permanently(telegram_api):
    telegram_api.statuses = [403]
    telegram_api.json_body = {"ok": False, "description": "Forbidden: bot was blocked by the user"}
    message = MessageFactory(channel=Message.Channel.TELEGRAM, to_telegram_chat="555")
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error == "HTTP 403: Forbidden: bot was blocked by the user"


def test_message_that_cannot_be_rendered_fails_at_once(monkeypatch, settings):
    def broken(message):
        raise ValueError("bad context")

    monkeypatch.setattr(delivery, "message_render", broken)
    message = MessageFactory()
    assert deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.FAILED, 1, "could not render: ValueError")
    assert not Path(settings.NOTIFICATIONS_SMS_FILE_DIR).exists()


def test_unexpected_channel_error_is_retried_then_failed(monkeypatch, settings):
    def explode(self, message):
        raise RuntimeError("boom")

    monkeypatch.setattr(delivery.channel_for("sms").__class__, "send", explode)
    message = MessageFactory(attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS - 1)
    assert deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.FAILED, "RuntimeError")


def test_resend_failed_message_sends_it_again(django_capture_on_commit_callbacks, settings):
    message = MessageFactory(status=Status.FAILED, attempts=3, last_error="HTTP 500")
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(message=message)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)


def test_resend_refuses_a_sent_message():
    from django.core.exceptions import ValidationError

    message = MessageFactory(status=Status.SENT)
    with pytest.raises(ValidationError):
        message_resend(message=message)


def test_sweep_reclaims_a_message_stuck_in_sending_and_leaves_a_fresh_one(django_capture_on_commit_callbacks, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS + 1)
    stuck = MessageFactory(status=Status.SENDING, attempts=1, sending_since=long_ago)
    busy = MessageFactory(status=Status.SENDING, attempts=1, sending_since=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert message_sweep() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Status.SENT, 2)
    assert busy.status == Status.SENDING


def test_sweep_leaves_recently_enqueued_messages_to_their_task(django_capture_on_commit_callbacks, settings):
    fresh = MessageFactory(enqueued_at=timezone.now())
    stale = MessageFactory(
        enqueued_at=timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
    )
    never = MessageFactory(enqueued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert message_sweep() == 2
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {fresh.pk: Status.QUEUED, stale.pk: Status.SENT, never.pk: Status.SENT}


@pytest.mark.django_db(transaction=True)
@requires_postgresql
def test_sweep_skips_rows_another_sweep_has_locked():
    import threading

    from django.db import connection, transaction

    locked, free = MessageFactory(), MessageFactory()
    seen = []

    def other_sweep():
        try:
            seen.append(message_sweep())
        finally:
            connection.close()

    with transaction.atomic():
        Message.objects.select_for_update().get(pk=locked.pk)  # a first sweep holds this row
        thread = threading.Thread(target=other_sweep)
        thread.start()
        thread.join()
    assert seen == [1]
    assert dict(Message.objects.values_list("pk", "status")) == {locked.pk: Status.QUEUED, free.pk: Status.SENT}


def test_a_new_channel_is_one_registered_class(monkeypatch):
    from notifications import channels

    delivered = []

    class PagerChannel(channels.Channel):
        name = "pager"

        def send(self, message):
            delivered.append((message.to_phone, message.body))

    monkeypatch.setitem(channels.CHANNELS, "pager", PagerChannel)
    message = MessageFactory(channel="pager", language="en")
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert delivered == [("+85512345678", message.body)]
