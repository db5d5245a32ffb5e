"""One concern, many voices: a duplicate group is answered once and every submitter hears of it once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Concern, ConcernEvent
from notifications.models import Message
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


def _group(nssf_staff):
    """An earlier concern and two raised later: one by another worker, one by the first worker again."""
    first = ConcernFactory(contact_phone="+85512000001", received_at=timezone.now() - timedelta(days=3))
    second = ConcernFactory(contact_phone="+85512000002", language="km")
    again = ConcernFactory(contact_phone="+85512000001")
    anonymous = ConcernFactory(anonymous=True, contact_name="", contact_phone="", consent_to_contact=False)
    for concern in (second, again, anonymous):
        services.concern_link(concern=concern, other_code=first.tracking_code, duplicate=True, actor=nssf_staff)
    return first, second, again, anonymous


def _answer_and_close(primary, actor):
    services.concern_update(
        concern=primary,
        actor=actor,
        category=primary.category,
        assignee=None,
        priority=primary.priority,
        status=Status.RESPONDED,
        public_response="NSSF paid the allowance on 3 March.",
        publishable=True,
    )
    services.concern_transition(
        concern=primary, to_status=Status.CLOSED, actor=actor, closing_reason=Concern.ClosingReason.RESOLVED
    )


def test_marking_the_same_concern_joins_the_earlier_ones_group_in_one_action(nssf_staff):
    first, second, again, anonymous = _group(nssf_staff)
    for concern in (second, again, anonymous):
        concern.refresh_from_db()
        assert concern.duplicate_of == first
        assert concern.events.filter(kind=ConcernEvent.Kind.DUPLICATE).count() == 1
    assert first.events.filter(kind=ConcernEvent.Kind.DUPLICATE).count() == 3
    assert [c.pk for c in services.group_members(concern=second)] == [first.pk, second.pk, again.pk, anonymous.pk]


def test_a_duplicate_of_a_duplicate_joins_the_primary_and_brings_its_own(nssf_staff):
    first = ConcernFactory()
    second = ConcernFactory()
    third = ConcernFactory()
    services.concern_mark_duplicate(concern=third, primary=second, actor=nssf_staff)
    services.concern_mark_duplicate(concern=second, primary=first, actor=nssf_staff)
    fourth = ConcernFactory()
    services.concern_mark_duplicate(concern=fourth, primary=third, actor=nssf_staff)
    assert set(Concern.objects.filter(duplicate_of=first).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
        fourth.pk,
    }


def test_a_concern_cannot_be_the_same_as_itself_through_its_group(nssf_staff):
    first, second = ConcernFactory(), ConcernFactory()
    services.concern_mark_duplicate(concern=second, primary=first, actor=nssf_staff)
    with pytest.raises(ValidationError):
        services.concern_mark_duplicate(concern=first, primary=second, actor=nssf_staff)


def test_the_answer_and_each_status_reach_every_submitter_of_the_group_once(nssf_staff):
    first, second, again, anonymous = _group(nssf_staff)
    _answer_and_close(first, nssf_staff)

    for purpose in ("concern_responded", "concern_closed"):
        messages = Message.objects.filter(purpose=purpose)
        # Two people: the first worker (who raised it twice) and the second; the anonymous one left no contact.
        assert sorted(messages.values_list("to_phone", flat=True)) == ["+85512000001", "+85512000002"], purpose
        by_phone = {m.to_phone: m for m in messages}
        assert by_phone["+85512000002"].language == "km"
        assert by_phone["+85512000002"].context["tracking_code"] == second.display_code
    for concern in (second, again, anonymous):
        concern.refresh_from_db()
        assert (concern.status, concern.public_response, concern.closing_reason) == (
            Status.CLOSED,
            "NSSF paid the allowance on 3 March.",
            Concern.ClosingReason.RESOLVED,
        )
        assert not concern.response_publishable


def test_the_resolution_question_reaches_every_submitter_once(nssf_staff):
    first, *_others = _group(nssf_staff)
    _answer_and_close(first, nssf_staff)
    later = timezone.now() + timedelta(days=15)
    services.concern_resolution_checks_queue(now=later)
    services.concern_resolution_checks_queue(now=later)
    checks = Message.objects.filter(purpose="concern_resolution_check")
    assert sorted(checks.values_list("to_phone", flat=True)) == ["+85512000001", "+85512000002"]


def test_a_duplicate_is_answered_through_its_primary(nssf_staff):
    first, second, *_rest = _group(nssf_staff)
    with pytest.raises(ValidationError, match=first.display_code):
        services.concern_transition(concern=second, to_status=Status.ACKNOWLEDGED, actor=nssf_staff)


def test_a_concern_joining_an_answered_group_gets_the_answer_at_once(nssf_staff):
    first = ConcernFactory(contact_phone="+85512000001")
    _answer_and_close(first, nssf_staff)
    late = ConcernFactory(contact_phone="+85512000003")
    services.concern_mark_duplicate(concern=late, primary=first, actor=nssf_staff)
    late.refresh_from_db()
    assert late.status == Status.CLOSED
    assert Message.objects.filter(purpose="concern_responded", to_phone="+85512000003").count() == 1


def test_reopening_the_primary_reopens_the_group(nssf_staff):
    first, second, *_rest = _group(nssf_staff)
    _answer_and_close(first, nssf_staff)
    services.concern_transition(concern=first, to_status=Status.UNDER_REVIEW, actor=nssf_staff, note="Not paid.")
    second.refresh_from_db()
    assert (second.status, second.closing_reason, second.closed_at) == (Status.UNDER_REVIEW, "", None)


def test_queue_and_public_pages_say_raised_n_times(staff_client, nssf_staff, forum):
    first = ConcernFactory(forum=forum)
    for _ in range(2):
        services.concern_mark_duplicate(concern=ConcernFactory(forum=forum), primary=first, actor=nssf_staff)
    _answer_and_close(first, nssf_staff)

    queue = staff_client.get(reverse("feedback:queue"), {"view": "all"})
    rows = {c.pk: c.raised for c in queue.context["concerns"]}
    assert rows[first.pk] == 3
    assert "raised 3 times" in queue.content.decode()
    assert "raised 3 times" in staff_client.get(first.get_absolute_url()).content.decode()
    public = staff_client.get(reverse("feedback:forum_accountability", kwargs={"slug": forum.slug}))
    page = public.content.decode()
    assert page.count("NSSF paid the allowance on 3 March.") == 1
    assert "raised 3 times" in page


def test_staff_mark_the_same_concern_from_its_page(staff_client):
    first, second = ConcernFactory(), ConcernFactory()
    url = reverse("feedback:concern_action", kwargs={"code": second.tracking_code, "action": "link"})
    response = staff_client.post(url, {"link-other_code": first.display_code, "link-duplicate": "on"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of == first
