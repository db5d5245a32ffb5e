from datetime import date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Province
from feedback import services
from feedback.models import AuditEntry, Concern, ConcernEvent
from feedback.tracking import concern_track_token
from notifications.models import Message
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")

ALLOWED = [
    (Status.NEW, Status.ACKNOWLEDGED),
    (Status.ACKNOWLEDGED, Status.UNDER_REVIEW),
    (Status.UNDER_REVIEW, Status.RESPONDED),
    (Status.RESPONDED, Status.CLOSED),
    (Status.CLOSED, Status.UNDER_REVIEW),
]
REFUSED = [pair for pair in product(Status.values, Status.values) if pair not in ALLOWED]

ARGS = {
    Status.RESPONDED: {"public_response": "NSSF paid the allowance on 3 March."},
    Status.CLOSED: {"closing_reason": Concern.ClosingReason.RESOLVED},
    Status.UNDER_REVIEW: {"note": "Looking again."},
}


def _concern_in(status, **kwargs):
    closing = Concern.ClosingReason.RESOLVED if status == Status.CLOSED else ""
    return ConcernFactory(status=status, closing_reason=closing, **kwargs)


def _submit(**kwargs):
    defaults = {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": Province.objects.get(name_en="Kampot"),
        "language": "en",
    }
    return services.concern_submit(**{**defaults, **kwargs})


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_transition_allowed(source, target, nssf_staff):
    concern = _concern_in(source)
    result = services.concern_transition(concern=concern, to_status=target, actor=nssf_staff, **ARGS.get(target, {}))
    result.refresh_from_db()
    assert result.status == target
    event = result.events.get()
    assert (event.from_status, event.to_status, event.actor) == (source, target, nssf_staff)
    assert AuditEntry.objects.filter(concern=result, action=AuditEntry.Action.CHANGE, actor=nssf_staff).count() == 1


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_transition_refused(source, target, nssf_staff):
    concern = _concern_in(source)
    with pytest.raises(services.ConcernTransitionError, match="cannot be moved"):
        services.concern_transition(concern=concern, to_status=target, actor=nssf_staff, **ARGS.get(target, {}))
    concern.refresh_from_db()
    assert concern.status == source
    assert not concern.events.exists()


def test_transition_to_unknown_status_refused(nssf_staff):
    concern = _concern_in(Status.NEW)
    with pytest.raises(services.ConcernTransitionError):
        services.concern_transition(concern=concern, to_status="deleted", actor=nssf_staff)


def test_respond_requires_public_response(nssf_staff):
    concern = _concern_in(Status.UNDER_REVIEW)
    with pytest.raises(services.ConcernTransitionError) as error:
        services.concern_transition(concern=concern, to_status=Status.RESPONDED, actor=nssf_staff, public_response=" ")
    assert "public_response" in error.value.message_dict
    concern.refresh_from_db()
    assert concern.status == Status.UNDER_REVIEW


def test_close_requires_reason_and_reopen_requires_note(nssf_staff):
    responded = _concern_in(Status.RESPONDED)
    with pytest.raises(services.ConcernTransitionError) as error:
        services.concern_transition(concern=responded, to_status=Status.CLOSED, actor=nssf_staff, closing_reason="")
    assert "closing_reason" in error.value.message_dict
    closed = _concern_in(Status.CLOSED)
    with pytest.raises(services.ConcernTransitionError) as error:
        services.concern_transition(concern=closed, to_status=Status.UNDER_REVIEW, actor=nssf_staff)
    assert "note" in error.value.message_dict


def test_reopen_is_recorded_and_clears_closing(nssf_staff):
    concern = _concern_in(Status.CLOSED, closed_at=timezone.now())
    services.concern_transition(concern=concern, to_status=Status.UNDER_REVIEW, actor=nssf_staff, note="New facts.")
    concern.refresh_from_db()
    assert (concern.status, concern.closing_reason, concern.closed_at) == (Status.UNDER_REVIEW, "", None)
    assert concern.events.get().kind == ConcernEvent.Kind.REOPENED


