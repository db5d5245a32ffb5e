"""Check-in with no connection: the roster a device keeps, the queue it sends, badges reprinted, shared phones."""

import json
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from events.models import Province
from participants import services
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, form_data

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _url(name, forum, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": forum.slug, **kwargs})


def _sync(client, forum, item):
    return client.post(_url("check_in_sync", forum), json.dumps(item), content_type="application/json")


def _check_in(code, *, client_id=None, at=None):
    return {
        "id": str(client_id or uuid.uuid4()),
        "kind": "check_in",
        "code": code,
        "at": at or timezone.now().isoformat(),
    }


def _walk_in(*, client_id=None, **fields):
    data = {f"walkin-{name}": value for name, value in form_data(**fields).items()}
    return {"id": str(client_id or uuid.uuid4()), "kind": "walk_in", "at": timezone.now().isoformat(), "fields": data}


# The roster ----------------------------------------------------------------------------------------------


def test_roster_holds_code_name_and_status_only_and_is_audited(organizer_client, organizer):
    forum = ForumFactory()
    confirmed = RegistrationFactory(forum=forum, full_name="Chan Dara")
    checked_in = RegistrationFactory(forum=forum, full_name="Keo Mealea", checked_in_at=timezone.now())
    cancelled = RegistrationFactory(forum=forum, full_name="Sok Pisey", status=Status.CANCELLED)
    RegistrationFactory(full_name="Elsewhere")

    response = organizer_client.get(_url("check_in_roster", forum))

    data = response.json()
    assert data["registrations"] == [
        {"code": confirmed.code, "name": "Chan Dara", "status": "confirmed"},
        {"code": checked_in.code, "name": "Keo Mealea", "status": "checked_in"},
        {"code": cancelled.code, "name": "Sok Pisey", "status": "cancelled"},
    ]
    assert (data["counters"]["checked_in"], data["counters"]["confirmed"]) == (1, 2)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_ref) == (organizer, AuditEvent.Action.VIEW_CHECK_IN, forum.slug)


@pytest.mark.parametrize("count", [1, 25])
def test_roster_runs_constant_queries(organizer_client, django_assert_num_queries, count):
    forum = ForumFactory()
    RegistrationFactory.create_batch(count, forum=forum)

    # session, user, permissions (2), forum, roster, seat counts, audit event
    with django_assert_num_queries(8):
        response = organizer_client.get(_url("check_in_roster", forum))

    assert len(response.json()["registrations"]) == count


def test_roster_is_refused_to_people_without_the_check_in_permission(client, user_without_role):
    forum = ForumFactory()
    RegistrationFactory(forum=forum)
    client.force_login(user_without_role)

    assert client.get(_url("check_in_roster", forum)).status_code == 403
    assert client.post(_url("check_in_sync", forum), "{}", content_type="application/json").status_code == 403


# Sending the queue ---------------------------------------------------------------------------------------


def test_sync_check_in_applies_once_with_the_device_time(organizer_client, organizer):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Chan Dara")
    at = (timezone.now() - timedelta(minutes=20)).replace(microsecond=0)
    item = _check_in(registration.code, at=at.isoformat())

    first = _sync(organizer_client, forum, item)
    again = _sync(organizer_client, forum, item)

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["code"] == again.json()["code"] == registration.code
    assert first.json()["counters"]["checked_in"] == 1
    registration.refresh_from_db()
    assert (registration.checked_in_at, registration.checked_in_by) == (at, organizer)
    assert registration.check_in_client_id == uuid.UUID(item["id"])


