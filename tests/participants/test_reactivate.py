"""Undoing a cancellation: the seat back when one is free, else first on the waiting list; the person is told once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Message
from participants import selectors, services
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.markers import requires_postgresql
from tests.participants.factories import RegistrationFactory

Status = Registration.Status

pytestmark = pytest.mark.django_db


def _cancelled(forum, **extra):
    registration = RegistrationFactory(forum=forum, **extra)
    services.registration_cancel(registration=registration)
    registration.refresh_from_db()
    return registration


def test_reactivate_with_a_free_seat_confirms_again(django_capture_on_commit_callbacks):
    forum = ForumFactory(capacity=2)
    registration = _cancelled(forum, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        reactivated = services.registration_reactivate(registration=registration)

    registration.refresh_from_db()
    assert (registration.status, registration.cancelled_at, registration.waiting_first) == (
        Status.CONFIRMED,
        None,
        False,
    )
    assert reactivated.status == Status.CONFIRMED
    message = Message.objects.get(purpose="registration_reactivated")
    assert (message.language, message.to_phone) == ("en", registration.phone)
    assert "your seat is kept" in message.body


def test_reactivate_when_full_puts_the_person_first_on_the_waiting_list():
    forum = ForumFactory(capacity=1)
    registration = _cancelled(forum)
    RegistrationFactory(forum=forum)  # took the seat meanwhile
    earlier = RegistrationFactory(forum=forum, status=Status.WAITING)

    services.registration_reactivate(registration=registration)

    registration.refresh_from_db()
    earlier.refresh_from_db()
    assert (registration.status, registration.waiting_first) == (Status.WAITING, True)
    assert selectors.registration_waiting_position(registration=registration) == 1
    assert selectors.registration_waiting_position(registration=earlier) == 2
    message = Message.objects.get(purpose="registration_reactivated_waiting")
    assert message.context["position"] == 1


def test_reactivated_person_is_promoted_before_those_who_waited_longer():
    forum = ForumFactory(capacity=1)
    registration = _cancelled(forum)
    seated = RegistrationFactory(forum=forum)
    earlier = RegistrationFactory(forum=forum, status=Status.WAITING)
    services.registration_reactivate(registration=registration)

    promoted = services.registration_cancel(registration=seated)

    earlier.refresh_from_db()
    assert promoted.pk == registration.pk
    assert Registration.objects.get(pk=registration.pk).waiting_first is False
    assert earlier.status == Status.WAITING


def test_reactivation_message_is_queued_once_per_undone_cancellation():
    forum = ForumFactory(capacity=5)
    registration = _cancelled(forum)

    services.registration_reactivate(registration=registration)
    with pytest.raises(ValidationError):
        services.registration_reactivate(registration=registration)  # twice: nothing more happens
    assert Message.objects.filter(purpose="registration_reactivated").count() == 1

    # Cancelled and reactivated again: each step is told once more.
    services.registration_cancel(registration=registration)
    services.registration_reactivate(registration=registration)
    assert Message.objects.filter(purpose="registration_cancelled").count() == 2
    assert Message.objects.filter(purpose="registration_reactivated").count() == 2


def test_reactivate_refuses_a_phone_registered_again_since():
    forum = ForumFactory()
    registration = _cancelled(forum)
    RegistrationFactory(forum=forum, phone=registration.phone)

    with pytest.raises(services.DuplicateRegistrationError):
        services.registration_reactivate(registration=registration)

    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert not Message.objects.filter(purpose__startswith="registration_reactivated").exists()


def test_organizer_cancels_and_reactivates_with_a_question_each_way(organizer_client):
    forum = ForumFactory(capacity=3)
    registration = RegistrationFactory(forum=forum, full_name="Heng Dara")
    cancel = reverse("participants:cancel", kwargs={"slug": forum.slug, "pk": registration.pk})
    reactivate = reverse("participants:reactivate", kwargs={"slug": forum.slug, "pk": registration.pk})

    asked = organizer_client.get(cancel)
    organizer_client.post(cancel, {"confirm": "yes"})
    asked_back = organizer_client.get(reactivate)
    unconfirmed = organizer_client.post(reactivate)
    still = Registration.objects.get(pk=registration.pk).status
    done = organizer_client.post(reactivate, {"confirm": "yes"}, follow=True)

    assert "Cancel the registration of Heng Dara?" in asked.text
    # The questions show the person's details: each view is in the audit trail.
    viewed = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_REGISTRATION, object_ref=str(registration.pk))
    assert viewed.count() == 2
    assert "Reactivate the registration of Heng Dara?" in asked_back.text
    assert "A seat is free" in asked_back.text
    assert unconfirmed.status_code == 302
    assert still == Status.CANCELLED
    assert "Heng Dara has a seat again." in done.text
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_reactivate_of_another_forums_registration_is_404(organizer_client):
    registration = _cancelled(ForumFactory())
    url = reverse("participants:reactivate", kwargs={"slug": ForumFactory().slug, "pk": registration.pk})

    assert organizer_client.post(url, {"confirm": "yes"}).status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED


@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reactivations_at_once_do_not_both_take_the_last_seat():
    forum = ForumFactory(capacity=1)
    first, second = _cancelled(forum), _cancelled(forum)
    start = threading.Barrier(2)

    def reactivate(registration):
        try:
            start.wait(timeout=30)
            return services.registration_reactivate(registration=registration).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(reactivate, [first, second]))

    assert statuses == [Status.CONFIRMED, Status.WAITING]
    assert Registration.objects.filter(forum=forum, status=Status.CONFIRMED).count() == 1
