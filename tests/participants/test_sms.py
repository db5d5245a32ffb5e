import pytest

from notifications.models import Message
from participants.models import Registration
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret"


@pytest.fixture(autouse=True)
def _gateway_secret(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET


def _inbound(client, *, sender, text):
    return client.post(
        "/hooks/sms/inbound/", {"from": sender, "text": text}, headers={"X-Webhook-Secret": SECRET}
    ).json()


def test_reference_code_texted_from_the_registered_phone_gets_its_status(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(preferred_language="km", status=Registration.Status.WAITING)
    typed = f"{registration.code[:5].lower()}-{registration.code[5:]}"
    with django_capture_on_commit_callbacks(execute=True):
        assert _inbound(client, sender=registration.phone, text=typed)["outcome"] == "handled"
    reply = Message.objects.get()
    assert (reply.purpose, reply.to_phone, reply.language) == ("registration_status", registration.phone, "km")
    assert reply.body == f"{registration.code}៖ បញ្ជីរង់ចាំ សម្រាប់ {registration.forum.title}។"


def test_reference_code_from_another_phone_tells_nothing(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert _inbound(client, sender="+85599111222", text=registration.code)["outcome"] == "help"
    assert list(Message.objects.values_list("purpose", flat=True)) == ["sms_help"]
