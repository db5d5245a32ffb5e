import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Province
from feedback.models import Appeal, AuditEntry, Concern, ConcernEvent
from feedback.services import concern_resolution_token
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status
ROLES = ["anonymous", "user_without_role", "organizer", "nssf_staff", "administrator"]


def _client_for(role, client, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _form_data(**overrides):
    data = {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": Province.objects.get(name_en="Kampot").pk,
        "sector": "garment",
        "gender": "woman",
        "website": "",
        "contact_choice": "anonymous",
    }
    data.update(overrides)
    return data


# --- Permission matrix -------------------------------------------------------------------------------------------

MATRIX = {
    # url name: expected status for anonymous, no role, organizer, NSSF staff, administrator
    "concern_create": (200, 200, 200, 200, 200),
    "concern_track": (200, 200, 200, 200, 200),
    "concern_submitted": (302, 302, 302, 302, 302),
    "concern_resolution": (200, 200, 200, 200, 200),
    "forum_accountability": (200, 200, 200, 200, 200),
    "series_accountability": (200, 200, 200, 200, 200),
    "queue": (302, 403, 403, 200, 200),
    "concern_detail": (302, 403, 403, 200, 200),
    "concern_contact": (302, 403, 403, 200, 200),
    "concern_attachment": (302, 403, 403, 200, 200),
    "forum_concerns": (302, 403, 200, 200, 200),
    "forum_concern_record": (302, 403, 200, 200, 200),
}


def _url(name, concern, forum):
    if name in ("concern_detail", "concern_contact", "concern_attachment"):
        return reverse(f"feedback:{name}", kwargs={"code": concern.tracking_code})
    if name == "concern_resolution":
        return reverse(f"feedback:{name}", kwargs={"token": concern_resolution_token(concern=concern)})
    if name in ("forum_accountability", "forum_concerns", "forum_concern_record"):
        return reverse(f"feedback:{name}", kwargs={"slug": forum.slug})
    if name == "series_accountability":
        return reverse(f"feedback:{name}", kwargs={"slug": forum.series.slug})
    return reverse(f"feedback:{name}")


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix_get(name, role_index, client, request, forum, png_bytes, private_media):
    concern = ConcernFactory(
        forum=forum,
        status=Status.CLOSED,
        closing_reason="resolved",
        closed_at=timezone.now(),
        attachment=SimpleUploadedFile("a.png", png_bytes),
        attachment_type="image/png",
    )
    client = _client_for(ROLES[role_index], client, request)
    response = client.get(_url(name, concern, forum))
    assert response.status_code == MATRIX[name][role_index]
    if response.status_code == 302 and ROLES[role_index] == "anonymous" and name not in ("concern_submitted",):
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("role_index", "expected"), enumerate([302, 403, 403, 302, 302]))
def test_permission_matrix_post_action(role_index, expected, client, request):
    concern = ConcernFactory()
    client = _client_for(ROLES[role_index], client, request)
    url = reverse("feedback:concern_action", kwargs={"code": concern.tracking_code, "action": "acknowledge"})
    response = client.post(url, {"acknowledge-note": ""})
    assert response.status_code == expected
    concern.refresh_from_db()
    assert concern.status == (
        Status.ACKNOWLEDGED if ROLES[role_index] in ("nssf_staff", "administrator") else Status.NEW
    )


def test_action_refuses_get(staff_client):
    concern = ConcernFactory()
    url = reverse("feedback:concern_action", kwargs={"code": concern.tracking_code, "action": "acknowledge"})
    assert staff_client.get(url).status_code == 405


def test_organizer_never_sees_contact_details(organizer_client, forum):
    ConcernFactory(forum=forum, contact_name="Srey Leak", contact_phone="+85512345678")
    page = organizer_client.get(reverse("feedback:forum_concerns", kwargs={"slug": forum.slug})).content.decode()
    assert "+85512345678" not in page
    assert "Srey Leak" not in page
    assert 'data-testid="total">1<' in page


def test_staff_contact_view_is_audited(staff_client, nssf_staff):
    concern = ConcernFactory(contact_phone="+85512345678")
    detail = staff_client.get(concern.get_absolute_url()).content.decode()
    assert "+85512345678" not in detail
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_CONTACT).exists()
    page = staff_client.get(reverse("feedback:concern_contact", kwargs={"code": concern.tracking_code}))
    assert "+85512345678" in page.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_CONTACT)
    assert (entry.actor, entry.concern) == (nssf_staff, concern)


