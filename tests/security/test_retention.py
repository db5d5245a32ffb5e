"""Personal data kept only as long as the privacy notices promise; every figure unchanged after erasure."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from events.models import Province
from feedback import selectors as feedback_selectors
from feedback.models import Concern, ConcernEvent
from feedback.tasks import concern_contacts_erase_expired
from notifications.models import Message
from participants import selectors as participant_selectors
from participants import services
from participants.models import Registration
from participants.tasks import registrations_anonymise_expired
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory, registration_data

pytestmark = pytest.mark.django_db

PEOPLE = ["gender", "age_group", "disability", "role", "sector", "province", "district", "status"]
CONCERN_FACTS = [
    "category",
    "gender",
    "age_group",
    "sector",
    "role",
    "disability",
    "province",
    "channel",
    "status",
    "forum",
]


def _registration_figures(forum):
    registrations = Registration.objects.filter(forum=forum)
    figures = {
        field: sorted(registrations.values(field).annotate(n=Count("pk")).values_list(field, "n"), key=str)
        for field in PEOPLE
    }
    figures["checked_in"] = registrations.filter(checked_in_at__isnull=False).count()
    figures["seats"] = participant_selectors.forum_seat_counts(forum=forum)
    figures["totals"] = participant_selectors.registration_totals(queryset=registrations)
    figures["targets"] = participant_selectors.seat_target_progress(forum=forum)
    return figures


def _concern_figures():
    concerns = Concern.objects.all()
    figures = {
        field: sorted(concerns.values(field).annotate(n=Count("pk")).values_list(field, "n"), key=str)
        for field in CONCERN_FACTS
    }
    figures["accountability"] = feedback_selectors.accountability_figures(concerns=concerns)
    return figures


def _varied_registrations(forum, django_capture_on_commit_callbacks):
    kampot = Province.objects.get(name_en="Kampot")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(
            forum=forum,
            data=registration_data(
                full_name="Sreypov Chhim",
                phone="+85512987654",
                email="sreypov@example.org",
                reminder_channel="email",
                organisation="Garment workers' union",
                nssf_member=True,
                nssf_number="NSSF-1234",
                support_needs=["childcare"],
            ),
        )
    others = [
        RegistrationFactory(forum=forum, gender="man", age_group="18_24", role="employer", province=kampot),
        RegistrationFactory(forum=forum, disability="yes", sector="construction", checked_in_at=timezone.now()),
        RegistrationFactory(forum=forum, status=Registration.Status.WAITING, email="waiting@example.org"),
    ]
    return [first, *others]


def test_registrations_erased_a_year_after_their_forum_with_every_figure_unchanged(
    django_capture_on_commit_callbacks,
):
    forum = ForumFactory(capacity=3)
    later_forum = ForumFactory(starts_at=timezone.now() + timedelta(days=400))
    services.seat_target_save(forum=forum, dimension="gender", value="woman", minimum=50, unit="percent")
    registrations = _varied_registrations(forum, django_capture_on_commit_callbacks)
    untouched = RegistrationFactory(forum=later_forum, full_name="Dara Kim")
    assert Message.objects.filter(to_email="sreypov@example.org").exists()
    before = _registration_figures(forum)
    months = settings.PRIVACY_REGISTRATION_RETENTION_MONTHS

    with time_machine.travel(forum.ends_at + timedelta(days=30 * months - 10)):
        assert registrations_anonymise_expired.delay().get() == 0
    assert Registration.objects.get(pk=registrations[0].pk).full_name == "Sreypov Chhim"

    with time_machine.travel(forum.ends_at + timedelta(days=31 * months + 1)):
        assert registrations_anonymise_expired.delay().get() == 4
        assert registrations_anonymise_expired.delay().get() == 0  # idempotent

    for registration in Registration.objects.filter(forum=forum):
        assert (registration.full_name, registration.phone, registration.email) == ("", "", "")
        assert (registration.nssf_number, registration.organisation, registration.support_needs) == ("", "", [])
        assert registration.anonymised_at is not None
    assert _registration_figures(forum) == before
    assert Registration.objects.get(pk=untouched.pk).full_name == "Dara Kim"
    message = Message.objects.get(context__registration_id=registrations[0].pk)
    assert (message.to_email, message.recipient_name, message.body) == ("erased@erased.invalid", "", "")
    assert not Message.objects.filter(body__contains="Sreypov").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASE)
    assert (event.actor, event.object_ref, event.detail) == (None, forum.slug, "retention: 4 registrations")


def _closed(**kwargs):
    return ConcernFactory(
        status=Concern.Status.CLOSED, closing_reason=Concern.ClosingReason.RESOLVED, closed_at=timezone.now(), **kwargs
    )


def test_concern_contacts_erased_after_the_retention_period_with_figures_unchanged(private_media, png_bytes):
    from django.core.files.base import ContentFile

    identifying = _closed(description="My employer in Bavet withheld my pay.", resolution_comment="Still waiting")
    identifying.attachment.save("payslip.png", ContentFile(png_bytes))
    identifying.save()
    ConcernEvent.objects.create(concern=identifying, kind=ConcernEvent.Kind.NOTE, text="Called Srey Leak back")
    anonymous = _closed(
        anonymous=True, contact_name="", contact_phone="", consent_to_contact=False, description="Clinic refused cards."
    )
    published = _closed(
        description="The hospital asked for money.", public_response="Refunded.", response_publishable=True
    )
    still_open = ConcernFactory()
    before = _concern_figures()
    months = settings.PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS

    with time_machine.travel(timezone.now() + timedelta(days=30 * months - 10)):
        assert concern_contacts_erase_expired.delay().get() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31 * months + 1)):
        assert concern_contacts_erase_expired.delay().get() == 3
        assert concern_contacts_erase_expired.delay().get() == 0

    identifying.refresh_from_db()
    assert (identifying.contact_name, identifying.contact_phone, identifying.consent_to_contact) == ("", "", False)
    assert (identifying.description, identifying.resolution_comment, identifying.attachment.name) == ("", "", "")
    assert not list(private_media.rglob("*.png"))
    assert ConcernEvent.objects.get(kind=ConcernEvent.Kind.NOTE).text == ""
    assert Concern.objects.get(pk=anonymous.pk).description == "Clinic refused cards."
    assert Concern.objects.get(pk=published.pk).description == "The hospital asked for money."
    assert Concern.objects.get(pk=published.pk).contact_name == ""
    assert Concern.objects.get(pk=still_open.pk).contact_name == "Srey Leak"
    assert _concern_figures() == before
    assert set(AuditEvent.objects.values_list("object_ref", "detail")) == {
        (c.tracking_code, "retention") for c in (identifying, anonymous, published)
    }


def test_participant_deletes_their_details_through_the_link(client):
    forum = ForumFactory(capacity=1)
    mine = RegistrationFactory(forum=forum, full_name="Sreypov Chhim", email="sreypov@example.org")
    waiting = RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    url = reverse("participants:self_erase", kwargs={"token": services.registration_token(registration=mine)})

    page = client.get(url)
    unconfirmed = client.post(url, {})
    done = client.post(url, {"confirm": "on"})

    assert page.status_code == 200 and "Delete my details" in page.content.decode()
    assert unconfirmed.status_code == 400
    assert done.status_code == 200 and "Your details are deleted" in done.content.decode()
    mine.refresh_from_db()
    assert (mine.status, mine.full_name, mine.phone, mine.email) == (Registration.Status.CANCELLED, "", "", "")
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.CONFIRMED
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_ref, event.detail) == (None, "erase", str(mine.pk), "self_service")


def test_staff_erase_a_concern_contact_on_request_with_a_reason(staff_client, nssf_staff):
    concern = ConcernFactory(description="My employer in Bavet withheld my pay.")
    url = reverse("feedback:concern_erase", kwargs={"code": concern.tracking_code})

    form = staff_client.get(url)
    refused = staff_client.post(url, {"reason": "because"})
    response = staff_client.post(url, {"reason": "person_request"}, follow=True)

    assert form.status_code == 200 and refused.status_code == 400
    assert "were erased" in response.content.decode()
    concern.refresh_from_db()
    assert (concern.contact_name, concern.contact_phone, concern.description) == ("", "", "")
    assert concern.status == Concern.Status.NEW
    event = AuditEvent.objects.get(action="erase")
    assert (event.actor, event.object_ref, event.detail) == (nssf_staff, concern.tracking_code, "person_request")


def test_administrator_erases_but_cannot_delete_a_concern(client, administrator):
    concern = ConcernFactory()
    client.force_login(administrator)

    deleted = client.post(reverse("admin:feedback_concern_delete", args=[concern.pk]), {"post": "yes"})
    client.post(reverse("feedback:concern_erase", kwargs={"code": concern.tracking_code}), {"reason": "person_request"})

    assert deleted.status_code == 403
    concern.refresh_from_db()
    assert concern.contact_name == "" and concern.contact_erased_at is not None


def test_privacy_notices_read_the_retention_settings(client, settings):
    settings.PRIVACY_REGISTRATION_RETENTION_MONTHS = 18
    settings.PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS = 6
    forum = ForumFactory()

    registration_page = client.get(reverse("participants:register", kwargs={"slug": forum.slug})).content.decode()
    concern_page = client.get(reverse("feedback:concern_create")).content.decode()

    assert "How long: until 18 months after the forum." in registration_page
    assert "6 months after your concern is closed" in concern_page


def test_retention_tasks_run_daily():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks["participants.registrations_anonymise_expired"] == 24 * 3600
    assert tasks["feedback.concern_contacts_erase_expired"] == 24 * 3600


def test_erasing_a_registration_forgets_its_telegram_link_unless_another_registration_uses_the_phone():
    from notifications.models import TelegramChat
    from participants.retention import registration_erase

    alone = RegistrationFactory(phone="+85512000001", reminder_channel="telegram")
    shared = RegistrationFactory(phone="+85512000002")
    RegistrationFactory(phone="+85512000002")  # the same person at another forum
    TelegramChat.objects.create(phone="+85512000001", chat_id="1")
    TelegramChat.objects.create(phone="+85512000002", chat_id="2")

    registration_erase(registration=alone, reason="self_service")
    registration_erase(registration=shared, reason="self_service")

    assert list(TelegramChat.objects.values_list("chat_id", flat=True)) == ["2"]


def test_an_erased_registration_is_labelled_in_the_organizers_list(organizer_client):
    from participants.retention import registration_erase

    registration = RegistrationFactory(full_name="Dara Sok")
    registration_erase(registration=registration, reason="self_service")
    page = organizer_client.get(reverse("participants:manage_list", kwargs={"slug": registration.forum.slug}))
    assert "(details erased)" in page.content.decode()
    assert "Dara Sok" not in page.content.decode()


def test_an_organizer_deletes_a_persons_details_on_request_after_confirming(organizer_client, organizer):
    forum = ForumFactory(capacity=1)
    registration = RegistrationFactory(forum=forum, full_name="Chanthy Meas")
    waiting = RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    url = reverse("participants:erase", kwargs={"slug": forum.slug, "pk": registration.pk})

    page = organizer_client.get(url)
    unconfirmed = organizer_client.post(url, {"reason": "person_request"})
    done = organizer_client.post(url, {"reason": "person_request", "confirm": "on"}, follow=True)

    assert "Delete the details of Chanthy Meas" in page.content.decode()
    assert unconfirmed.status_code == 400
    assert "The details of Chanthy Meas were deleted." in done.content.decode()
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone, registration.status) == ("", "", Registration.Status.CANCELLED)
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.CONFIRMED
    event = AuditEvent.objects.get(action="erase")
    assert (event.actor, event.object_ref, event.detail) == (organizer, str(registration.pk), "person_request")
