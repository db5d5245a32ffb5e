"""An answer people accept: three answers and a rating, reopening inside the window, appeals after it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Appeal, Concern, ConcernEvent
from notifications.models import Message
from notifications.rendering import message_render
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


def _closed(days_ago=15, **kwargs):
    return ConcernFactory(
        status=Status.CLOSED,
        closing_reason=Concern.ClosingReason.RESOLVED,
        closed_at=timezone.now() - timedelta(days=days_ago),
        public_response="NSSF paid the allowance.",
        responded_at=timezone.now() - timedelta(days=days_ago + 1),
        **kwargs,
    )


@pytest.mark.parametrize("answer", ["yes", "partly", "no"])
def test_three_answers_with_a_rating_and_a_comment_are_recorded(answer):
    concern = _closed()
    services.concern_resolution_answer(concern=concern, answer=answer, satisfaction=4, comment="Thanks.")
    concern.refresh_from_db()
    assert (concern.resolution_answer, concern.satisfaction, concern.resolution_comment) == (answer, 4, "Thanks.")
    assert concern.events.filter(kind=ConcernEvent.Kind.RESOLUTION, text__contains="(4/5)").exists()


def test_a_rating_outside_1_to_5_is_refused_and_nothing_saved():
    concern = _closed()
    with pytest.raises(ValidationError):
        services.concern_resolution_answer(concern=concern, answer="yes", satisfaction=6)
    concern.refresh_from_db()
    assert concern.resolution_answer == ""


@pytest.mark.parametrize("answer", ["partly", "no"])
def test_not_resolved_inside_the_window_reopens(answer):
    concern = _closed(days_ago=29)
    services.concern_resolution_answer(concern=concern, answer=answer)
    concern.refresh_from_db()
    assert concern.status == Status.UNDER_REVIEW
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("answer", ["partly", "no"])
def test_not_resolved_after_the_window_becomes_an_appeal(answer, settings):
    settings.FEEDBACK_REOPEN_WINDOW_DAYS = 30
    concern = _closed(days_ago=31)
    services.concern_resolution_answer(concern=concern, answer=answer, comment="Still not paid.")
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    appeal = concern.appeals.get()
    assert (appeal.status, appeal.by_submitter, appeal.reason) == ("open", True, "Still not paid.")
    assert Message.objects.filter(purpose="concern_appeal_opened", to_phone=concern.contact_phone).count() == 1


def test_the_window_is_a_setting(settings):
    settings.FEEDBACK_REOPEN_WINDOW_DAYS = 10
    concern = _closed(days_ago=15)
    services.concern_resolution_answer(concern=concern, answer="no")
    assert Appeal.objects.filter(concern=concern).exists()


def test_the_person_may_ask_for_an_appeal_inside_the_window():
    concern = _closed(days_ago=2)
    services.concern_resolution_answer(concern=concern, answer="no", comment="Wrong amount.", appeal=True)
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    assert concern.appeals.get().reason == "Wrong amount."


def test_the_appeal_clock_counts_working_days_from_a_setting(settings):
    settings.FEEDBACK_APPEAL_DAYS = 10
    concern = _closed()
    # Friday 2 July 2027 (no public holiday in July): ten working days later, weekends skipped, is Friday 16 July.
    with time_machine.travel(datetime(2027, 7, 2, 10, 0, tzinfo=PHNOM_PENH), tick=False):
        appeal = services.appeal_open(concern=concern, reason="Not paid.", actor=None)
    assert appeal.due == date(2027, 7, 16)
    settings.FEEDBACK_APPEAL_DAYS = 3
    other = _closed()
    with time_machine.travel(datetime(2027, 7, 2, 10, 0, tzinfo=PHNOM_PENH), tick=False):
        assert services.appeal_open(concern=other, reason="Not paid.", actor=None).due == date(2027, 7, 7)
    with time_machine.travel(datetime(2027, 7, 8, 10, 0, tzinfo=PHNOM_PENH), tick=False):
        assert Appeal.objects.get(concern=other).is_overdue


def test_one_open_appeal_at_a_time(nssf_staff):
    concern = _closed()
    services.appeal_open(concern=concern, reason="Not paid.", actor=nssf_staff)
    with pytest.raises(ValidationError, match="already open"):
        services.appeal_open(concern=concern, reason="Again.", actor=None)


def test_an_appeal_needs_a_reason():
    with pytest.raises(ValidationError):
        services.appeal_open(concern=_closed(), reason="  ", actor=None)


def test_only_a_supervisor_decides_an_appeal(nssf_staff):
    appeal = services.appeal_open(concern=_closed(), reason="Not paid.", actor=nssf_staff)
    with pytest.raises(ValidationError, match="supervisor"):
        services.appeal_close(appeal=appeal, outcome="resolved", outcome_text="Paid.", actor=nssf_staff)


def test_an_appeal_closed_unresolved_names_the_external_route(nssf_supervisor, settings):
    settings.FEEDBACK_EXTERNAL_ROUTE = {
        **settings.FEEDBACK_EXTERNAL_ROUTE,
        "phone": "023 000 000",
        "email": "complaints@regulator.example.org",
    }
    concern = _closed(language="en")
    appeal = services.appeal_open(concern=concern, reason="Not paid.", actor=None)
    services.appeal_close(
        appeal=appeal, outcome="not_resolved", outcome_text="NSSF cannot pay for this period.", actor=nssf_supervisor
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.closed_by) == ("closed", "not_resolved", nssf_supervisor)
    message = Message.objects.get(purpose="concern_appeal_decided")
    _subject, text, _html = message_render(message)
    assert "NSSF cannot pay for this period." in text
    assert "Social Security Regulator" in text
    assert "023 000 000" in text and "complaints@regulator.example.org" in text


def test_an_appeal_decided_in_the_persons_favour_names_no_external_route(nssf_supervisor):
    concern = _closed(language="km")
    appeal = services.appeal_open(concern=concern, reason="Not paid.", actor=None)
    services.appeal_close(appeal=appeal, outcome="resolved", outcome_text="Paid on 3 March.", actor=nssf_supervisor)
    message = Message.objects.get(purpose="concern_appeal_decided")
    assert message.language == "km"
    _subject, text, _html = message_render(message)
    assert "និយ័តករ" not in text


def test_the_tracking_page_offers_the_question_to_an_anonymous_submitter(client):
    concern = _closed(anonymous=True, contact_name="", contact_phone="", consent_to_contact=False)
    page = client.post(reverse("feedback:concern_track"), {"code": concern.display_code}).content.decode()
    assert f'action="{reverse("feedback:concern_track_answer")}"' in page
    response = client.post(
        reverse("feedback:concern_track_answer"),
        {"code": concern.tracking_code, "answer": "partly", "satisfaction": "2", "comment": "Half paid."},
    )
    assert response.status_code == 200
    concern.refresh_from_db()
    assert (concern.resolution_answer, concern.satisfaction, concern.status) == ("partly", 2, Status.UNDER_REVIEW)
    assert f'action="{reverse("feedback:concern_track_answer")}"' not in response.content.decode()


def test_the_tracking_page_appeal_and_its_decision(client, nssf_supervisor):
    concern = _closed(days_ago=40, anonymous=True, contact_name="", contact_phone="", consent_to_contact=False)
    response = client.post(
        reverse("feedback:concern_track_appeal"), {"code": concern.tracking_code, "reason": "Still not paid."}
    )
    assert response.status_code == 200
    appeal = concern.appeals.get()
    assert appeal.by_submitter
    services.appeal_close(appeal=appeal, outcome="not_resolved", outcome_text="No.", actor=nssf_supervisor)
    page = client.post(reverse("feedback:concern_track"), {"code": concern.display_code}).content.decode()
    assert 'data-testid="external-route"' in page
    assert "Social Security Regulator" in page


def test_the_tracking_answer_with_an_unknown_code_is_404_and_counted(client, settings):
    response = client.post(reverse("feedback:concern_track_answer"), {"code": "ZZZZZZZZZZ", "answer": "no"})
    assert response.status_code == 404


def test_the_tracking_answer_is_rate_limited_with_the_lookups(client, settings):
    concern = _closed()
    limit = settings.FEEDBACK_TRACK_RATE[0]
    for _ in range(limit):
        client.post(reverse("feedback:concern_track"), {"code": "AAAAAAAA"})
    response = client.post(reverse("feedback:concern_track_answer"), {"code": concern.tracking_code, "answer": "no"})
    assert response.status_code == 429
    concern.refresh_from_db()
    assert concern.resolution_answer == ""


def test_the_resolution_link_takes_a_rating_and_then_an_appeal(client):
    concern = _closed(days_ago=5)
    url = reverse("feedback:concern_resolution", kwargs={"token": services.concern_resolution_token(concern=concern)})
    assert client.post(url, {"answer": "yes", "satisfaction": "5"}).status_code == 302
    page = client.get(url).content.decode()
    appeal_url = reverse(
        "feedback:concern_resolution_appeal", kwargs={"token": services.concern_resolution_token(concern=concern)}
    )
    assert appeal_url in page
    assert client.post(appeal_url, {"reason": "Changed my mind: the amount was wrong."}).status_code == 302
    assert concern.appeals.get().reason == "Changed my mind: the amount was wrong."
    assert "Your appeal is with the NSSF supervisors." in client.get(url).content.decode()


def test_appeal_for_a_resolved_answer_is_a_form_error(client):
    concern = _closed(days_ago=5)
    url = reverse("feedback:concern_resolution", kwargs={"token": services.concern_resolution_token(concern=concern)})
    response = client.post(url, {"answer": "yes", "appeal": "on"})
    assert response.status_code == 400
    assert "An appeal is for a concern that was not resolved." in response.content.decode()


def test_staff_send_a_concern_to_supervisors_who_see_it_in_their_queue(
    staff_client, client, nssf_staff, nssf_supervisor
):
    concern = ConcernFactory(status=Status.UNDER_REVIEW)
    url = reverse("feedback:concern_action", kwargs={"code": concern.tracking_code, "action": "appeal"})
    assert staff_client.post(url, {"appeal-reason": "The branch refuses to act."}).status_code == 302
    assert staff_client.get(reverse("feedback:appeals")).status_code == 403
    client.force_login(nssf_supervisor)
    queue = client.get(reverse("feedback:appeals"))
    assert [appeal.concern_id for appeal in queue.context["appeals"]] == [concern.pk]
    close = reverse("feedback:concern_action", kwargs={"code": concern.tracking_code, "action": "appeal_close"})
    data = {"appeal_close-outcome": "resolved", "appeal_close-outcome_text": "The branch paid."}
    assert client.post(close, data).status_code == 302
    assert list(client.get(reverse("feedback:appeals")).context["appeals"]) == []
    assert [a.concern_id for a in client.get(reverse("feedback:appeals"), {"status": "closed"}).context["appeals"]] == [
        concern.pk
    ]