def test_sensitive_concern_hidden_from_unassigned_staff(client, nssf_staff, nssf_supervisor):
    concern = ConcernFactory(sensitive=True)
    client.force_login(nssf_staff)
    assert client.get(concern.get_absolute_url()).status_code == 404
    assert concern.display_code not in client.get(reverse("feedback:queue")).content.decode()
    client.force_login(nssf_supervisor)
    assert client.get(concern.get_absolute_url()).status_code == 200
    concern.assignee = nssf_staff
    concern.save()
    client.force_login(nssf_staff)
    assert client.get(concern.get_absolute_url()).status_code == 200


def test_sensitive_concern_pages_and_actions_are_404_for_unassigned_staff(staff_client, png_bytes, private_media):
    concern = ConcernFactory(
        sensitive=True, attachment=SimpleUploadedFile("a.png", png_bytes), attachment_type="image/png"
    )
    code = concern.tracking_code

    pages = [reverse(f"feedback:{name}", kwargs={"code": code}) for name in ("concern_contact", "concern_attachment")]
    action = reverse("feedback:concern_action", kwargs={"code": code, "action": "acknowledge"})

    assert [staff_client.get(url).status_code for url in pages] == [404, 404]
    assert staff_client.post(action, {"acknowledge-note": ""}).status_code == 404
    concern.refresh_from_db()
    assert concern.status == Status.NEW
    assert not AuditEntry.objects.filter(concern=concern).exists()


def test_concern_pages_refuse_organizers_alike_whether_or_not_the_code_exists(organizer_client):
    real = reverse("feedback:concern_detail", kwargs={"code": ConcernFactory().tracking_code})
    unknown = reverse("feedback:concern_detail", kwargs={"code": "ZZZZZZZZZZ"})

    assert (organizer_client.get(real).status_code, organizer_client.get(unknown).status_code) == (403, 403)


def test_unknown_concern_is_404(staff_client):
    assert staff_client.get(reverse("feedback:concern_detail", kwargs={"code": "ZZZZZZZZ"})).status_code == 404


# --- Public form -------------------------------------------------------------------------------------------------


def test_submit_shows_tracking_code(client, forum):
    response = client.post(
        reverse("feedback:concern_create") + f"?forum={forum.slug}", _form_data(forum=forum.pk), follow=True
    )
    concern = Concern.objects.get()
    assert concern.display_code in response.content.decode()
    assert (concern.forum, concern.channel, concern.language) == (forum, "web", "en")
    assert response.redirect_chain[-1][0] == reverse("feedback:concern_submitted")


def test_create_prefills_forum(client, forum):
    response = client.get(reverse("feedback:concern_create") + f"?forum={forum.slug}")
    assert response.context["form"].initial["forum"] == forum.pk


def test_submit_anonymous_stores_no_personal_data(client):
    data = _form_data(contact_choice="anonymous")
    client.post(reverse("feedback:concern_create"), data)
    concern = Concern.objects.get()
    assert concern.anonymous is True
    assert (concern.contact_name, concern.contact_phone, concern.contact_email, concern.consent_to_contact) == (
        "",
        "",
        "",
        False,
    )


def test_submit_anonymous_with_contact_is_refused_with_clear_error(client):
    response = client.post(
        reverse("feedback:concern_create"), _form_data(contact_choice="anonymous", contact_phone="012345678")
    )
    assert response.status_code == 400
    assert "You chose to stay anonymous" in response.content.decode()
    assert not Concern.objects.exists()


def test_submit_with_contact_normalises_phone(client):
    client.post(
        reverse("feedback:concern_create"),
        _form_data(contact_name="Leak", contact_phone="012 345 678", contact_choice="contact"),
    )
    assert Concern.objects.get().contact_phone == "+85512345678"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "short"}, "description", "at least 10 characters"),
        ({"description": "x" * 4001}, "description", "at most 4000 characters"),
        ({"category": "nonsense"}, "category", "Select a valid choice"),
        ({"contact_phone": "12"}, "contact_phone", "Enter a valid phone number"),
        ({"contact_choice": "contact"}, "contact_phone", "Give a phone number or an email"),
        ({"contact_choice": ""}, "contact_choice", "This field is required"),
        ({"province": ""}, "province", "This field is required"),
    ],
)
def test_submit_invalid_shows_error_and_saves_nothing(client, overrides, field, message):
    response = client.post(reverse("feedback:concern_create"), _form_data(**overrides))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Concern.objects.exists()


