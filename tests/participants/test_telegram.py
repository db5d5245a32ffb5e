import json

import pytest
from django.template.loader import render_to_string

from notifications.models import Message, TelegramChat, TelegramUpdateOffset
from notifications.tasks import telegram_updates_poll
from participants.messages import telegram_chat_link, telegram_start_token
from tests.notifications.factories import MessageFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _update(update_id, text, chat_id=4242):
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "chat": {"id": chat_id, "type": "private"}, "text": text},
    }


def test_confirmation_page_link_opens_the_bot_with_the_registrations_token(telegram_api):
    registration = RegistrationFactory()
    html = render_to_string("participants/_telegram_link.html", {"registration": registration})
    token = telegram_start_token(registration=registration)
    assert f'href="https://t.me/forum_test_bot?start={token}"' in html
    assert len(token) <= 64
    assert token.replace("_", "").isalnum()


def test_confirmation_page_shows_no_telegram_link_without_a_bot():
    registration = RegistrationFactory()
    assert "t.me" not in render_to_string("participants/_telegram_link.html", {"registration": registration})


def test_start_with_the_deep_link_token_links_the_chat_and_later_messages_go_to_telegram(telegram_api):
    registration = RegistrationFactory(reminder_channel="telegram")
    token = telegram_start_token(registration=registration)
    telegram_api.responses["getUpdates"] = {"ok": True, "result": [_update(7, f"/start {token}"), _update(8, "hello")]}

    assert telegram_updates_poll() == 1

    assert TelegramChat.objects.get(phone=registration.phone).chat_id == "4242"
    welcome = Message.objects.get(purpose="telegram_linked")
    assert (welcome.to_telegram_chat, welcome.language) == ("4242", "km")
    assert TelegramUpdateOffset.objects.get().offset == 9
    telegram_api.responses["getUpdates"] = {"ok": True, "result": []}
    telegram_updates_poll()
    assert json.loads(telegram_api.requests[-1][2])["offset"] == 9

    from notifications.delivery import deliver

    deliver(message_id=welcome.pk)
    sent = json.loads(telegram_api.requests[-1][2])
    assert (sent["chat_id"], sent["text"]) == (
        "4242",
        f"សួស្តី {registration.full_name}! សាររបស់អ្នកអំពី {registration.forum.title} នឹងមកដល់ទីនេះតាម Telegram។",
    )

    message = MessageFactory(channel=Message.Channel.TELEGRAM, to_phone=registration.phone)
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.to_telegram_chat) == (Message.Status.SENT, "4242")
    assert json.loads(telegram_api.requests[-1][2])["chat_id"] == "4242"


def test_forged_start_token_links_nothing():
    registration = RegistrationFactory()
    assert telegram_chat_link(token=f"r{registration.pk}_00000000000000000000", chat_id="1") is False
    assert telegram_chat_link(token="nonsense", chat_id="1") is False
    assert TelegramChat.objects.count() == 0


def test_linking_moves_the_registrations_messages_to_telegram_and_blocking_moves_them_back(
    telegram_api, django_capture_on_commit_callbacks, settings
):
    from notifications.delivery import deliver
    from participants.models import Registration

    registration = RegistrationFactory(reminder_channel="sms")
    token = telegram_start_token(registration=registration)
    telegram_api.responses["getUpdates"] = {"ok": True, "result": [_update(1, f"/start {token}", chat_id=777)]}
    assert telegram_updates_poll() == 1
    registration.refresh_from_db()
    assert registration.reminder_channel == Registration.Channel.TELEGRAM

    # The person blocks the bot: the next message fails there, goes by SMS, and so do later ones.
    telegram_api.statuses = [403]
    telegram_api.json_body = {"ok": False, "description": "Forbidden: bot was blocked by the user"}
    message = MessageFactory(channel=Message.Channel.TELEGRAM, to_phone=registration.phone, body="Bus at 6")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(message_id=message.pk)
    registration.refresh_from_db()
    assert registration.reminder_channel == Registration.Channel.SMS
    assert not TelegramChat.objects.exists()
    again = Message.objects.get(idempotency_key=f"{message.idempotency_key}:again:sms")
    assert (again.channel, again.status, again.body) == (Message.Channel.SMS, Message.Status.SENT, "Bus at 6")


def test_stop_in_the_chat_unlinks_it(telegram_api):
    from participants.models import Registration

    registration = RegistrationFactory(reminder_channel="telegram")
    TelegramChat.objects.create(phone=registration.phone, chat_id="4242")
    telegram_api.responses["getUpdates"] = {"ok": True, "result": [_update(3, "/stop")]}
    telegram_updates_poll()
    registration.refresh_from_db()
    assert registration.reminder_channel == Registration.Channel.SMS
    assert not TelegramChat.objects.exists()


def test_choosing_telegram_on_the_form_then_linking_brings_the_reminders_to_the_chat(
    client, telegram_api, django_capture_on_commit_callbacks
):
    import re
    from datetime import timedelta

    import time_machine
    from django.urls import reverse

    from participants.messages import reminders_queue
    from participants.models import Registration
    from tests.events.factories import ForumFactory
    from tests.participants.factories import form_data

    forum = ForumFactory()
    form_page = client.get(reverse("participants:register", kwargs={"slug": forum.slug})).text
    assert 'value="telegram"' in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:register", kwargs={"slug": forum.slug}),
            form_data(reminder_channel="telegram", preferred_language="en"),
            follow=True,
        )
    registration = Registration.objects.get()
    assert registration.reminder_channel == Registration.Channel.TELEGRAM
    assert "One more step: link Telegram" in response.text
    # Not linked yet: the confirmation went by SMS.
    assert Message.objects.get(purpose="registration_confirmed").channel == Message.Channel.SMS

    token = re.search(r"https://t\.me/forum_test_bot\?start=([A-Za-z0-9_]+)", response.text).group(1)
    telegram_api.responses["getUpdates"] = {"ok": True, "result": [_update(50, f"/start {token}", chat_id=8080)]}
    with django_capture_on_commit_callbacks(execute=True):
        assert telegram_updates_poll() == 1

    with time_machine.travel(forum.starts_at - timedelta(hours=20)), django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 1
    reminder = Message.objects.get(purpose="forum_reminder")
    assert (reminder.channel, reminder.to_telegram_chat, reminder.status) == ("telegram", "8080", Message.Status.SENT)
    sent = [json.loads(body) for path, _h, body in telegram_api.requests if path.endswith("/sendMessage")]
    assert sent[-1]["chat_id"] == "8080"
    assert sent[-1]["text"].startswith("Reminder:")
