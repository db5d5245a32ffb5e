import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.urls import reverse

from forum_portal.phones import phone_from_gateway
from notifications.delivery import deliver
from notifications.models import Message, SmsOptOut
from notifications.sms import inbound_text_clean, is_stop_request, sms_parts
from tests.events.factories import ForumFactory
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db
Status = Message.Status
SECRET = "gateway-secret"
INBOUND = "/hooks/sms/inbound/"
RECEIPTS = "/hooks/sms/receipts/"


@pytest.fixture(autouse=True)
def _gateway_secret(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET


def _sms_files(settings):
    folder = Path(settings.NOTIFICATIONS_SMS_FILE_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


def _inbound(client, *, text, sender="012 345 678", **headers):
    return client.post(INBOUND, {"from": sender, "text": text}, headers={"X-Webhook-Secret": SECRET, **headers})


def test_sms_parts_follow_the_gsm_and_ucs2_limits():
    assert sms_parts("") == 0
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("€" * 80) == 1  # an extended character counts twice
    assert sms_parts("€" * 81) == 2
    assert sms_parts("ក" * 70) == 1
    assert sms_parts("ក" * 71) == 2
    assert sms_parts("ក" * 134) == 2
    assert sms_parts("ក" * 135) == 3


def test_stop_words_in_english_and_khmer_with_zero_width_spaces():
    assert is_stop_request("STOP")
    assert is_stop_request(" stop. ")
    assert is_stop_request("ឈប់")
    assert is_stop_request("\u200bឈប់\u200b")
    assert not is_stop_request("please do not stop my pension")
    assert inbound_text_clean("ក\u200bខ") == "កខ"


def test_sender_numbers_in_any_common_shape_become_e164():
    assert phone_from_gateway("012345678") == "+85512345678"
    assert phone_from_gateway("85512345678") == "+85512345678"
    assert phone_from_gateway("+855 12 345 678") == "+85512345678"
    assert phone_from_gateway("not a number") == ""


def test_inbound_without_the_gateways_secret_is_refused(client):
    assert client.post(INBOUND, {"from": "012345678", "text": "STOP"}).status_code == 403
    assert _inbound(client, text="STOP", **{"X-Webhook-Secret": "wrong"}).status_code == 403
    assert SmsOptOut.objects.count() == 0


def test_inbound_is_off_while_no_secret_is_set(client, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    assert _inbound(client, text="STOP").status_code == 403


def test_inbound_signed_json_body_is_accepted(client, django_capture_on_commit_callbacks):
    body = json.dumps({"msisdn": "85512345678", "message": "hello"}).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INBOUND, body, content_type="application/json", headers={"X-Signature": f"sha256={signature}"}
        )
    assert response.json() == {"ok": True, "outcome": "help"}
    reply = Message.objects.get()
    assert (reply.purpose, reply.to_phone, reply.status) == ("sms_help", "+85512345678", Status.SENT)


def test_stop_records_the_opt_out_confirms_once_and_no_sms_follows(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _inbound(client, text="ឈប់").json()["outcome"] == "stop"
    assert SmsOptOut.objects.get().phone == "+85512345678"
    confirmation = Message.objects.get(purpose="sms_stopped")
    assert confirmation.status == Status.SENT
    assert "SMS stopped." in confirmation.body
    assert len(_sms_files(settings)) == 1

    later = MessageFactory(to_phone="+85512345678")
    deliver(message_id=later.pk)
    later.refresh_from_db()
    assert (later.status, later.last_error) == (Status.DROPPED, "the number texted STOP")
    assert len(_sms_files(settings)) == 1
    # Another number still gets its messages.
    other = MessageFactory(to_phone="+85598765432")
    deliver(message_id=other.pk)
    other.refresh_from_db()
    assert other.status == Status.SENT


def test_sent_sms_counts_its_parts(settings):
    message = MessageFactory(language="km")
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.sms_parts == sms_parts(message.body) > 1


def _receipt(client, **fields):
    return client.post(RECEIPTS, fields, headers={"X-Webhook-Secret": SECRET})


def test_receipts_mark_each_sms_delivered_or_not(client):
    delivered = MessageFactory(status=Status.SENT)
    lost = MessageFactory(status=Status.SENT)
    assert _receipt(client, reference=f"m{delivered.pk}", status="DELIVRD").json() == {"ok": True}
    assert _receipt(client, reference=f"m{lost.pk}", status="expired").json() == {"ok": True}
    assert _receipt(client, reference="m999999", status="delivered").json() == {"ok": False}
    assert _receipt(client, reference=f"m{lost.pk}", status="nonsense").json() == {"ok": False}
    delivered.refresh_from_db()
    lost.refresh_from_db()
    assert (delivered.receipt, lost.receipt) == (Message.Receipt.DELIVERED, Message.Receipt.UNDELIVERED)
    assert client.post(RECEIPTS, {"reference": f"m{lost.pk}", "status": "delivered"}).status_code == 403


def test_undelivered_sms_goes_again_by_email_once(client, django_capture_on_commit_callbacks, mailoutbox):
    lost = MessageFactory(status=Status.SENT, to_email="sophea@example.org", subject="Hello", body="The text")
    with django_capture_on_commit_callbacks(execute=True):
        _receipt(client, reference=f"m{lost.pk}", status="undelivered")
        _receipt(client, reference=f"m{lost.pk}", status="undelivered")
    again = Message.objects.get(channel=Message.Channel.EMAIL)
    assert (again.idempotency_key, again.status, again.purpose) == (
        f"{lost.idempotency_key}:again:email",
        Status.SENT,
        lost.purpose,
    )
    assert [email.body for email in mailoutbox] == ["The text"]


def test_message_log_shows_per_channel_figures_and_sms_cost(organizer_client, settings):
    settings.SMS_COST_PER_PART = 0.05
    forum = ForumFactory()
    MessageFactory(forum=forum, status=Status.SENT, sms_parts=2, receipt=Message.Receipt.DELIVERED)
    MessageFactory(forum=forum, status=Status.SENT, sms_parts=1, receipt=Message.Receipt.UNDELIVERED)
    MessageFactory(forum=forum, status=Status.FAILED, channel=Message.Channel.EMAIL, to_email="a@example.org")
    response = organizer_client.get(reverse("notifications:message_log", kwargs={"slug": forum.slug}))
    sms, email = response.context["channels"][1], response.context["channels"][0]
    assert (sms["sent"], sms["delivered"], sms["undelivered"], sms["parts"], sms["cost"]) == (2, 1, 1, 3, 0.15)
    assert (email["failed"], email["sent"]) == (1, 0)
    assert "0.15 USD" in response.text
