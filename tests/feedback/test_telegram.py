"""A worker raises and follows a concern in Telegram, against a fake Bot API the test starts."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from events.models import Province
from feedback.models import Concern
from feedback.services import concern_resolution_checks_queue, concern_transition
from feedback.tracking import concern_track_url
from notifications.models import ChatState
from notifications.telegram import telegram_updates_process
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
CHAT = 5150
USER = 777


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


class Chat:
    """One person's chat with the bot: each update goes through the bot's handler, one at a time."""

    def __init__(self, api, capture):
        self.api, self.capture, self.update_id = api, capture, 100

    def _send(self, update):
        self.update_id += 1
        with self.capture(execute=True):
            telegram_updates_process(updates=[{"update_id": self.update_id, **update}])
        return self.last()

    def say(self, text="", **extra):
        message = {"message_id": self.update_id, "chat": {"id": CHAT, "type": "private"}, "from": {"id": USER}}
        return self._send({"message": {**message, "text": text, **extra} if text else {**message, **extra}})

    def press(self, data):
        callback = {"id": f"cb{self.update_id}", "from": {"id": USER}, "data": data, "message": {"chat": {"id": CHAT}}}
        return self._send({"callback_query": callback})

    def sent(self):
        return [json.loads(body) for path, _headers, body in self.api.requests if path.endswith("/sendMessage")]

    def last(self):
        sent = self.sent()
        return sent[-1] if sent else None


@pytest.fixture
def chat(telegram_api, django_capture_on_commit_callbacks, private_media):
    telegram_api.responses["getFile"] = {
        "ok": True,
        "result": {"file_id": "PHOTO1", "file_path": "photos/file_1.jpg", "file_size": 1000},
    }
    telegram_api.files["/file/bot123:TEST/photos/file_1.jpg"] = _jpeg()
    return Chat(telegram_api, django_capture_on_commit_callbacks)


def _buttons(reply):
    return [button["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for button in row]


def test_a_worker_raises_a_concern_with_a_photo_and_a_shared_number_then_follows_it(chat, settings):
    reply = chat.say("/concern")
    assert _buttons(reply) == ["lang:km", "lang:en"]

    reply = chat.press("lang:en")
    assert "cat:maternity" in _buttons(reply)
    assert reply["text"] == "What is your concern about? Choose one."

    reply = chat.press("cat:maternity")
    svay_rieng = Province.objects.get(name_en="Svay Rieng")
    assert f"prov:{svay_rieng.pk}" in _buttons(reply)

    reply = chat.press(f"prov:{svay_rieng.pk}")
    assert reply["text"].startswith("Write your concern")

    assert chat.say("too short")["text"] == "Please write at least 10 characters."
    reply = chat.say("My maternity allowance has not been paid for three months.")
    assert _buttons(reply) == ["att:skip"]

    # The portal restarts here: nothing but the database carries the conversation on.
    assert ChatState.objects.get(chat_id=str(CHAT)).step == "attachment"
    reply = chat.say(photo=[{"file_id": "SMALL", "file_size": 100}, {"file_id": "PHOTO1", "file_size": 1000}])
    keyboard = reply["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    assert keyboard[1][0]["text"] == "Stay anonymous"

    # A contact that is not the sender's own proves nothing and is not taken.
    chat.say(contact={"phone_number": "85599999999", "user_id": 1})
    assert not Concern.objects.exists()
    reply = chat.say(contact={"phone_number": "85512345678", "user_id": USER})

    concern = Concern.objects.get()
    assert (concern.channel, concern.category, concern.province, concern.language) == (
        Concern.Channel.TELEGRAM,
        Concern.Category.MATERNITY,
        svay_rieng,
        "en",
    )
    assert concern.description == "My maternity allowance has not been paid for three months."
    assert (concern.contact_phone, concern.contact_telegram_chat, concern.anonymous) == (
        "+85512345678",
        str(CHAT),
        False,
    )
    assert concern.attachment_type == "image/jpeg"
    with concern.attachment.open("rb") as stored:
        assert stored.read() == chat.api.files["/file/bot123:TEST/photos/file_1.jpg"]
    assert concern.display_code in reply["text"]
    assert reply["reply_markup"] == {"remove_keyboard": True}
    assert ChatState.objects.get(chat_id=str(CHAT)).flow == ""

    # A code sent at any time gets the status.
    link = concern_track_url(concern=concern, language="en")
    assert chat.say(concern.display_code.lower())["text"] == (
        f"Concern {concern.display_code}: New.\n\nFollow it on the web: {link}"
    )

    # NSSF answers: the answer comes to the chat.
    staff = UserFactory()
    with chat.capture(execute=True):
        concern = concern_transition(concern=concern, to_status=Concern.Status.ACKNOWLEDGED, actor=staff)
        concern = concern_transition(concern=concern, to_status=Concern.Status.UNDER_REVIEW, actor=staff)
        concern = concern_transition(
            concern=concern,
            to_status=Concern.Status.RESPONDED,
            actor=staff,
            public_response="The allowance was paid on 3 March.",
        )
    assert chat.last()["chat_id"] == str(CHAT)
    assert "The allowance was paid on 3 March." in chat.last()["text"]

    # Closed, and asked 14 days later whether it was resolved: "no" reopens it.
    with chat.capture(execute=True):
        concern = concern_transition(
            concern=concern, to_status=Concern.Status.CLOSED, actor=staff, closing_reason=Concern.ClosingReason.RESOLVED
        )
    with time_machine.travel(timezone.now() + timedelta(days=15)), chat.capture(execute=True):
        assert concern_resolution_checks_queue() == 1
    assert _buttons(chat.last()) == [
        f"resolved:{concern.pk}:yes",
        f"resolved:{concern.pk}:partly",
        f"resolved:{concern.pk}:no",
    ]
    assert chat.press(f"resolved:{concern.pk}:no")["text"] == "Thank you. NSSF will look at your concern again."
    concern.refresh_from_db()
    assert (concern.resolution_answer, concern.status) == ("no", Concern.Status.UNDER_REVIEW)


def test_an_anonymous_concern_keeps_no_number_but_is_answered_in_the_chat(chat):
    chat.say("/concern")
    chat.press("lang:km")
    chat.press("cat:pension")
    chat.press("prov:")
    chat.say("ប្រាក់សោធននិវត្តន៍របស់ខ្ញុំមិនទាន់បានទទួលទេ។")
    chat.press("att:skip")
    reply = chat.say("នៅអនាមិក")  # the Khmer button
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.contact_phone, concern.contact_telegram_chat) == (True, "", str(CHAT))
    assert (concern.language, concern.province) == ("km", None)
    assert concern.display_code in reply["text"]


def test_unknown_input_gets_a_short_help_and_a_flooding_chat_is_ignored(chat):
    from notifications.models import Message

    assert chat.say("hello")["text"].startswith("សួស្តី!")  # Khmer unless the person chose English
    spam = {"chat": {"id": CHAT, "type": "private"}, "from": {"id": USER}, "text": "spam"}
    # Within one minute (the clock stands still), only the first 20 messages of a chat are answered.
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        for n in range(30):
            telegram_updates_process(updates=[{"update_id": 1000 + n, "message": {"message_id": n, **spam}}])
    assert Message.objects.filter(purpose="telegram_help").count() == 1 + 20
