"""Every view and export of personal data leaves an audit event; supervisors read the trail in the portal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.middleware import AUDITED_VIEWS
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.mark.parametrize(
    ("url_name", "action", "detail"),
    [
        ("participants:manage_list", Action.VIEW_PARTICIPANTS, ""),
        ("participants:check_in", Action.VIEW_CHECK_IN, ""),
        ("participants:walk_in", Action.VIEW_CHECK_IN, ""),
        ("participants:check_in_roster", Action.VIEW_CHECK_IN, ""),
        ("participants:export_csv", Action.EXPORT, "participants:export_csv"),
        ("participants:export_xlsx", Action.EXPORT, "participants:export_xlsx"),
        ("participants:sign_in_sheet", Action.EXPORT, "participants:sign_in_sheet"),
        ("participants:badges", Action.EXPORT, "participants:badges"),
        ("participants:certificates", Action.EXPORT, "participants:certificates"),
        ("participants:evaluation_results", Action.VIEW_PARTICIPANTS, "participants:evaluation_results"),
    ],
)
def test_forum_pages_with_personal_data_are_audited(organizer_client, organizer, url_name, action, detail):
    registration = RegistrationFactory()
    forum = registration.forum

    response = organizer_client.get(reverse(url_name, kwargs={"slug": forum.slug}))
    assert response.status_code == 200 and response.getvalue()

    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_ref) == (organizer, action, "forum", forum.slug)
    assert event.detail == (detail or url_name)


def test_registration_edit_page_is_audited(organizer_client, organizer):
    registration = RegistrationFactory()

    organizer_client.get(reverse("participants:edit", kwargs={"slug": registration.forum.slug, "pk": registration.pk}))

    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_ref) == (
        Action.VIEW_REGISTRATION,
        "registration",
        str(registration.pk),
    )


def test_concern_contact_view_is_audited(staff_client, nssf_staff):
    concern = ConcernFactory()

    staff_client.get(reverse("feedback:concern_contact", kwargs={"code": concern.tracking_code}))

    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_ref) == (nssf_staff, Action.VIEW_CONTACT, concern.tracking_code)


@pytest.mark.parametrize("model", ["feedback_concern", "participants_registration"])
def test_admin_views_of_concerns_and_registrations_are_audited(client, administrator, model):
    obj = ConcernFactory() if model == "feedback_concern" else RegistrationFactory()
    client.force_login(administrator)

    client.get(reverse(f"admin:{model}_changelist"))
    client.get(reverse(f"admin:{model}_change", args=[obj.pk]))

    events = list(AuditEvent.objects.order_by("pk").values_list("action", "object_ref"))
    assert events == [(Action.ADMIN_VIEW, ""), (Action.ADMIN_VIEW, str(obj.pk))]


def test_refused_requests_are_not_audited(client, user_without_role):
    registration = RegistrationFactory()
    client.force_login(user_without_role)

    response = client.get(reverse("participants:export_csv", kwargs={"slug": registration.forum.slug}))

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_every_audited_view_exists():
    from django.urls import get_resolver

    names = set()
    for namespace, (_prefix, sub) in get_resolver().namespace_dict.items():
        names |= {f"{namespace}:{key}" for key in sub.reverse_dict if isinstance(key, str)}
    assert set(AUDITED_VIEWS) <= names, set(AUDITED_VIEWS) - names


def test_supervisor_reads_and_filters_the_trail(client, nssf_supervisor, organizer):
    forum_event = AuditEvent.objects.create(
        actor=organizer, action=Action.EXPORT, object_type="forum", object_ref="kep-2026"
    )
    AuditEvent.objects.create(
        actor=nssf_supervisor, action=Action.VIEW_CONTACT, object_type="concern", object_ref="AB12CD34"
    )
    client.force_login(nssf_supervisor)

    everything = client.get(reverse("audit:trail"))
    exports = client.get(reverse("audit:trail"), {"action": "export", "actor": organizer.pk})
    by_object = client.get(reverse("audit:trail"), {"object_ref": "ab12cd34"})
    today = timezone.localdate().isoformat()
    by_date = client.get(reverse("audit:trail"), {"since": today, "until": today})
    none = client.get(reverse("audit:trail"), {"until": "2000-01-01"})

    assert len(everything.context["events"]) == 2
    assert list(exports.context["events"]) == [forum_event]
    assert [e.object_ref for e in by_object.context["events"]] == ["AB12CD34"]
    assert len(by_date.context["events"]) == 2
    assert list(none.context["events"]) == []
    assert "kep-2026" in everything.content.decode()


@pytest.mark.parametrize("fixture", ["organizer", "nssf_staff", "programme_officer"])
def test_others_cannot_read_the_trail(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))

    assert client.get(reverse("audit:trail")).status_code == 403


def test_trail_queries_do_not_grow_with_rows(client, nssf_supervisor):
    client.force_login(nssf_supervisor)

    def queries_for(rows):
        for n in range(rows):
            actor = UserFactory()
            AuditEvent.objects.create(actor=actor, action=Action.EXPORT, object_type="forum", object_ref=f"f{n}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("audit:trail"))
        assert response.status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(29)
