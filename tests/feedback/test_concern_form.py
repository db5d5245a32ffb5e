"""The officer's one form: category, assignee, priority, status and the answer in one save, the rules kept."""

import pytest
from django.core.exceptions import ValidationError

from feedback import services
from feedback.models import Concern, ConcernEvent
from notifications.models import Message
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


def _post(client, concern, **data):
    base = {"status": concern.status, "category": concern.category, "assignee": "", "priority": concern.priority}
    return client.post(concern.get_absolute_url(), {**base, **data})


def test_a_new_concern_is_answered_in_one_save(staff_client, nssf_staff):
    concern = ConcernFactory()
    response = _post(
        staff_client,
        concern,
        status=Status.RESPONDED,
        public_response="NSSF paid on 3 March.",
        publishable="on",
        category=Concern.Category.PAYMENTS,
        assignee=nssf_staff.pk,
        priority=3,
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.category, concern.assignee, concern.priority, concern.response_publishable) == (
        Status.RESPONDED,
        Concern.Category.PAYMENTS,
        nssf_staff,
        3,
        True,
    )
    kinds = list(concern.events.values_list("kind", "to_status"))
    assert kinds == [
        ("category", ""),
        ("assigned", ""),
        ("priority", ""),
        ("status", Status.ACKNOWLEDGED),
        ("status", Status.UNDER_REVIEW),
        ("response", Status.RESPONDED),
    ]
    # The submitter hears the answer, not each step on the way to it.
    assert list(Message.objects.values_list("purpose", flat=True)) == ["concern_responded"]


def test_the_category_correction_is_on_the_timeline(staff_client):
    concern = ConcernFactory(category=Concern.Category.OTHER)
    _post(staff_client, concern, category=Concern.Category.PENSION)
    event = concern.events.get(kind=ConcernEvent.Kind.CATEGORY)
    assert event.text == "Other → Old-age pension"
    assert "Category corrected" in staff_client.get(concern.get_absolute_url()).content.decode()


def test_closing_a_new_concern_without_an_answer_is_refused_and_saves_nothing(staff_client):
    concern = ConcernFactory()
    response = _post(staff_client, concern, status=Status.CLOSED, closing_reason="resolved", priority=4)
    assert response.status_code == 400
    assert response.context["update_form"].errors["public_response"] == ["Write the answer the submitter will read."]
    concern.refresh_from_db()
    assert (concern.status, concern.priority) == (Status.NEW, Concern.Priority.NORMAL)
    assert not concern.events.exists()


def test_closing_needs_a_reason(staff_client):
    concern = ConcernFactory(status=Status.RESPONDED, public_response="Paid.")
    response = _post(staff_client, concern, status=Status.CLOSED, public_response="Paid.")
    assert response.status_code == 400
    assert "Choose why the concern is closed." in response.context["update_form"].errors["closing_reason"]


def test_answer_and_close_in_one_save(staff_client):
    concern = ConcernFactory()
    response = _post(
        staff_client, concern, status=Status.CLOSED, public_response="Paid on 3 March.", closing_reason="resolved"
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.public_response) == (Status.CLOSED, "Paid on 3 March.")
    assert sorted(Message.objects.values_list("purpose", flat=True)) == ["concern_closed", "concern_responded"]


def test_a_status_back_in_the_lifecycle_is_refused(staff_client):
    concern = ConcernFactory(status=Status.UNDER_REVIEW)
    response = _post(staff_client, concern, status=Status.NEW)
    assert response.status_code == 400  # not even offered: the form's choices start at the current status


def test_reopening_needs_a_note(nssf_staff):
    concern = ConcernFactory(status=Status.CLOSED, closing_reason="resolved", public_response="Paid.")
    args = {"concern": concern, "actor": nssf_staff, "category": concern.category, "assignee": None}
    with pytest.raises(ValidationError):
        services.concern_update(**args, priority=concern.priority, status=Status.UNDER_REVIEW)
    services.concern_update(**args, priority=concern.priority, status=Status.UNDER_REVIEW, note="Not paid after all.")
    concern.refresh_from_db()
    assert concern.status == Status.UNDER_REVIEW


def test_a_corrected_answer_reaches_the_submitter_again(staff_client):
    concern = ConcernFactory(status=Status.RESPONDED, public_response="Paid on 3 March.")
    assert _post(staff_client, concern, public_response="Paid on 4 March.").status_code == 302
    concern.refresh_from_db()
    assert concern.public_response == "Paid on 4 March."
    assert Message.objects.filter(purpose="concern_responded").count() == 1


def test_an_internal_note_alone_is_added_to_the_timeline(staff_client):
    concern = ConcernFactory()
    _post(staff_client, concern, note="Called the employer.")
    assert concern.events.get().kind == ConcernEvent.Kind.NOTE


def test_a_duplicates_page_offers_no_status_change(staff_client, nssf_staff):
    first, second = ConcernFactory(), ConcernFactory()
    services.concern_mark_duplicate(concern=second, primary=first, actor=nssf_staff)
    second.refresh_from_db()
    form = staff_client.get(second.get_absolute_url()).context["update_form"]
    assert [value for value, _label in form.fields["status"].choices] == [Status.NEW]
    page = staff_client.get(second.get_absolute_url()).content.decode()
    assert first.display_code in page