def test_submit_honeypot_refused(client):
    response = client.post(reverse("feedback:concern_create"), _form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_submit_rate_limited(client, settings):
    settings.FEEDBACK_SUBMIT_RATE = (5, 3600)
    for _ in range(settings.FEEDBACK_SUBMIT_RATE[0]):
        client.post(reverse("feedback:concern_create"), _form_data(description="x"))
    response = client.post(reverse("feedback:concern_create"), _form_data())
    assert response.status_code == 429
    assert not Concern.objects.exists()


def test_submit_with_image_attachment_stored_privately(client, png_bytes, private_media):
    upload = SimpleUploadedFile("my card Srey Leak.png", png_bytes, content_type="image/png")
    client.post(reverse("feedback:concern_create"), {**_form_data(), "attachment": upload})
    concern = Concern.objects.get()
    assert concern.attachment_type == "image/png"
    assert "Srey" not in concern.attachment.name
    assert (private_media / concern.attachment.name).read_bytes() == png_bytes


def test_submit_with_pdf_attachment(client, private_media):
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    client.post(reverse("feedback:concern_create"), {**_form_data(), "attachment": upload})
    assert Concern.objects.get().attachment_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.png", b"<script>alert(1)</script>", "Send a photo"),
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "Send a photo"),
    ],
)
def test_submit_with_bad_attachment_refused(client, private_media, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("feedback:concern_create"), {**_form_data(), "attachment": upload})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["attachment"])
    assert not Concern.objects.exists()


def test_submit_with_too_large_attachment_refused(client, private_media, settings):
    settings.FEEDBACK_ATTACHMENT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200, content_type="application/pdf")
    response = client.post(reverse("feedback:concern_create"), {**_form_data(), "attachment": upload})
    assert "too large" in str(response.context["form"].errors["attachment"])
    assert not Concern.objects.exists()


def test_attachment_served_to_staff_and_audited(staff_client, png_bytes, private_media):
    concern = ConcernFactory(attachment=SimpleUploadedFile("a.png", png_bytes), attachment_type="image/png")
    response = staff_client.get(reverse("feedback:concern_attachment", kwargs={"code": concern.tracking_code}))
    assert response.content == png_bytes
    assert response["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_ATTACHMENT).count() == 1


# --- Tracking ----------------------------------------------------------------------------------------------------


def test_track_shows_status_and_response(client):
    concern = ConcernFactory(
        status=Status.RESPONDED, public_response="NSSF paid on 3 March.", responded_at=timezone.now()
    )
    ConcernEvent.objects.create(concern=concern, kind=ConcernEvent.Kind.NOTE, text="Internal: called employer")
    response = client.post(reverse("feedback:concern_track"), {"code": concern.display_code.lower()})
    page = response.content.decode()
    assert "NSSF paid on 3 March." in page
    assert "Responded" in page
    assert "Internal: called employer" not in page
    assert concern.description not in page


def test_track_unknown_code_error(client):
    response = client.post(reverse("feedback:concern_track"), {"code": "ZZZZZ-ZZZZZ"})
    assert response.status_code == 400
    assert "No concern has this tracking code" in response.content.decode()


def test_track_lookups_are_rate_limited(client, settings):
    settings.FEEDBACK_TRACK_RATE = (5, 3600)
    concern = ConcernFactory()
    limit = settings.FEEDBACK_TRACK_RATE[0]
    for n in range(limit):
        assert client.post(reverse("feedback:concern_track"), {"code": f"AAAA{n:04d}"}).status_code == 400
    response = client.post(reverse("feedback:concern_track"), {"code": concern.tracking_code})
    assert response.status_code == 429
    assert concern.display_code not in response.content.decode()


# --- Resolution check --------------------------------------------------------------------------------------------


def test_resolution_no_reopens_via_page(client):
    concern = ConcernFactory(
        status=Status.CLOSED,
        closing_reason="resolved",
        closed_at=timezone.now(),
        resolution_check_sent_at=timezone.now(),
    )
    url = reverse("feedback:concern_resolution", kwargs={"token": concern_resolution_token(concern=concern)})
    response = client.post(url, {"answer": "no", "comment": "Still unpaid."}, follow=True)
    assert "Thank you" in response.content.decode()
    concern.refresh_from_db()
    assert (concern.status, concern.resolution_comment) == (Status.UNDER_REVIEW, "Still unpaid.")


def test_resolution_forged_token_404(client):
    assert client.get(reverse("feedback:concern_resolution", kwargs={"token": "abc:def"})).status_code == 404


# --- Staff concern page ------------------------------------------------------------------------------------------


def _act(client, concern, action, data):
    url = reverse("feedback:concern_action", kwargs={"code": concern.tracking_code, "action": action})
    return client.post(url, {f"{action}-{key}": value for key, value in data.items()})


def test_staff_works_a_concern_through(staff_client, nssf_staff):
    concern = ConcernFactory()
    assert _act(staff_client, concern, "acknowledge", {"note": ""}).status_code == 302
    assert _act(staff_client, concern, "assign", {"assignee": nssf_staff.pk}).status_code == 302
    assert _act(staff_client, concern, "priority", {"priority": 3}).status_code == 302
    assert _act(staff_client, concern, "note", {"text": "Called the factory."}).status_code == 302
    assert _act(staff_client, concern, "review", {"note": ""}).status_code == 302
    assert _act(staff_client, concern, "respond", {"public_response": "Paid.", "publishable": "on"}).status_code == 302
    assert _act(staff_client, concern, "policy", {"flagged": "on"}).status_code == 302
    assert _act(staff_client, concern, "close", {"closing_reason": "resolved"}).status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.assignee, concern.priority, concern.policy_issue, concern.response_publishable) == (
        Status.CLOSED,
        nssf_staff,
        3,
        True,
        True,
    )
    page = staff_client.get(concern.get_absolute_url()).content.decode()
    assert "Called the factory." in page
    assert page.count("border-start border-3") == 8  # one timeline entry per action


