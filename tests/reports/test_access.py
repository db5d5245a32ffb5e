"""Who sees what: programme officers see every figure and nothing personal; organizers no sensitive concern;
concern exports follow the queue's filters and the reader's rights, and each is audited."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from tests.reports.conftest import CONCERN_CONTACT, NAMES, PHONES, SENSITIVE_TEXT, pdf_text

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(response) -> str:
    """Return what a reader of the response sees: HTML, CSV, the cells of an XLSX or the text of a PDF."""
    body = _body(response)
    kind = response["Content-Type"]
    if kind == "application/pdf":
        return pdf_text(body)
    if "spreadsheetml" in kind:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return "\n".join("\t".join(str(value or "") for value in row) for row in sheet.iter_rows(values_only=True))
    return body.decode()


def _pages(world):
    forum, series = {"slug": world.forum.slug}, {"slug": world.series.slug}
    return [
        ("reports:index", {}),
        ("reports:forum_dashboard", forum),
        ("reports:forum_report", forum),
        ("reports:forum_report_pdf", forum),
        ("reports:series_dashboard", series),
        ("reports:series_report", series),
        ("reports:series_report_pdf", series),
        ("reports:desk_dashboard", {}),
        ("reports:participants_anonymised_csv", series),
        ("reports:participants_anonymised_xlsx", series),
    ]


def _personal(world) -> list[str]:
    descriptions = [concern.description for concern in world.concerns]
    return [*NAMES, *PHONES, *(phone[4:] for phone in PHONES), SENSITIVE_TEXT, CONCERN_CONTACT, *descriptions]


def test_programme_officer_gets_every_report_and_export_without_personal_data(client, world, programme_officer):
    client.force_login(programme_officer)
    personal = _personal(world)

    for name, kwargs in _pages(world):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        text = _text(response)
        assert [value for value in personal if value in text] == [], name
    assert world.sensitive.tracking_code not in _text(client.get(reverse("reports:desk_dashboard")))


def test_programme_officer_may_not_export_concerns_or_the_participant_list(client, world, programme_officer):
    client.force_login(programme_officer)

    for name, kwargs in [
        ("reports:concerns_csv", {}),
        ("reports:concerns_xlsx", {}),
        ("participants:export_csv", {"slug": world.forum.slug}),
        ("feedback:concern_detail", {"code": world.concerns[0].tracking_code}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name


def test_anonymised_export_describes_people_without_naming_them(client, world, programme_officer):
    client.force_login(programme_officer)

    response = client.get(reverse("reports:participants_anonymised_csv", kwargs={"slug": world.series.slug}))

    rows = list(csv.DictReader(io.StringIO(_body(response).decode().lstrip("\ufeff"))))
    assert len(rows) == 8
    assert set(rows[0]) >= {"Forum", "Gender", "Age group", "Disability (Washington Group)", "Province", "Attended"}
    assert not {"Full name", "Phone", "Email", "NSSF number", "Organisation"} & set(rows[0])
    assert sorted(row["Disability (Washington Group)"] for row in rows).count("With a disability") == 1
    assert sum(row["Attended"] == "Yes" for row in rows) == 5


def test_organizer_reports_never_show_a_sensitive_concern(client, world, organizer):
    client.force_login(organizer)

    for name in ("reports:forum_dashboard", "reports:forum_report", "reports:forum_report_pdf"):
        text = _text(client.get(reverse(name, kwargs={"slug": world.forum.slug})))
        assert SENSITIVE_TEXT not in text and world.sensitive.tracking_code not in text, name
        assert CONCERN_CONTACT not in text


def test_organizer_sees_exact_small_numbers_and_programme_officer_a_note(client, world, organizer, programme_officer):
    url = reverse("reports:forum_dashboard", kwargs={"slug": world.forum.slug})
    client.force_login(organizer)
    page = _text(client.get(url))
    assert 'data-testid="waiting">1<' in page and "small-numbers-note" not in page

    client.force_login(programme_officer)
    page = _text(client.get(url))
    assert 'data-testid="waiting">fewer than 3<' in page and "small-numbers-note" in page


def _concern_rows(client, query="", language="en"):
    response = client.get(f"/{language}/manage/concerns/export.csv{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(_body(response).decode().lstrip("\ufeff"))))


def test_concern_export_follows_the_queue_filters_and_hides_sensitive_concerns_from_staff(client, world, nssf_staff):
    client.force_login(nssf_staff)

    rows = _concern_rows(client)
    assert {row["Tracking code"] for row in rows} == {concern.tracking_code for concern in world.concerns}
    assert rows[0]["Name"] == CONCERN_CONTACT or rows[1]["Name"] == CONCERN_CONTACT  # staff may see contacts
    assert _concern_rows(client, "?status=acknowledged")[0]["Tracking code"] == world.concerns[1].tracking_code
    assert len(_concern_rows(client, "?category=pension")) == 0


def test_concern_export_includes_sensitive_concerns_for_a_supervisor_and_is_audited(client, world, nssf_supervisor):
    client.force_login(nssf_supervisor)

    rows = _concern_rows(client, "?category=staff_conduct&q=money")

    assert [row["Description"] for row in rows] == [SENSITIVE_TEXT]
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type) == (nssf_supervisor, "export", "concern")
    # Filters and the row count, but not the words searched for (they may name someone).
    assert event.detail == "concerns.csv with contacts rows=1 filters=category=staff_conduct,q=…"


def test_concern_xlsx_is_in_the_readers_language(client, world, nssf_staff):
    client.force_login(nssf_staff)

    response = client.get("/km/manage/concerns/export.xlsx")

    sheet = load_workbook(io.BytesIO(_body(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    gender = rows[0].index(next(header for header in rows[0] if header in ("Gender", "ភេទ")))
    assert {row[gender] for row in rows[1:]} == {"ស្ត្រី"}
    assert len(rows) == 3
