"""The PDF reports read back: title, totals, and Khmer with its subscript consonants intact."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

KHMER_TITLE = "វេទិកាស្ត្រី"  # "women's forum": ស្ត្រី stacks two subscript consonants (U+17D2 coeng)


def _pdf(client, url):
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return pdf_text(response.content)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_forum_report_pdf_has_title_totals_and_intact_khmer(client, world, organizer):
    client.force_login(organizer)
    world.forum.title = KHMER_TITLE
    world.forum.save()

    english = _squeezed(_pdf(client, reverse("reports:forum_report_pdf", kwargs={"slug": world.forum.slug})))
    assert "Post-forum report:" in english
    assert "Registered (confirmed or waiting): 7" in english
    assert "Checked in: 5" in english
    assert "Attendance rate (checked in of confirmed): 83%" in english

    response = client.get(f"/km/manage/forums/{world.forum.slug}/report.pdf")
    pages = PdfReader(io.BytesIO(response.content)).pages
    khmer = "".join(page.extract_text() for page in pages)
    words = "".join(khmer.split())
    assert KHMER_TITLE in words
    # The gender label "Woman" from the Khmer catalogue, shaped and read back as typed.
    assert "ស្ត្រី" in words.replace(KHMER_TITLE, "")


def test_series_report_pdf_has_every_forum_and_the_totals(client, world, programme_officer):
    client.force_login(programme_officer)

    text = _squeezed(_pdf(client, reverse("reports:series_report_pdf", kwargs={"slug": world.series.slug})))

    assert f"Series report: {world.series.title}" in text
    assert world.forum.title in text and world.empty.title in text
    assert "Maternity allowance" in text


def test_reports_list_the_commitments_made_and_the_share_done_or_on_track(client, world, organizer):
    """The post-forum and series reports carry the forum's commitments and the ISAF indicator."""
    from feedback import commitment_services
    from feedback.models import Commitment

    commitment_services.commitment_create(
        actor=None, forums=[world.forum], title_km="បង់ប្រាក់ទាន់ពេល", title_en="Pay allowances on time"
    )
    commitment_services.commitment_create(
        actor=None,
        forums=[world.forum],
        title_km="បើកការិយាល័យ",
        title_en="Open a provincial office",
        status=Commitment.Status.DONE,
    )
    client.force_login(organizer)

    forum_report = client.get(reverse("reports:forum_report", kwargs={"slug": world.forum.slug})).content.decode()
    series_report = _pdf(client, reverse("reports:series_report_pdf", kwargs={"slug": world.series.slug}))

    assert "Pay allowances on time" in forum_report and "Open a provincial office" in forum_report
    assert "100% done or on track: 1 done and 1 on track of 2 commitments." in _squeezed(forum_report)
    assert "Open a provincial office" in series_report