def test_refused_transition_shows_clear_message(staff_client):
    concern = ConcernFactory(status=Status.NEW)
    response = _act(staff_client, concern, "close", {"closing_reason": "resolved"})
    assert response.status_code == 400
    assert "cannot be moved to" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Status.NEW


def test_respond_without_text_shows_field_error(staff_client):
    concern = ConcernFactory(status=Status.UNDER_REVIEW)
    response = _act(staff_client, concern, "respond", {"public_response": ""})
    assert response.status_code == 400
    assert response.context["forms"]["respond"].errors["public_response"]


def test_link_unknown_code_shows_field_error(staff_client):
    response = _act(staff_client, ConcernFactory(), "link", {"other_code": "ZZZZZZZZ"})
    assert response.status_code == 400
    assert "No other concern has this tracking code." in str(response.context["forms"]["link"].errors["other_code"])


# --- Recording at a forum ----------------------------------------------------------------------------------------


def test_organizer_records_concerns_in_a_row(organizer_client, organizer, forum):
    from tests.events.factories import AgendaItemFactory

    session = AgendaItemFactory(forum=forum, title="Questions and answers")
    url = reverse("feedback:forum_concern_record", kwargs={"slug": forum.slug})
    for text in ("The hospital asked me to pay for the delivery.", "My NSSF card was never delivered to me."):
        data = {
            "session": session.pk,
            "category": "health_care",
            "description": text,
            "province": forum.host_province_id,
        }
        response = organizer_client.post(url, data)
        assert response.status_code == 302
        assert f"session={session.pk}" in response["Location"]
    concerns = Concern.objects.order_by("pk")
    assert [(c.forum, c.session, c.channel, c.recorded_by) for c in concerns] == [
        (forum, session, "forum", organizer)
    ] * 2
    follow = organizer_client.get(response["Location"])
    assert follow.context["form"].initial["session"] == str(session.pk)


# --- Queue -------------------------------------------------------------------------------------------------------


def test_queue_filters_search_and_overdue(staff_client, forum):
    from datetime import timedelta

    old = timezone.now() - timedelta(days=90)
    late = ConcernFactory(
        forum=forum, received_at=old, category="pension", description="Pension for my late husband not paid."
    )
    ConcernFactory(category="nssf_card", description="Card lost at the branch office.")
    url = reverse("feedback:queue")
    assert [c.pk for c in staff_client.get(url, {"overdue": "on"}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"q": "husband"}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"q": "HUSBAND pension"}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"q": "husband card"}).context["concerns"]] == []
    assert [c.pk for c in staff_client.get(url, {"q": late.display_code}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"forum": forum.pk}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"category": "pension"}).context["concerns"]] == [late.pk]
    assert [c.pk for c in staff_client.get(url, {"view": "overdue"}).context["concerns"]] == [late.pk]
    response = staff_client.get(url)
    assert response.context["counts"] == {"total": 2, "more": False}


