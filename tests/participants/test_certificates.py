"""Certificates of attendance: only for those checked in, checkable by anyone who holds the code."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from participants import services
from participants.models import Certificate, Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory
from tests.participants.test_exports import KHMER_NAME, _pdf_streams

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    """Return the PDF's objects, compressed or not, as text (fonts may sit in either)."""
    return pdf.decode("latin-1") + _pdf_streams(pdf)


def _assert_khmer_shaped(pdf: bytes) -> None:
    text = _pdf_text(pdf)
    assert re.search(r"/BaseFont /[A-Z]{6}\+Noto-Sans-Khmer", text)
    # HarfBuzz shaped "ស្រ" (sa, coeng, ro) into one glyph: the subscript consonant is drawn.
    assert re.search(r"<[0-9a-f]{4}> <179f17d2179a>", text.lower())


def _pages(pdf: bytes) -> int:
    return len(re.findall(r"/Type /Page[^s]", _pdf_text(pdf)))


def _checked_in(**kwargs):
    return RegistrationFactory(checked_in_at=timezone.now(), **kwargs)


def test_certificate_downloads_from_the_self_service_link_with_the_khmer_name_shaped(client):
    registration = _checked_in(full_name=KHMER_NAME, preferred_language="km")
    token = services.registration_token(registration=registration)

    response = client.get(reverse("participants:certificate", kwargs={"token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get(registration=registration)
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.code}.pdf"'
    _assert_khmer_shaped(response.content)
    assert "/Lang (km)" in _pdf_text(response.content)
    assert _pages(response.content) == 1


def test_certificate_keeps_its_code_when_downloaded_again(client):
    registration = _checked_in()
    url = reverse("participants:certificate", kwargs={"token": services.registration_token(registration=registration)})

    client.get(url)
    client.get(url)

    assert Certificate.objects.filter(registration=registration).count() == 1


def test_certificate_still_downloads_after_the_forum(client, time_machine):
    registration = _checked_in()
    token = services.registration_token(registration=registration)
    time_machine.move_to(registration.forum.ends_at + timezone.timedelta(days=20))

    response = client.get(reverse("participants:certificate", kwargs={"token": token}))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # registered but never checked in
        {"checked_in_at": timezone.now(), "status": Registration.Status.CANCELLED},
        {"status": Registration.Status.WAITING},
    ],
)
def test_no_certificate_for_those_not_checked_in(client, overrides):
    registration = RegistrationFactory(**overrides)
    token = services.registration_token(registration=registration)

    response = client.get(reverse("participants:certificate", kwargs={"token": token}))

    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_certificate_with_a_forged_token_is_not_found(client):
    assert client.get(reverse("participants:certificate", kwargs={"token": "forged"})).status_code == 404


def test_self_service_page_offers_the_certificate_only_once_checked_in(client):
    registration = RegistrationFactory()
    token = services.registration_token(registration=registration)
    url = reverse("participants:manage", kwargs={"token": token})
    certificate_url = reverse("participants:certificate", kwargs={"token": token})

    assert certificate_url not in client.get(url).content.decode()
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    assert certificate_url in client.get(url).content.decode()


def test_verification_page_shows_only_the_name_forum_and_date(client):
    registration = _checked_in(full_name="Sophea Chan", phone="+85512999888", organisation="Union of Workers")
    certificate = services.certificate_issue(registration=registration)

    response = client.get(reverse("participants:certificate_verify", kwargs={"code": certificate.code}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sophea Chan" in page and registration.forum.title in page
    assert certificate.code_display in page
    assert "999888" not in page and "Union of Workers" not in page and registration.code not in page


def test_verification_accepts_the_code_as_printed_with_its_hyphen(client):
    certificate = services.certificate_issue(registration=_checked_in(full_name="Dara Sok"))

    response = client.get(reverse("participants:certificate_verify", kwargs={"code": certificate.code_display}))

    assert "Dara Sok" in response.content.decode()


def test_verification_of_an_unknown_code_says_only_not_found(client):
    _checked_in(full_name="Dara Sok")

    response = client.get(reverse("participants:certificate_verify", kwargs={"code": "ACDEFGHJKM"}))

    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found." in page and "Dara Sok" not in page


def test_verification_is_rate_limited(client):
    limit = settings.PARTICIPANTS_CERTIFICATE_VERIFY_RATE[0]
    url = reverse("participants:certificate_verify", kwargs={"code": "ACDEFGHJKM"})
    statuses = [client.get(url).status_code for _ in range(limit + 1)]

    assert statuses == [404] * limit + [429]


def test_organizers_download_every_checked_in_participants_certificate_in_one_pdf(organizer_client, organizer):
    forum = ForumFactory()
    attended = [_checked_in(forum=forum, full_name=KHMER_NAME), _checked_in(forum=forum, preferred_language="en")]
    RegistrationFactory(forum=forum)  # did not come
    _checked_in()  # another forum

    response = organizer_client.get(reverse("participants:certificates", kwargs={"slug": forum.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{forum.slug}-certificates.pdf"'
    assert sorted(Certificate.objects.values_list("registration_id", flat=True)) == sorted(r.pk for r in attended)
    assert _pages(response.content) == 2
    _assert_khmer_shaped(response.content)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_ref, event.detail) == (
        organizer,
        AuditEvent.Action.EXPORT,
        forum.slug,
        "participants:certificates",
    )


def test_bulk_certificates_are_for_organizers_only(client, nssf_staff):
    forum = ForumFactory()
    client.force_login(nssf_staff)

    response = client.get(reverse("participants:certificates", kwargs={"slug": forum.slug}))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
