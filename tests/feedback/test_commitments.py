"""Commitments: made and updated by NSSF staff, followed in public, their followers told once per change."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Province
from feedback import commitment_services as services
from feedback.models import Commitment, CommitmentFollower, CommitmentUpdate, Concern
from notifications.models import Message
from notifications.rendering import message_render
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Commitment.Status


def _commitment(**overrides) -> Commitment:
    fields = {
        "title_km": "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល",
        "title_en": "Pay maternity allowance on time",
        "description_en": "Claims are paid within 30 days of a complete file.",
    }
    fields.update(overrides)
    return services.commitment_create(actor=None, **fields)


def _province(name):
    return Province.objects.get(name_en=name)


# --- Making and updating ---------------------------------------------------------------------------------------


def test_staff_create_a_commitment_from_the_page(staff_client, nssf_staff, forum):
    data = {
        "title_km": "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល",
        "title_en": "Pay maternity allowance on time",
        "description_km": "",
        "description_en": "Within 30 days.",
        "institution": "nssf",
        "forums": [forum.pk],
        "responsible_unit_en": "Benefits department",
        "responsible_staff": nssf_staff.pk,
        "due_date": "2027-06-30",
        "categories": ["maternity", "payments"],
        "provinces": [_province("Kampot").pk],
        "slug": "maternity-on-time",
    }

    response = staff_client.post(reverse("feedback:commitment_create"), data)

    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:commitment_manage", kwargs={"pk": commitment.pk})
    assert (commitment.title_en, commitment.slug, commitment.status, commitment.progress) == (
        "Pay maternity allowance on time",
        "maternity-on-time",
        Status.PLANNED,
        0,
    )
    assert list(commitment.forums.all()) == [forum]
    assert sorted(commitment.category_rows.values_list("category", flat=True)) == ["maternity", "payments"]
    assert commitment.responsible_staff == nssf_staff
    assert list(commitment.updates.values_list("kind", flat=True)) == [CommitmentUpdate.Kind.CREATED]
    with translation.override("km"):
        assert commitment.title == "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល"
    with translation.override("en"):
        assert commitment.title == "Pay maternity allowance on time"


def test_create_without_a_khmer_title_is_refused(staff_client):
    response = staff_client.post(
        reverse("feedback:commitment_create"), {"title_en": "Only English", "institution": "nssf"}
    )
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_english_falls_back_to_khmer():
    commitment = _commitment(title_en="")
    with translation.override("en"):
        assert commitment.title == "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល"


def test_staff_edit_keeps_the_status(staff_client):
    commitment = _commitment()
    services.commitment_update(commitment=commitment, actor=None, status=Status.IN_PROGRESS, progress=30)
    data = {
        "title_km": "ចំណងជើងថ្មី",
        "title_en": "New title",
        "institution": "ministry",
        "institution_name_en": "Ministry of Labour",
    }

    response = staff_client.post(reverse("feedback:commitment_edit", kwargs={"pk": commitment.pk}), data)

    commitment.refresh_from_db()
    assert response.status_code == 302
    assert (commitment.title_en, commitment.institution_label, commitment.status, commitment.progress) == (
        "New title",
        "Ministry of Labour",
        Status.IN_PROGRESS,
        30,
    )


def test_update_changes_status_and_progress_with_a_timeline_entry(staff_client, nssf_staff):
    commitment = _commitment()
    url = reverse("feedback:commitment_update", kwargs={"pk": commitment.pk})

    response = staff_client.post(
        url, {"update-status": "in_progress", "update-progress": "40", "update-text_en": "Claims desk opened."}
    )

    commitment.refresh_from_db()
    update = commitment.updates.order_by("-pk").first()
    assert response.status_code == 302
    assert (commitment.status, commitment.progress) == (Status.IN_PROGRESS, 40)
    assert (update.kind, update.from_status, update.to_status, update.text_en, update.author) == (
        CommitmentUpdate.Kind.STATUS,
        Status.PLANNED,
        Status.IN_PROGRESS,
        "Claims desk opened.",
        nssf_staff,
    )


def test_done_means_complete_and_dropped_needs_a_reason():
    commitment = _commitment()
    with pytest.raises(Exception, match="must have progress 100"):
        services.commitment_update(commitment=commitment, actor=None, status=Status.DONE, progress=50)
    with pytest.raises(Exception, match="Say why"):
        services.commitment_update(commitment=commitment, actor=None, status=Status.DROPPED)

    services.commitment_update(commitment=commitment, actor=None, status=Status.DONE)

    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (Status.DONE, 100)


def test_dropped_with_a_reason_shows_it_in_public(client):
    commitment = _commitment()
    services.commitment_update(
        commitment=commitment, actor=None, status=Status.DROPPED, dropped_reason_en="The law changed first."
    )

    response = client.get(commitment.get_absolute_url())

    assert "The law changed first." in response.content.decode()


def test_progress_only_is_a_progress_entry():
    commitment = _commitment()
    update = services.commitment_update(commitment=commitment, actor=None, progress=20)
    assert (update.kind, update.progress) == (CommitmentUpdate.Kind.PROGRESS, 20)
    assert services.commitment_update(commitment=commitment, actor=None, progress=20) is None


def test_milestones_added_and_reached_once(staff_client):
    commitment = _commitment()
    staff_client.post(
        reverse("feedback:commitment_milestone", kwargs={"pk": commitment.pk}),
        {"milestone-title_km": "បើកបញ្ជរ", "milestone-title_en": "Open the desk", "milestone-due_date": "2027-03-01"},
    )
    milestone = commitment.milestones.get()
    url = reverse("feedback:commitment_milestone_reached", kwargs={"pk": milestone.pk})

    staff_client.post(url)
    staff_client.post(url)

    milestone.refresh_from_db()
    assert milestone.title_en == "Open the desk"
    assert milestone.reached_on == timezone.localdate()
    assert commitment.updates.filter(kind=CommitmentUpdate.Kind.MILESTONE).count() == 1


def test_link_concerns_by_tracking_code_all_or_none(staff_client):
    commitment = _commitment()
    first, second = ConcernFactory(), ConcernFactory()
    url = reverse("feedback:commitment_link", kwargs={"pk": commitment.pk})

    refused = staff_client.post(url, {"link-codes": f"{first.display_code}, ZZZZZ-ZZZZZ"})
    assert refused.status_code == 400
    assert not commitment.concerns.exists()

    staff_client.post(url, {"link-codes": f"{first.display_code}\n{second.tracking_code.lower()}"})
    assert set(commitment.concerns.all()) == {first, second}


def test_programme_officer_reads_but_cannot_change(client, programme_officer):
    commitment = _commitment()
    client.force_login(programme_officer)

    page = client.get(reverse("feedback:commitment_manage", kwargs={"pk": commitment.pk}))
    post = client.post(
        reverse("feedback:commitment_update", kwargs={"pk": commitment.pk}),
        {"update-status": "done", "update-progress": "100"},
    )

    assert page.status_code == 200
    assert "Save the update" not in page.content.decode()
    assert post.status_code == 403
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED


# --- Bulk CSV --------------------------------------------------------------------------------------------------


def _upload(client, text: str):
    upload = SimpleUploadedFile("updates.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("feedback:commitment_csv"), {"file": upload})


def test_csv_updates_every_row(staff_client):
    first, second = _commitment(slug="desk"), _commitment()
    text = f"commitment,status,progress,note_en\ndesk,in progress,45,Desk open\n{second.pk},done,100,\n"

    response = _upload(staff_client, text)

    first.refresh_from_db()
    second.refresh_from_db()
    report = response.context["report"]
    assert response.status_code == 200
    assert report.applied
    assert [(row.number, row.outcome) for row in report.rows] == [(2, "changed"), (3, "changed")]
    assert (first.status, first.progress) == (Status.IN_PROGRESS, 45)
    assert (second.status, second.progress) == (Status.DONE, 100)
    assert first.updates.filter(kind=CommitmentUpdate.Kind.STATUS, text_en="Desk open").exists()


def test_csv_with_an_invalid_row_changes_nothing(staff_client):
    first, second = _commitment(), _commitment()
    ConcernFactory().commitments.add(first)
    updates_before = CommitmentUpdate.objects.count()
    text = (
        "commitment,status,progress\n"
        f"{first.pk},in_progress,50\n"
        f"{second.pk},done,60\n"
        "999999,planned,0\n"
        f"{first.pk},planned,abc\n"
    )

    response = _upload(staff_client, text)

    report = response.context["report"]
    assert response.status_code == 400
    assert not report.applied
    assert [bool(row.errors) for row in report.rows] == [False, True, True, True]
    assert "must have progress 100" in " ".join(report.rows[1].errors)
    assert "999999" in " ".join(report.rows[2].errors)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.progress, second.status, second.progress) == (Status.PLANNED, 0, Status.PLANNED, 0)
    assert CommitmentUpdate.objects.count() == updates_before
    assert not Message.objects.exists()
    assert "Nothing was changed." in response.content.decode()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"id,state\n1,done\n", "The file needs the columns"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"commitment,status,progress\n", "no rows"),
    ],
)
def test_csv_that_cannot_be_read_changes_nothing(staff_client, content, error):
    _commitment()
    upload = SimpleUploadedFile("x.csv", content, content_type="text/csv")
    response = staff_client.post(reverse("feedback:commitment_csv"), {"file": upload})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CommitmentUpdate.objects.exclude(kind=CommitmentUpdate.Kind.CREATED).exists()


# --- Public pages ----------------------------------------------------------------------------------------------


def test_public_page_counts_workers_and_provinces_without_personal_data(client):
    commitment = _commitment()
    concerns = [
        ConcernFactory(contact_name="Srey Leak", contact_phone="+85512345678", province=_province("Kampot")),
        ConcernFactory(contact_name="Sok Dara", contact_phone="+85598765432", province=_province("Kampot")),
        ConcernFactory(contact_name="Chan Thy", province=_province("Takeo")),
    ]
    commitment.concerns.add(*concerns)
    services.commitment_update(commitment=commitment, actor=None, status=Status.IN_PROGRESS, progress=35)

    response = client.get(commitment.get_absolute_url())

    text = response.content.decode()
    assert response.status_code == 200
    assert "Raised by 3 workers in 2 provinces." in text
    assert '<progress class="w-100" value="35" max="100"' in text
    assert not re.search(r"\sstyle=", text)
    for concern in concerns:
        for private in (concern.contact_name, concern.contact_phone, concern.description, concern.display_code):
            assert private not in text


def test_public_page_by_slug_and_by_number(client):
    commitment = _commitment(slug="maternity-on-time")
    assert client.get("/en/commitments/maternity-on-time/").status_code == 200
    assert client.get(f"/en/commitments/{commitment.pk}/").status_code == 200
    assert client.get("/en/commitments/nothing-here/").status_code == 404


def test_public_list_filters(client):
    kampot_forum = ForumFactory()
    first = _commitment(title_en="First")
    first.forums.add(kampot_forum)
    first.provinces.add(_province("Kampot"))
    second = _commitment(title_en="Second", categories=["pension"])
    services.commitment_update(commitment=second, actor=None, status=Status.DONE)

    def titles(**query):
        response = client.get(reverse("feedback:commitment_list"), query)
        return sorted(c.title for c in response.context["commitments"])

    assert titles() == ["First", "Second"]
    assert titles(status="done") == ["Second"]
    assert titles(category="pension") == ["Second"]
    assert titles(province=_province("Kampot").pk) == ["First"]
    assert titles(forum=kampot_forum.pk) == ["First"]
    assert titles(series=kampot_forum.series_id) == ["First"]
    assert client.get(reverse("feedback:commitment_list"), {"forum": "x", "status": "evil"}).status_code == 200


def _add_commitments(n):
    forum = ForumFactory()
    for index in range(n):
        commitment = _commitment(title_en=f"C{index}", categories=["maternity"])
        commitment.forums.add(forum)
        commitment.provinces.add(_province("Kampot"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["feedback:commitment_list", "feedback:commitment_manage_list"])
def test_list_query_count_is_constant(staff_client, name):
    _add_commitments(1)
    one = _queries(staff_client, reverse(name))
    _add_commitments(6)
    assert _queries(staff_client, reverse(name)) == one


def test_forum_page_shows_its_commitments_and_the_share_done_or_on_track(client, forum):
    done, on_track, late = (_commitment(title_en=title) for title in ("Done one", "On track", "Late"))
    _commitment(title_en="Elsewhere")
    for commitment in (done, on_track, late):
        commitment.forums.add(forum)
    services.commitment_update(commitment=done, actor=None, status=Status.DONE)
    Commitment.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))

    forum_page = client.get(reverse("feedback:forum_accountability", kwargs={"slug": forum.slug}))
    series_page = client.get(reverse("feedback:series_accountability", kwargs={"slug": forum.series.slug}))

    for response in (forum_page, series_page):
        text = response.content.decode()
        assert "67% of commitments are done or on track: 1 done and 1 on track, out of 3." in text
        assert "Done one" in text and "Late" in text and "Elsewhere" not in text


# --- Followers -------------------------------------------------------------------------------------------------


def test_follow_form_records_a_follower_with_consent(client):
    commitment = _commitment()
    url = commitment.get_absolute_url()

    refused = client.post(url, {"channel": "sms", "phone": "012 345 678", "language": "km"})
    accepted = client.post(url, {"channel": "sms", "phone": "012 345 678", "language": "km", "consent": "on"})
    again = client.post(url, {"channel": "sms", "phone": "012345678", "language": "en", "consent": "on"})

    assert refused.status_code == 400
    assert accepted.status_code == 302 and again.status_code == 302
    follower = CommitmentFollower.objects.get()
    assert (follower.phone, follower.language, follower.consent) == ("+85512345678", "en", True)


def test_follow_form_is_rate_limited(client, settings):
    commitment = _commitment()
    limit = settings.FEEDBACK_SUBMIT_RATE[0]
    data = {"channel": "email", "email": "", "language": "km", "consent": "on"}
    statuses = [client.post(commitment.get_absolute_url(), data).status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [400] * limit
    assert statuses[-1] == 429


def test_followers_are_told_once_per_change_in_their_language():
    commitment = _commitment()
    english = ConcernFactory(language="en", contact_phone="+85512345678")
    khmer = ConcernFactory(language="km", contact_phone="+85511111111")
    same_person = ConcernFactory(language="en", contact_phone="+85512345678")
    silent = ConcernFactory(anonymous=True, contact_name="", contact_phone="", consent_to_contact=False)
    commitment.concerns.add(english, khmer, same_person, silent)
    services.commitment_follow(
        commitment=commitment, channel="email", email="dara@example.org", language="km", consent=True
    )
    # The same phone as a linked concern: told once.
    services.commitment_follow(commitment=commitment, channel="sms", phone="+85511111111", language="km", consent=True)

    update = services.commitment_update(commitment=commitment, actor=None, status=Status.IN_PROGRESS, progress=10)
    services.commitment_followers_notify(commitment=commitment, update=update)  # a retry: nothing more
    services.commitment_update(commitment=commitment, actor=None, progress=20)  # progress only: no news

    messages = list(Message.objects.filter(purpose=services.COMMITMENT_STATUS).order_by("pk"))
    assert sorted((m.channel, m.to_phone or m.to_email, m.language) for m in messages) == [
        ("email", "dara@example.org", "km"),
        ("sms", "+85511111111", "km"),
        ("sms", "+85512345678", "en"),
    ]
    assert Message.objects.count() == 3
    texts = {m.language: message_render(m)[1] for m in messages}
    assert "Pay maternity allowance on time" in texts["en"] and "In progress" in texts["en"]
    assert "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល" in texts["km"]
    assert "Pay maternity allowance" not in texts["km"]
    concern_message = next(m for m in messages if m.to_phone == "+85512345678")
    assert concern_message.context["concern_id"] == english.pk


def test_milestone_reached_tells_followers_once(django_capture_on_commit_callbacks):
    commitment = _commitment()
    commitment.concerns.add(ConcernFactory(language="en"))
    milestone = services.commitment_milestone_add(
        commitment=commitment, actor=None, title_km="បើកបញ្ជរ", title_en="Open the desk"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_milestone_reach(milestone=milestone, actor=None)
    with pytest.raises(Exception, match="already reached"):
        services.commitment_milestone_reach(milestone=milestone, actor=None)

    message = Message.objects.get(purpose=services.COMMITMENT_MILESTONE)
    assert message.status == Message.Status.SENT
    assert "Open the desk" in message_render(message)[1]


def test_erased_contact_is_not_told(nssf_staff):
    from feedback.retention import ErasureReason, concern_contact_erase

    commitment = _commitment()
    concern = ConcernFactory()
    commitment.concerns.add(concern)
    concern_contact_erase(concern=concern, actor=nssf_staff, reason=ErasureReason.PERSON_REQUEST)

    services.commitment_update(commitment=commitment, actor=None, status=Status.IN_PROGRESS)

    assert not Message.objects.exists()
    assert Concern.objects.get(pk=concern.pk).contact_phone == ""


def test_followers_of_a_long_finished_commitment_are_forgotten():
    from feedback.retention import commitment_followers_erase_expired

    commitment = _commitment()
    services.commitment_follow(commitment=commitment, channel="sms", phone="+85512345678", language="km", consent=True)
    services.commitment_update(commitment=commitment, actor=None, status=Status.DONE)
    message = Message.objects.get()
    assert message.to_phone == "+85512345678"

    assert commitment_followers_erase_expired() == 0
    later = timezone.now() + timedelta(days=365 * 3)
    assert commitment_followers_erase_expired(now=later) == 1
    assert commitment_followers_erase_expired(now=later) == 0

    message.refresh_from_db()
    assert not CommitmentFollower.objects.exists()
    assert "+85512345678" not in (message.to_phone, str(message.context))


def test_telegram_follower_is_told_in_the_linked_chat_else_by_sms():
    from notifications.models import TelegramChat

    commitment = _commitment()
    TelegramChat.objects.create(phone="+85512345678", chat_id="4242")
    for phone in ("+85512345678", "+85598765432"):
        services.commitment_follow(commitment=commitment, channel="telegram", phone=phone, language="en", consent=True)

    services.commitment_update(commitment=commitment, actor=None, status=Status.IN_PROGRESS)

    sent = sorted(Message.objects.values_list("channel", "to_telegram_chat", "to_phone"))
    assert sent == [("sms", "", "+85598765432"), ("telegram", "4242", "+85512345678")]


def test_administrator_opens_the_commitment_admin(admin_client):
    commitment = _commitment()
    assert admin_client.get(reverse("admin:feedback_commitment_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:feedback_commitment_change", args=[commitment.pk])).status_code == 200


@pytest.mark.parametrize("key", ["9" * 30, "x" * 200, "0", "-1"])
def test_public_page_of_an_impossible_key_is_not_found(client, key):
    assert client.get(f"/en/commitments/{key}/").status_code == 404


def test_csv_with_a_huge_number_reports_the_row(staff_client):
    response = _upload(staff_client, "commitment,status,progress\n" + "9" * 30 + ",planned,0\n")
    assert response.status_code == 400
    assert "No commitment has the number" in response.content.decode()


def test_long_slug_page(client):
    slug = "a-long-short-name-for-the-maternity-allowance-commitment"
    commitment = _commitment(slug=slug)
    assert client.get(f"/en/commitments/{slug}/").context["commitment"] == commitment