def test_queue_bad_filter_values_do_not_500(staff_client):
    response = staff_client.get(
        reverse("feedback:queue"), {"forum": "x", "priority": "9", "sort": "evil", "page": "abc"}
    )
    assert response.status_code in (200, 404)


def _queue_queries(staff_client, django_assert_num_queries, n):
    ConcernFactory.create_batch(n)
    with django_assert_num_queries(11) as captured:
        response = staff_client.get(reverse("feedback:queue"))
    assert response.status_code == 200
    return captured


def test_queue_query_count_constant_10(staff_client, django_assert_num_queries):
    _queue_queries(staff_client, django_assert_num_queries, 10)


def test_queue_query_count_constant_1000(staff_client, django_assert_num_queries):
    _queue_queries(staff_client, django_assert_num_queries, 1000)


# --- Admin and periodic task -------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["concern", "auditentry", "publicholiday", "appeal"])
def test_admin_pages_for_administrator(client, administrator, model):
    concern = ConcernFactory()
    AuditEntry.objects.create(concern=concern, actor=administrator, action=AuditEntry.Action.VIEW_CONTACT)
    appeal = Appeal.objects.create(concern=concern, reason="Still not paid.", due=concern.resolve_due)
    client.force_login(administrator)
    assert client.get(reverse(f"admin:feedback_{model}_changelist")).status_code == 200
    obj_pk = {"concern": concern.pk, "auditentry": AuditEntry.objects.get().pk, "appeal": appeal.pk}.get(model)
    if obj_pk:
        page = client.get(reverse(f"admin:feedback_{model}_change", args=[obj_pk]))
        assert page.status_code == 200
        assert "+85512345678" not in page.content.decode()


def test_appeals_are_read_only_in_admin(client, administrator):
    appeal = Appeal.objects.create(concern=ConcernFactory(), reason="Still not paid.", due=timezone.localdate())
    client.force_login(administrator)

    change = client.post(reverse("admin:feedback_appeal_change", args=[appeal.pk]), {"status": "closed"})
    deleted = client.post(reverse("admin:feedback_appeal_delete", args=[appeal.pk]), {"post": "yes"})

    assert deleted.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OPEN and change.status_code in (200, 302, 403)
    assert client.get(reverse("admin:feedback_appeal_add")).status_code == 403


def test_audit_trail_is_read_only_in_admin(client, administrator):
    entry = AuditEntry.objects.create(concern=ConcernFactory(), actor=administrator, action="view_contact")
    client.force_login(administrator)
    response = client.post(reverse("admin:feedback_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_resolution_check_task_queues_messages():
    from datetime import timedelta

    from feedback.tasks import resolution_checks_queue
    from notifications.models import Message

    ConcernFactory(status=Status.CLOSED, closing_reason="resolved", closed_at=timezone.now() - timedelta(days=15))
    resolution_checks_queue.delay()
    assert list(Message.objects.values_list("purpose", flat=True)) == ["concern_resolution_check"]


def test_staff_reach_the_recording_form_from_the_queue(staff_client, forum):
    from datetime import timedelta

    from tests.events.factories import ForumFactory

    past = ForumFactory(title="Past forum", starts_at=timezone.now() - timedelta(days=3))
    page = staff_client.get(reverse("feedback:queue")).content.decode()
    assert reverse("feedback:forum_concern_record", kwargs={"slug": past.slug}) in page
    assert reverse("feedback:forum_concern_record", kwargs={"slug": forum.slug}) not in page  # a month ahead
    record = staff_client.get(reverse("feedback:forum_concern_record", kwargs={"slug": past.slug})).content.decode()
    assert f'href="{reverse("events:manage_forum_edit", kwargs={"slug": past.slug})}"' not in record
    assert f'href="{reverse("feedback:queue")}"' in record


def test_queue_search_finds_words_inside_khmer_text(staff_client):
    concern = ConcernFactory(description="ខ្ញុំមិនទាន់បានទទួលប្រាក់ឧបត្ថម្ភមាតុភាពទេ។")
    ConcernFactory(description="Card lost at the branch office.")

    response = staff_client.get(reverse("feedback:queue"), {"q": "ឧបត្ថម្ភ"})

    assert [c.pk for c in response.context["concerns"]] == [concern.pk]
