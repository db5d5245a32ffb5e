import pytest

from feedback.models import Concern
from notifications.models import Message
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret"


@pytest.fixture(autouse=True)
def _gateway_secret(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET


def test_tracking_code_texted_gets_the_concerns_status(client, django_capture_on_commit_callbacks):
    concern = ConcernFactory(status=Concern.Status.UNDER_REVIEW, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/hooks/sms/inbound/",
            {"from": "+85598765432", "text": concern.display_code.lower()},
            headers={"X-Webhook-Secret": SECRET},
        )
    assert response.json()["outcome"] == "handled"
    reply = Message.objects.get()
    assert (reply.purpose, reply.to_phone, reply.status) == ("concern_status", "+85598765432", Message.Status.SENT)
    assert reply.body.startswith(f"Concern {concern.display_code}: Under review.")


def test_a_concern_texted_by_sms_is_recorded_and_the_code_sent_back(client, django_capture_on_commit_callbacks):
    text = "ក្រុមហ៊ុនមិនបានបង់ភាគទាន ប.ស.ស. ឱ្យខ្ញុំទេ"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/hooks/sms/inbound/", {"from": "012 345 678", "text": text}, headers={"X-Webhook-Secret": SECRET}
        )
    assert response.json()["outcome"] == "handled"
    concern = Concern.objects.get()
    assert (concern.channel, concern.description, concern.contact_phone, concern.language) == (
        Concern.Channel.SMS,
        text,
        "+85512345678",
        "km",
    )
    reply = Message.objects.get(purpose="concern_received")
    assert concern.display_code in reply.body
    assert reply.sms_parts <= 2


def test_a_short_or_code_shaped_text_is_not_made_a_concern(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("hi", "ACDEF-GHJKM"):
            client.post(
                "/hooks/sms/inbound/", {"from": "012345678", "text": text}, headers={"X-Webhook-Secret": SECRET}
            )
    assert not Concern.objects.exists()
    assert list(Message.objects.values_list("purpose", flat=True)) == ["sms_help", "sms_help"]


def test_erasing_a_sms_concerns_contact_erases_the_replies_sent_to_that_number(
    client, django_capture_on_commit_callbacks
):
    from feedback.retention import concern_contact_erase

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/hooks/sms/inbound/",
            {"from": "012 345 678", "text": "My employer does not pay NSSF contributions."},
            headers={"X-Webhook-Secret": SECRET},
        )
    concern = Concern.objects.get()
    concern_contact_erase(concern=concern, actor=None, reason="person_request")
    reply = Message.objects.get(purpose="concern_received")
    assert (reply.to_phone, reply.body) == ("erased", "")