def test_sync_check_in_from_a_second_device_is_a_conflict(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Chan Dara")
    first = _check_in(registration.code)

    _sync(organizer_client, forum, first)
    response = _sync(organizer_client, forum, _check_in(registration.code))

    assert response.status_code == 409
    assert response.json()["conflict"] == "already_checked_in"
    assert "Chan Dara was already checked in at" in response.json()["message"]
    registration.refresh_from_db()
    assert registration.check_in_client_id == uuid.UUID(first["id"])


@pytest.mark.parametrize(("status", "conflict"), [(Status.CANCELLED, "cancelled"), (Status.WAITING, "waiting")])
def test_sync_check_in_of_a_cancelled_or_waiting_registration_is_a_conflict(organizer_client, status, conflict):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, status=status)

    response = _sync(organizer_client, forum, _check_in(registration.code))

    assert (response.status_code, response.json()["conflict"]) == (409, conflict)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_sync_answers_404_for_another_forums_code_or_id(organizer_client):
    forum, other = ForumFactory(), ForumFactory()
    elsewhere = RegistrationFactory(forum=other)
    applied_elsewhere = _check_in(elsewhere.code)
    _sync(organizer_client, other, applied_elsewhere)

    by_code = _sync(organizer_client, forum, _check_in(elsewhere.code))
    by_id = _sync(organizer_client, forum, {**applied_elsewhere, "code": RegistrationFactory(forum=forum).code})

    assert (by_code.status_code, by_id.status_code) == (404, 404)
    assert Registration.objects.filter(forum=forum, checked_in_at__isnull=False).count() == 0


@pytest.mark.parametrize("body", ["not json", "{}", '{"id": "not-a-uuid", "code": "X"}', "[]"])
def test_sync_refuses_an_unreadable_item(organizer_client, body):
    forum = ForumFactory()

    response = organizer_client.post(_url("check_in_sync", forum), body, content_type="application/json")

    assert (response.status_code, response.json()["ok"]) == (400, False)


def test_sync_keeps_the_server_time_when_the_device_clock_is_ahead(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum)
    before = timezone.now()

    _sync(organizer_client, forum, _check_in(registration.code, at=(before + timedelta(days=1)).isoformat()))

    registration.refresh_from_db()
    assert before <= registration.checked_in_at <= timezone.now()


def test_sync_walk_in_is_registered_once(organizer_client, organizer):
    forum = ForumFactory()
    item = _walk_in(full_name="Walk In", phone="012 999 888")

    first = _sync(organizer_client, forum, item)
    again = _sync(organizer_client, forum, item)

    walk_in = Registration.objects.get(forum=forum)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["code"] == again.json()["code"] == walk_in.code
    assert (walk_in.full_name, walk_in.is_walk_in, walk_in.status) == ("Walk In", True, Status.CONFIRMED)
    assert (walk_in.checked_in_by, walk_in.check_in_client_id) == (organizer, uuid.UUID(item["id"]))
    assert walk_in.checked_in_at is not None


def test_sync_walk_in_matching_a_registration_is_a_conflict(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="Chan Dara", phone="+85512999888")

    response = _sync(organizer_client, forum, _walk_in(full_name="Dara Chan", phone="012 999 888"))

    assert (response.status_code, response.json()["conflict"]) == (409, "duplicate")
    assert "Chan Dara" in response.json()["message"]
    assert Registration.objects.filter(forum=forum).count() == 1


def test_sync_walk_in_sharing_a_phone_with_a_note_is_registered(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="Chan Dara", phone="+85512999888")

    item = _walk_in(full_name="Chan Sreymom", phone="012 999 888", shared_phone_note="Her husband Chan Dara's phone")
    response = _sync(organizer_client, forum, item)

    assert response.status_code == 200
    walk_in = Registration.objects.get(full_name="Chan Sreymom")
    assert (walk_in.phone, walk_in.shared_phone_note) == ("+85512999888", "Her husband Chan Dara's phone")


def test_sync_walk_in_with_missing_fields_is_refused(organizer_client):
    forum = ForumFactory()

    response = _sync(organizer_client, forum, _walk_in(full_name=""))

    assert (response.status_code, response.json()["conflict"]) == (400, "invalid")
    assert not Registration.objects.filter(forum=forum).exists()


# Badges --------------------------------------------------------------------------------------------------


