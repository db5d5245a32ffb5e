"""Concerns received by the 1286 hotline, on paper, by letter or in person, recorded by NSSF staff."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import NSSF_STAFF
from events.models import Province
from feedback.calendar import add_working_days
from feedback.models import AuditEntry, Concern, ConcernAttachment
from feedback.retention import ErasureReason, concern_contact_erase
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**overrides):
    data = {
        "channel": Concern.Channel.HOTLINE,
        "received_on": (timezone.localdate() - timedelta(days=6)).isoformat(),
        "language": "km",
        "category": Concern.Category.PENSION,
        "description": "My old-age pension has not been paid since March.",
        "province": Province.objects.get(name_en="Kampot").pk,
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def test_intake_url_is_not_read_as_a_tracking_code():
    assert reverse("feedback:concern_intake") == "/en/manage/concerns/new/"


def test_hotline_concern_starts_the_clock_on_the_day_received(staff_client, nssf_staff, private_media):
    received_on = timezone.localdate() - timedelta(days=6)

    response = staff_client.post(reverse("feedback:concern_intake"), _data(received_on=received_on.isoformat()))

    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:concern_intake_done", kwargs={"code": concern.tracking_code})
    assert concern.channel == Concern.Channel.HOTLINE
    assert timezone.localdate(concern.received_at) == received_on
    assert concern.acknowledge_due == add_working_days(received_on, 2)
    assert concern.resolve_due == add_working_days(received_on, 30)
    assert concern.recorded_by == nssf_staff
    assert concern.language == "km"
    assert (concern.contact_name, concern.contact_phone, concern.consent_to_contact) == ("", "", False)


def test_done_page_gives_the_tracking_code_to_read_out(staff_client, private_media):
    staff_client.post(reverse("feedback:concern_intake"), _data())
    concern = Concern.objects.get()

    response = staff_client.get(reverse("feedback:concern_intake_done", kwargs={"code": concern.tracking_code}))

    assert response.status_code == 200
    assert f'data-testid="tracking-code">{concern.display_code}<' in response.content.decode()
    assert response.context["concern"] == concern


def test_paper_form_with_scans_and_consent(staff_client, png_bytes, private_media, settings):
    scans = [
        SimpleUploadedFile("page 1 of Sokha's form.png", png_bytes, content_type="image/png"),
        SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    data = _data(
        channel=Concern.Channel.PAPER,
        contact_name="Chan Sokha",
        contact_phone="012 345 678",
        consent_to_contact="on",
        attachments=scans,
    )

    response = staff_client.post(reverse("feedback:concern_intake"), data)

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.channel == Concern.Channel.PAPER
    assert (concern.contact_name, concern.contact_phone, concern.consent_to_contact) == (
        "Chan Sokha",
        "+85512345678",
        True,
    )
    stored = list(concern.attachments.order_by("pk"))
    assert [scan.content_type for scan in stored] == ["image/png", "application/pdf"]
    for scan in stored:
        # Private storage, a random name: the file name (often a person's name) is not kept.
        assert scan.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert "Sokha" not in scan.file.name
    assert not concern.attachment  # the single field of the public form stays empty


def test_letter_and_in_person_are_channels():
    values = set(Concern.Channel.values)
    assert {"hotline", "paper", "letter", "in_person"} <= values


def test_contact_without_consent_is_refused_and_nothing_saved(staff_client, private_media):
    response = staff_client.post(
        reverse("feedback:concern_intake"), _data(channel=Concern.Channel.LETTER, contact_phone="012 345 678")
    )

    assert response.status_code == 400
    assert "Keep contact details only when the person agreed to be contacted." in response.content.decode()
    assert not Concern.objects.exists()


def test_file_that_is_not_an_image_or_pdf_is_refused_whatever_its_name(staff_client, private_media):
    fake = SimpleUploadedFile("scan.png", b"MZ\x90\x00 not an image", content_type="image/png")

    response = staff_client.post(reverse("feedback:concern_intake"), _data(attachments=[fake]))

    assert response.status_code == 400
    assert "Send a photo (JPEG, PNG or WebP) or a PDF document." in response.content.decode()
    assert not Concern.objects.exists()
    assert not ConcernAttachment.objects.exists()


def test_received_date_in_the_future_is_refused(staff_client, private_media):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = staff_client.post(reverse("feedback:concern_intake"), _data(received_on=tomorrow.isoformat()))

    assert response.status_code == 400
    assert "The date received cannot be in the future." in response.content.decode()
    assert not Concern.objects.exists()


def test_scan_is_served_to_staff_with_an_audit_entry(staff_client, png_bytes, private_media, nssf_staff):
    scans = [SimpleUploadedFile("a.png", png_bytes, content_type="image/png")]
    staff_client.post(reverse("feedback:concern_intake"), _data(attachments=scans))
    scan = ConcernAttachment.objects.get()
    url = reverse("feedback:concern_attachment_file", kwargs={"code": scan.concern.tracking_code, "pk": scan.pk})

    detail = staff_client.get(scan.concern.get_absolute_url())
    response = staff_client.get(url)

    assert url in detail.content.decode()
    assert response.status_code == 200
    assert response.content == png_bytes
    assert response["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(
        concern=scan.concern, actor=nssf_staff, action=AuditEntry.Action.VIEW_ATTACHMENT
    ).exists()


def test_scan_of_another_concern_is_not_found(staff_client, png_bytes, private_media):
    staff_client.post(
        reverse("feedback:concern_intake"),
        _data(attachments=[SimpleUploadedFile("a.png", png_bytes, content_type="image/png")]),
    )
    staff_client.post(reverse("feedback:concern_intake"), _data())
    scan = ConcernAttachment.objects.get()
    other = Concern.objects.exclude(pk=scan.concern_id).get()

    response = staff_client.get(
        reverse("feedback:concern_attachment_file", kwargs={"code": other.tracking_code, "pk": scan.pk})
    )

    assert response.status_code == 404


def test_erasing_the_contact_deletes_the_scans(staff_client, png_bytes, private_media, nssf_staff):
    data = _data(
        contact_name="Chan Sokha",
        contact_phone="012 345 678",
        consent_to_contact="on",
        attachments=[SimpleUploadedFile("a.png", png_bytes, content_type="image/png")],
    )
    staff_client.post(reverse("feedback:concern_intake"), data)
    concern = Concern.objects.get()
    path = concern.attachments.get().file.path

    concern_contact_erase(concern=concern, actor=nssf_staff, reason=ErasureReason.PERSON_REQUEST)

    assert not ConcernAttachment.objects.exists()
    assert not os.path.exists(path)


def test_sensitive_concern_code_page_is_for_its_recorder_only(client, nssf_staff, private_media):
    client.force_login(nssf_staff)
    client.post(reverse("feedback:concern_intake"), _data(sensitive="on"))
    concern = Concern.objects.get()
    url = reverse("feedback:concern_intake_done", kwargs={"code": concern.tracking_code})
    assert client.get(url).status_code == 200

    client.force_login(_user_with_role(NSSF_STAFF))

    assert client.get(url).status_code == 404