def test_full_lifecycle_queues_messages_to_consenting_submitter(nssf_staff, django_capture_on_commit_callbacks):
    concern = ConcernFactory(contact_phone="+85512345678", language="km")
    with django_capture_on_commit_callbacks():
        for target in (Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.RESPONDED, Status.CLOSED):
            concern = services.concern_transition(
                concern=concern, to_status=target, actor=nssf_staff, **ARGS.get(target, {})
            )
    messages = list(Message.objects.order_by("pk"))
    assert [m.purpose for m in messages] == ["concern_acknowledged", "concern_responded", "concern_closed"]
    assert {(m.channel, m.language, m.to_phone) for m in messages} == {("sms", "km", "+85512345678")}
    closed = messages[-1].context
    assert closed["tracking_code"] == concern.display_code
    assert closed["closing_reason"] == "resolved"
    assert closed["public_response"] == "NSSF paid the allowance on 3 March."
    assert (
        closed["track_url"] == "http://127.0.0.1:8000/km/concerns/track/" + concern_track_token(concern=concern) + "/"
    )


def test_messages_by_email_when_no_phone(nssf_staff):
    concern = ConcernFactory(contact_phone="", contact_email="leak@example.org")
    services.concern_transition(concern=concern, to_status=Status.ACKNOWLEDGED, actor=nssf_staff)
    message = Message.objects.get()
    assert (message.channel, message.to_email, message.to_phone) == ("email", "leak@example.org", "")


@pytest.mark.parametrize("kwargs", [{"consent_to_contact": False}, {"contact_phone": "", "contact_email": ""}])
def test_no_message_without_consent_or_contact(kwargs, nssf_staff):
    concern = ConcernFactory(**kwargs)
    services.concern_transition(concern=concern, to_status=Status.ACKNOWLEDGED, actor=nssf_staff)
    assert not Message.objects.exists()


def test_submit_anonymous_stores_no_contact():
    concern = _submit(
        anonymous=True,
        contact_name="Srey Leak",
        contact_phone="+85512345678",
        contact_email="leak@example.org",
        consent_to_contact=True,
    )
    concern.refresh_from_db()
    assert (concern.contact_name, concern.contact_phone, concern.contact_email) == ("", "", "")
    assert concern.consent_to_contact is False
    assert concern.events.get().kind == ConcernEvent.Kind.SUBMITTED


def test_database_refuses_anonymous_concern_with_contact():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConcernFactory(anonymous=True)


def test_submit_sets_due_dates_across_weekend():
    friday = datetime(2031, 9, 19, 10, 0, tzinfo=PHNOM_PENH)
    concern = _submit(received_at=friday)
    assert concern.acknowledge_due == date(2031, 9, 23)  # Monday and Tuesday
    # Constitution Day (Wednesday 24 September), then Pchum Ben (14-16 October) and 29 October are days off.
    assert concern.response_due == date(2031, 10, 6)
    assert concern.resolve_due == date(2031, 11, 7)
    assert concern.triage_due is None


def test_submit_sensitive_is_triaged_within_24_hours_and_high_priority():
    now = timezone.now()
    concern = _submit(sensitive=True, received_at=now)
    assert concern.triage_due == now + timedelta(hours=24)
    assert concern.priority == Concern.Priority.HIGH


def test_submit_retries_on_tracking_code_collision(monkeypatch):
    existing = ConcernFactory(tracking_code="ABCDEFGH")
    codes = iter(["ABCDEFGH", "ABCDEFGH", "HGFEDCBA"])
    monkeypatch.setattr(services, "code_generate", lambda: next(codes))
    concern = _submit()
    assert concern.tracking_code == "HGFEDCBA"
    assert Concern.objects.exclude(pk=existing.pk).get().tracking_code == "HGFEDCBA"


def test_submit_refuses_too_short_description():
    with pytest.raises(ValidationError) as error:
        _submit(description="short")
    assert "description" in error.value.message_dict
    assert not Concern.objects.exists()


