"""The CSV exports: on PostgreSQL the database formats the cells and COPY writes them; the text is the same as
the Python writer's (the path SQLite takes), cell for cell and byte for byte."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from events import people
from feedback.models import Concern
from reports import exports
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _both(queryset, columns) -> tuple[bytes, bytes]:
    """Return the CSV as this database writes it, and as the Python writer does."""
    chunks = exports.csv_lines(queryset, columns)
    header = next(chunks).encode()
    written = header + b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in chunks)
    python = header + "".join(exports._csv_lines_python(queryset, columns)).encode()
    return written, python


@pytest.fixture
def varied_concerns(nssf_staff):
    forum = ForumFactory(title_km="វេទិកាស្តីពីសន្តិសុខសង្គម", title_en='Forum, "Sihanoukville"')
    ConcernFactory(
        forum=forum,
        description='=HYPERLINK("http://example.org") and a line\nbreak, with "quotes"',
        contact_name="+855 starts like a formula",
        public_response="-minus first",
        received_at=datetime(2026, 6, 5, 16, 59, tzinfo=UTC),  # 23:59 in Phnom Penh
        acknowledged_at=datetime(2026, 6, 5, 17, 1, tzinfo=UTC),  # the next day there
        status=Concern.Status.ACKNOWLEDGED,
        assignee=nssf_staff,
        sensitive=True,
        priority=Concern.Priority.HIGH,
    )
    ConcernFactory(
        forum=None,
        province=None,
        category=Concern.Category.PENSION,
        description="ប្រាក់សោធននិវត្តន៍មិនទាន់បានទទួល\t@ tab and at",
        contact_name="",
        contact_phone="",
        consent_to_contact=False,
        anonymous=True,
        gender="",
        sector=people.Sector.INFORMAL,
        status=Concern.Status.CLOSED,
        closing_reason=Concern.ClosingReason.RESOLVED,
        closed_at=datetime(2026, 6, 30, 2, tzinfo=UTC),
        resolution_answer=Concern.Resolution.PARTLY,
        first_resolve_due=None,
    )
    ConcernFactory(description="  leading and trailing spaces  ", contact_email="a@example.org")
    return Concern.objects.order_by("pk")


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("with_contacts", [True, False])
def test_the_concern_csv_is_the_same_from_copy_and_from_python(varied_concerns, language, with_contacts):
    with translation.override(language):
        columns = exports.concern_columns(with_contacts=with_contacts)
        written, python = _both(exports.concerns_for_export(varied_concerns), columns)

    assert written == python
    rows = list(csv.reader(io.StringIO(written.decode().removeprefix("\ufeff"))))
    assert len(rows) == 4 and len({len(row) for row in rows}) == 1
    cells = dict(zip(rows[0], rows[1], strict=True))
    description = cells["Description" if language == "en" else rows[0][16]]
    assert description.startswith("'=HYPERLINK") and "\n" in description


def test_the_anonymised_participant_csv_is_the_same_from_copy_and_from_python():
    forum = ForumFactory()
    RegistrationFactory(forum=forum, gender=people.Gender.WOMAN, difficulty_walking=people.Difficulty.CANNOT)
    RegistrationFactory(forum=forum, gender=people.Gender.UNDISCLOSED, nssf_member=True)
    with translation.override("km"):
        columns = exports.anonymised_participant_columns()
        written, python = _both(exports.participants_for_export(forum.registrations.all()), columns)

    assert written == python
    assert len(written.decode().splitlines()) == 3


def test_postgresql_writes_the_csv_with_copy(varied_concerns):
    columns = exports.concern_columns(with_contacts=False)
    chunks = exports.csv_lines(exports.concerns_for_export(varied_concerns), columns)
    next(chunks)  # the BOM and the header

    body = list(chunks)

    # COPY's bytes on PostgreSQL; Python's text elsewhere.
    assert all(isinstance(chunk, bytes) == (connection.vendor == "postgresql") for chunk in body)


def _sheet(body: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(value for value in row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_concern_xlsx_reads_the_same_written_by_the_database_or_by_openpyxl(varied_concerns, language):
    ConcernFactory(description="A bell \x07 and a form feed \x0c: <b>&amp;</b> stay text", contact_name="  Srey  ")
    queryset = exports.concerns_for_export(Concern.objects.order_by("pk"))
    with translation.override(language):
        columns = exports.concern_columns(with_contacts=True)
        written = b"".join(exports.xlsx_chunks(queryset, columns, sheet="Concerns"))
        spool = io.BytesIO()
        exports._xlsx_python(spool, queryset, columns, sheet="Concerns")

    rows, expected = _sheet(written), _sheet(spool.getvalue())
    assert rows == expected
    assert len(rows) == 5 and rows[0][0] == columns[0].header
    description = rows[4][16]
    assert description == "A bell  and a form feed : <b>&amp;</b> stay text"
    assert rows[4][30] == "  Srey  "  # the blanks kept (xml:space="preserve")
    assert rows[1][16].startswith("'=HYPERLINK") and "\n" in rows[1][16]


def test_an_empty_export_is_a_workbook_with_its_header_only():
    columns = exports.concern_columns(with_contacts=False)

    written = b"".join(exports.xlsx_chunks(exports.concerns_for_export(Concern.objects.none()), columns, sheet="C"))

    assert _sheet(written) == [tuple(column.header for column in columns)]


def test_the_anonymised_participant_xlsx_reads_the_same_written_by_the_database_or_by_openpyxl():
    forum = ForumFactory()
    RegistrationFactory(forum=forum, gender=people.Gender.WOMAN, difficulty_walking=people.Difficulty.CANNOT)
    RegistrationFactory(forum=forum, gender=people.Gender.UNDISCLOSED, nssf_member=True)
    queryset = exports.participants_for_export(forum.registrations.all())
    with translation.override("km"):
        columns = exports.anonymised_participant_columns()
        written = b"".join(exports.xlsx_chunks(queryset, columns, sheet="Participants"))
        spool = io.BytesIO()
        exports._xlsx_python(spool, queryset, columns, sheet="Participants")

    assert _sheet(written) == _sheet(spool.getvalue())
    assert len(_sheet(written)) == 3
