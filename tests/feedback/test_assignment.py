"""A staff member gets a message, in their own language, when a concern is assigned to them."""

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Concern, ConcernEvent
from notifications.models import Message
from notifications.rendering import message_render
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


@pytest.mark.parametrize(("language", "words"), [("km", "ប្រគល់"), ("en", "assigned to you")])
def test_the_assignee_is_told_in_their_own_language(nssf_staff, nssf_supervisor, language, words):
    nssf_staff.language = language
    nssf_staff.save()
    concern = ConcernFactory(category=Concern.Category.PENSION)
    services.concern_assign(concern=concern, assignee=nssf_staff, actor=nssf_supervisor)
    message = Message.objects.get(purpose="concern_assigned")
    assert (message.to_email, message.language, message.channel) == (nssf_staff.email, language, "email")
    assert message.context["concern_url"].endswith(reverse("feedback:concern_detail", args=[concern.tracking_code])[3:])
    assert f"/{language}/" in message.context["concern_url"]
    subject, text, _html = message_render(message)
    assert words in subject + text
    assert concern.display_code in subject
    assert (message.context["category"] == "Old-age pension") == (language == "en")


def test_taking_a_concern_oneself_sends_nothing(nssf_staff):
    services.concern_assign(concern=ConcernFactory(), assignee=nssf_staff, actor=nssf_staff)
    assert not Message.objects.filter(purpose="concern_assigned").exists()


def test_saving_the_same_assignee_again_sends_nothing_more(nssf_staff, nssf_supervisor):
    concern = ConcernFactory()
    services.concern_assign(concern=concern, assignee=nssf_staff, actor=nssf_supervisor)
    services.concern_assign(concern=concern, assignee=nssf_staff, actor=nssf_supervisor)
    assert Message.objects.filter(purpose="concern_assigned").count() == 1


def test_unassigning_sends_nothing(nssf_staff, nssf_supervisor):
    concern = ConcernFactory(assignee=nssf_staff)
    services.concern_assign(concern=concern, assignee=None, actor=nssf_supervisor)
    assert not Message.objects.filter(purpose="concern_assigned").exists()


def test_assigning_through_the_one_form_tells_the_assignee(client, nssf_staff, nssf_supervisor):
    concern = ConcernFactory()
    client.force_login(nssf_supervisor)
    response = client.post(
        concern.get_absolute_url(),
        {"status": Status.NEW, "category": concern.category, "assignee": nssf_staff.pk, "priority": 2},
    )
    assert response.status_code == 302
    assert Message.objects.get(purpose="concern_assigned").to_email == nssf_staff.email
    assert concern.events.filter(kind=ConcernEvent.Kind.ASSIGNED).count() == 1
