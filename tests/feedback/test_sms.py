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