def test_badge_reprint_records_the_print_without_a_second_check_in(organizer_client):
    forum = ForumFactory()
    checked_in_at = timezone.now() - timedelta(hours=1)
    registration = RegistrationFactory(forum=forum, full_name="Chan Dara", checked_in_at=checked_in_at)

    response = organizer_client.post(_url("badge_reprint", forum, pk=registration.pk))
    page = organizer_client.get(_url("check_in", forum), {"q": "Chan Dara"})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    registration.refresh_from_db()
    assert registration.checked_in_at == checked_in_at
    assert registration.badge_printed_at is not None
    assert "Badge printed at" in page.content.decode()


def test_badge_reprint_of_another_forums_registration_is_404(organizer_client):
    forum = ForumFactory()
    elsewhere = RegistrationFactory()

    response = organizer_client.post(_url("badge_reprint", forum, pk=elsewhere.pk))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.badge_printed_at is None


# Two people, one phone -----------------------------------------------------------------------------------


def test_walk_in_sharing_a_phone_needs_a_note(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, phone="+85512345678")
    url = reverse("participants:walk_in", kwargs={"slug": forum.slug})

    refused = organizer_client.post(url, form_data(full_name="Without Note"))
    accepted = organizer_client.post(url, form_data(full_name="With Note", shared_phone_note="Sister's phone"))

    assert refused.status_code == 400
    assert accepted.status_code == 302
    walk_in = Registration.objects.get(full_name="With Note")
    assert (walk_in.phone, walk_in.is_walk_in, walk_in.shared_phone_note) == ("+85512345678", True, "Sister's phone")
    assert not Registration.objects.filter(full_name="Without Note").exists()


def test_public_form_still_refuses_a_shared_phone(client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, phone="+85512345678")

    response = client.post(
        reverse("participants:register", kwargs={"slug": forum.slug}),
        form_data(full_name="Public", shared_phone_note="Sister's phone"),
    )

    assert response.status_code == 409
    assert not Registration.objects.filter(full_name="Public").exists()


def test_database_keeps_phones_unique_except_for_noted_walk_ins():
    forum = ForumFactory()
    RegistrationFactory(forum=forum, phone="+85512345678")
    province = Province.objects.get(name_en="Svay Rieng")

    RegistrationFactory(
        forum=forum, phone="+85512345678", is_walk_in=True, shared_phone_note="Shared", province=province
    )
    with pytest.raises(IntegrityError):
        Registration.objects.create(
            forum=forum,
            code="ZZZZZZZZZZ",
            full_name="Not a walk-in",
            phone="+85512345678",
            gender="woman",
            age_group="25_34",
            role="workers_rep",
            sector="garment",
            province=province,
            shared_phone_note="Shared",
        )


def test_services_refuse_a_duplicate_walk_in_without_a_note():
    forum = ForumFactory()
    RegistrationFactory(forum=forum, phone="+85512345678")
    data = {
        **form_data(phone="+85512345678", nssf_member=False),
        "province": Province.objects.get(name_en="Prey Veng"),
        "district": None,
    }

    with pytest.raises(services.DuplicateRegistrationError):
        services.registration_create(forum=forum, data=data, walk_in=True)


# Installing the page, leaving the device --------------------------------------------------------------------


def test_service_worker_and_manifest_are_served_under_the_check_in_page(organizer_client):
    forum = ForumFactory()
    check_in = _url("check_in", forum)

    worker = organizer_client.get(_url("check_in_sw", forum))
    manifest = organizer_client.get(_url("check_in_manifest", forum))
    page = organizer_client.get(check_in)

    assert worker["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("fetch"' in worker.content
    assert worker.request["PATH_INFO"].startswith(check_in)
    assert (manifest.json()["scope"], manifest.json()["start_url"]) == (check_in, check_in)
    assert 'rel="manifest"' in page.content.decode()
    assert "<script>" not in page.content.decode()


def test_logging_out_clears_what_the_device_stored(organizer_client):
    response = organizer_client.post(reverse("account_logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'