def test_assign_priority_note_link_policy_interim_on_timeline(nssf_staff, nssf_supervisor):
    concern = ConcernFactory()
    other = ConcernFactory()
    services.concern_assign(concern=concern, assignee=nssf_staff, actor=nssf_supervisor)
    services.concern_set_priority(concern=concern, priority=Concern.Priority.URGENT, actor=nssf_staff)
    services.concern_add_note(concern=concern, text="Called the employer.", actor=nssf_staff)
    services.concern_link(concern=concern, other_code=other.display_code.lower(), duplicate=True, actor=nssf_staff)
    services.concern_flag_policy(concern=concern, flagged=True, actor=nssf_staff)
    new_date = timezone.localdate() + timedelta(days=60)
    services.concern_interim_notice(
        concern=concern, resolve_due=new_date, text="Waiting for the hospital.", actor=nssf_staff
    )
    concern.refresh_from_db()
    assert (concern.assignee, concern.priority, concern.duplicate_of, concern.policy_issue, concern.resolve_due) == (
        nssf_staff,
        Concern.Priority.URGENT,
        other,
        True,
        new_date,
    )
    assert list(concern.related.all()) == [other]
    assert list(concern.events.values_list("kind", flat=True)) == [
        "assigned",
        "priority",
        "note",
        "duplicate",
        "policy",
        "interim",
    ]
    assert concern.audit_entries.count() == 6


def test_assign_refuses_non_staff(nssf_staff, organizer):
    with pytest.raises(ValidationError):
        services.concern_assign(concern=ConcernFactory(), assignee=organizer, actor=nssf_staff)


def test_link_refuses_self_and_unknown(nssf_staff):
    concern = ConcernFactory()
    for code in (concern.tracking_code, "ZZZZZZZZ"):
        with pytest.raises(ValidationError):
            services.concern_link(concern=concern, other_code=code, duplicate=False, actor=nssf_staff)


def test_interim_notice_refuses_past_date(nssf_staff):
    with pytest.raises(ValidationError):
        services.concern_interim_notice(
            concern=ConcernFactory(), resolve_due=timezone.localdate(), text="Later.", actor=nssf_staff
        )


def test_resolution_checks_asked_once_14_days_after_closing():
    now = timezone.now()
    due = _concern_in(Status.CLOSED, closed_at=now - timedelta(days=15))
    _concern_in(Status.CLOSED, closed_at=now - timedelta(days=3))
    _concern_in(Status.CLOSED, closed_at=now - timedelta(days=20), consent_to_contact=False)
    assert services.concern_resolution_checks_queue(now=now) == 1
    assert services.concern_resolution_checks_queue(now=now) == 0
    message = Message.objects.get()
    assert message.purpose == "concern_resolution_check"
    assert message.context["concern_id"] == due.pk
    token = message.context["resolution_url"].rsplit("/", 2)[-2]
    assert services.concern_from_resolution_token(token=token) == due


def test_resolution_answer_no_reopens():
    concern = _concern_in(Status.CLOSED, closed_at=timezone.now(), resolution_check_sent_at=timezone.now())
    services.concern_resolution_answer(concern=concern, answer="no", comment="Still not paid.")
    concern.refresh_from_db()
    assert concern.status == Status.UNDER_REVIEW
    assert list(concern.events.values_list("kind", flat=True)) == ["resolution", "reopened"]


def test_resolution_answer_yes_keeps_closed_and_only_once():
    concern = _concern_in(Status.CLOSED, closed_at=timezone.now(), resolution_check_sent_at=timezone.now())
    services.concern_resolution_answer(concern=concern, answer="yes")
    concern.refresh_from_db()
    assert (concern.status, concern.resolution_answer) == (Status.CLOSED, "yes")
    with pytest.raises(ValidationError):
        services.concern_resolution_answer(concern=concern, answer="no")


def test_forged_resolution_token_is_refused():
    assert services.concern_from_resolution_token(token="forged:token") is None


def test_interim_notice_tells_the_submitter_the_new_date(nssf_staff, django_capture_on_commit_callbacks):
    from notifications.rendering import message_render

    concern = _concern_in(Status.UNDER_REVIEW, contact_phone="+85512345678", language="en")
    new_date = timezone.localdate() + timedelta(days=20)

    with django_capture_on_commit_callbacks():
        services.concern_interim_notice(
            concern=concern, resolve_due=new_date, text="We are checking with your employer.", actor=nssf_staff
        )

    message = Message.objects.get()
    assert (message.purpose, message.to_phone) == ("concern_interim", "+85512345678")
    _subject, text, _html = message_render(message)
    assert f"The new date is {new_date.day} {new_date:%B %Y}." in text
