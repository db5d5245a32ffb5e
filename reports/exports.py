"""Files made for reporting: concerns for NSSF staff, anonymised participants for programme officers.

Rows are read with a server-side cursor (`iterator`) and written as they come: CSV is streamed, XLSX is written
by openpyxl's write-only mode to a temporary file (spooled to disk) and sent from there, so memory stays flat
whatever the number of rows. Headers and choice labels are in the language active when the columns are built.
On PostgreSQL the cells are formatted by the database (_cell_sql): the CSV is written by COPY, and the XLSX's
rows are written by the database into the sheet of the workbook openpyxl makes, both to a temporary file sent
from there; the same contents as the Python path (which SQLite uses), several times faster.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, Func, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Left, NullIf, TruncDate
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from events import people
from feedback.models import Concern
from feedback.selectors import overdue_q
from participants.models import Registration

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_PART = "xl/worksheets/sheet1.xml"
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    labels: dict | None = None
    kind: str = "text"  # text, date, datetime, bool


def cell_safe(value) -> str:
    """Return a cell's text so that a spreadsheet shows it and never runs it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _province_field() -> str:
    return "province__name_km" if get_language() == "km" else "province__name_en"


def _choice(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _converter(column: Column, *, zone, yes: str, no: str):
    """Return the function that turns one value of `column` into the text of its cell."""
    if column.labels is not None:
        labels = column.labels
        return lambda value: cell_safe(labels.get(value, value))
    if column.kind == "bool":
        return lambda value: yes if value else no
    if column.kind == "datetime":
        return lambda value: "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if column.kind == "date":
        return lambda value: "" if value is None else value.isoformat()
    return cell_safe


def rows(queryset: QuerySet, columns: list[Column]) -> Iterator[list[str]]:
    """Yield each row's cells, formatted, reading the database in chunks with a server-side cursor."""
    zone = timezone.get_current_timezone()
    yes, no = pgettext("answer", "Yes"), pgettext("answer", "No")
    converters = [_converter(column, zone=zone, yes=yes, no=no) for column in columns]
    for record in queryset.values_list(*(column.field for column in columns)).iterator(chunk_size=CHUNK):
        yield [convert(value) for convert, value in zip(converters, record, strict=True)]


LINES_PER_CHUNK = 1000
FILE_CHUNK = 64 * 1024


def _csv_writer(buffer):
    # One line ending for both paths: PostgreSQL's COPY ends lines with "\n"; spreadsheets read either.
    return csv.writer(buffer, lineterminator="\n")


def _csv_lines_python(queryset: QuerySet, columns: list[Column]) -> Iterable[str]:
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    for count, values in enumerate(rows(queryset, columns), start=1):
        writer.writerow(values)
        if count % LINES_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _formula_safe(text):
    """SQL for cell_safe: a text that starts like a formula gets a leading apostrophe; empty text is NULL."""
    starts_like_a_formula = In(Left(text, 1), list(FORMULA_STARTS))
    return NullIf(
        Case(When(starts_like_a_formula, then=Concat(Value("'"), text)), default=text, output_field=CharField()),
        Value(""),
    )


def _cell_sql(column: Column, *, zone: str, yes: str, no: str):
    """Return the SQL expression of one column's cell text, as _converter formats it in Python (NULL for empty)."""
    field = F(column.field)
    if column.labels is not None:
        labels = [When(**{column.field: value}, then=Value(cell_safe(label))) for value, label in column.labels.items()]
        return NullIf(
            Case(*labels, default=_formula_safe(Cast(field, CharField())), output_field=CharField()), Value("")
        )
    if column.kind == "bool":
        return Case(When(**{column.field: True}, then=Value(yes)), default=Value(no), output_field=CharField())
    if column.kind == "datetime":
        local = Func(Value(zone), field, function="timezone")
        return Func(local, Value("YYYY-MM-DD HH24:MI"), function="to_char", output_field=CharField())
    if column.kind == "date":
        return Func(field, Value("YYYY-MM-DD"), function="to_char", output_field=CharField())
    return _formula_safe(Cast(field, CharField()))


def _cells_sql(columns: list[Column]) -> dict:
    """Return {cell_<n>: SQL of the n-th column's cell text}, in the active language and time zone."""
    yes, no = pgettext("answer", "Yes"), pgettext("answer", "No")
    zone = timezone.get_current_timezone_name()
    return {f"cell_{index}": _cell_sql(column, zone=zone, yes=yes, no=no) for index, column in enumerate(columns)}


def _csv_copied(queryset: QuerySet, columns: list[Column]) -> Iterator[bytes]:
    """Yield the CSV lines PostgreSQL writes with COPY (cells formatted in SQL), spooled through a temporary file."""
    cells = _cells_sql(columns)
    query = queryset.values(**cells).values_list(*cells)
    sql, params = query.query.sql_with_params()
    with tempfile.TemporaryFile() as spool:
        with connection.cursor() as cursor:
            # COPY takes no parameters: psycopg quotes them into the statement (mogrify), as it would send them.
            statement = cursor.mogrify(sql, params).decode()
            cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", spool)
        spool.seek(0)
        while chunk := spool.read(FILE_CHUNK):
            yield chunk


def csv_lines(queryset: QuerySet, columns: list[Column]) -> Iterable[str | bytes]:
    """Yield the CSV in chunks (a BOM first, so spreadsheet programs read Khmer as UTF-8): text chunks of
    LINES_PER_CHUNK lines in Python, or, on PostgreSQL, the bytes COPY wrote.

    Chunks, not lines: each piece a streaming response yields is one write to the socket.
    """
    buffer = io.StringIO()
    _csv_writer(buffer).writerow([column.header for column in columns])
    yield "\ufeff" + buffer.getvalue()
    if connection.vendor == "postgresql":
        yield from _csv_copied(queryset, columns)
    else:
        yield from _csv_lines_python(queryset, columns)


def _cell_text(value: str):
    # XML 1.0 has no place for most control characters (openpyxl refuses them): they are left out. Empty: no cell.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value != "" else None


def _xlsx_python(spool, queryset: QuerySet, columns: list[Column], *, sheet: str) -> None:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([column.header for column in columns])
    for values in rows(queryset, columns):
        # An empty cell is left out of the sheet rather than written as an empty string: the same to read,
        # and openpyxl's most expensive step (about a quarter of the cells of a concern are empty).
        worksheet.append([_cell_text(value) for value in values])
    workbook.save(spool)


def _row_xml_sql(queryset: QuerySet, columns: list[Column]) -> tuple[str, tuple]:
    """Return SQL giving each row of the sheet as SpreadsheetML (`<row r="2"><c r="A2" t="inlineStr">...`), its
    cells formatted as in the CSV (inline strings, as openpyxl writes them), and its parameters."""
    cells = _cells_sql(columns)
    inner, params = queryset.values(**cells).values_list(*cells).query.sql_with_params()
    pieces = []
    for index, name in enumerate(cells):
        value = f"cells.{connection.ops.quote_name(name)}"
        text = r"regexp_replace(" + value + r", '[\x01-\x08\x0b\x0c\x0e-\x1f]', '', 'g')"
        escaped = f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
        # Leading or trailing blanks are kept only with xml:space="preserve" (openpyxl marks them the same way).
        space = f"""CASE WHEN {value} <> btrim({value}, E' \t\n\r') THEN ' xml:space="preserve"' ELSE '' END"""
        letter = get_column_letter(index + 1)
        pieces.append(
            f"""COALESCE('<c r="{letter}' || row_number || '" t="inlineStr"><is><t' || {space} || '>' """
            f"""|| {escaped} || '</t></is></c>', '')"""
        )
    # The header is row 1; ROW_NUMBER follows the order of the query within.
    sql = (
        f"""SELECT '<row r="' || row_number || '">' || {" || ".join(pieces)} || '</row>' FROM """  # noqa: S608
        f"(SELECT *, ROW_NUMBER() OVER () + 1 AS row_number FROM ({inner}) AS ordered) AS cells"
    )
    return sql, params


def _xlsx_from_database(spool, queryset: QuerySet, columns: list[Column], *, sheet: str) -> None:
    """Write the workbook openpyxl makes (package, styles, the header row) with the rows PostgreSQL writes as
    SpreadsheetML into its sheet: openpyxl's own pace, about 4,000 rows of 34 cells a second on a small server,
    is below what a 100,000-row export needs; the database writes them several times faster."""
    skeleton = io.BytesIO()
    _xlsx_python(skeleton, queryset.none(), columns, sheet=sheet)
    if queryset.query.is_empty():  # .none(): no query to run, the header alone
        spool.write(skeleton.getvalue())
        return
    sql, params = _row_xml_sql(queryset, columns)
    with zipfile.ZipFile(skeleton) as made, zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for part in made.infolist():
            if part.filename != SHEET_PART:
                out.writestr(part, made.read(part))
                continue
            head, end, tail = made.read(part).decode().partition("</sheetData>")
            if not end:
                raise ValueError("openpyxl wrote a sheet without sheetData")
            with out.open(SHEET_PART, "w") as sheet_xml, connection.chunked_cursor() as cursor:
                sheet_xml.write(head.encode())
                cursor.execute(sql, params)
                while fetched := cursor.fetchmany(CHUNK):
                    sheet_xml.write("".join(row for (row,) in fetched).encode())
                sheet_xml.write((end + tail).encode())


def xlsx_chunks(queryset: QuerySet, columns: list[Column], *, sheet: str, size: int = FILE_CHUNK) -> Iterator[bytes]:
    """Yield an XLSX workbook's bytes: written row by row to a temporary file on disk, then read back in chunks.

    Nothing is read or written until the response is sent; the file is deleted once sent, or when the client
    goes away (the generator is closed). On PostgreSQL the database writes the rows (_xlsx_from_database);
    elsewhere openpyxl's write-only mode does.
    """
    with tempfile.TemporaryFile() as spool:
        if connection.vendor == "postgresql":
            _xlsx_from_database(spool, queryset, columns, sheet=sheet)
        else:
            _xlsx_python(spool, queryset, columns, sheet=sheet)
        spool.seek(0)
        while chunk := spool.read(size):
            yield chunk


# Concerns --------------------------------------------------------------------------------------------------------


def concern_columns(*, with_contacts: bool) -> list[Column]:
    """Return the concern export's columns in the active language; contacts only for readers allowed them."""
    columns = [
        Column("tracking_code", _("Tracking code")),
        Column("received_at", _("Received at"), kind="datetime"),
        Column("forum__title", _("Forum")),
        Column("forum__series__title", _("Series")),
        Column(_province_field(), _("Province")),
        Column("category", _("Category"), _choice(Concern.Category.choices)),
        Column("channel", _("Channel"), _choice(Concern.Channel.choices)),
        Column("status", _("Status"), _choice(Concern.Status.choices)),
        Column("priority", _("Priority"), _choice(Concern.Priority.choices)),
        Column("sensitive", _("Sensitive"), kind="bool"),
        Column("policy_issue", _("Policy issue"), kind="bool"),
        Column("gender", _("Gender"), _choice(people.Gender.choices)),
        Column("age_group", _("Age group"), _choice(people.AgeGroup.choices)),
        Column("disability", _("Disability (Washington Group)"), _choice(people.DisabilityStatus.choices)),
        Column("role", _("Role"), _choice(people.Role.choices)),
        Column("sector", _("Sector"), _choice(people.Sector.choices)),
        Column("description", _("Description")),
        Column("assignee__email", _("Assigned to")),
        Column("acknowledge_due", _("Acknowledge by"), kind="date"),
        Column("response_due", _("Answer by"), kind="date"),
        Column("first_due", _("Resolve by, as first promised"), kind="date"),
        Column("resolve_due", _("Resolve by"), kind="date"),
        Column("acknowledged_at", _("Acknowledged at"), kind="datetime"),
        Column("responded_at", _("Answered at"), kind="datetime"),
        Column("closed_at", _("Closed at"), kind="datetime"),
        Column("closing_reason", _("Closing reason"), _choice(Concern.ClosingReason.choices)),
        Column("is_overdue", _("Overdue"), kind="bool"),
        Column("resolution_answer", _("Resolved, says the submitter"), _choice(Concern.Resolution.choices)),
        Column("public_response", _("Public response")),
    ]
    if with_contacts:
        columns += [
            Column("anonymous", _("Anonymous"), kind="bool"),
            Column("contact_name", _("Name")),
            Column("contact_phone", _("Phone")),
            Column("contact_email", _("Email")),
            Column("consent_to_contact", _("Consent to be contacted"), kind="bool"),
        ]
    return columns


def concerns_for_export(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """Return `concerns` with the computed columns of the export (first promise, overdue)."""
    return concerns.annotate(
        first_due=Coalesce("first_resolve_due", "resolve_due"),
        is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()),
    )


# Anonymised participants -----------------------------------------------------------------------------------------


def anonymised_participant_columns() -> list[Column]:
    """Return columns that describe a participant without naming them: no name, phone, email, NSSF number,
    organisation or district (a small district and an organisation can point to one person)."""
    return [
        Column("forum__title", _("Forum")),
        Column("forum__series__title", _("Series")),
        Column("status", _("Status"), _choice(Registration.Status.choices)),
        Column("attended", _("Attended"), kind="bool"),
        Column("is_walk_in", _("Walk-in"), kind="bool"),
        Column("gender", _("Gender"), _choice(people.Gender.choices)),
        Column("age_group", _("Age group"), _choice(people.AgeGroup.choices)),
        Column("disability", _("Disability (Washington Group)"), _choice(people.DisabilityStatus.choices)),
        *(
            Column(
                name,
                str(Registration._meta.get_field(name).verbose_name).capitalize(),
                _choice(people.Difficulty.choices),
            )
            for name in people.DIFFICULTY_FIELDS
        ),
        Column("role", _("Role"), _choice(people.Role.choices)),
        Column("sector", _("Sector"), _choice(people.Sector.choices)),
        Column(_province_field(), _("Province")),
        Column("nssf_member", _("NSSF member"), kind="bool"),
        Column("registered_on", _("Registered on"), kind="date"),
    ]


def participants_for_export(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Return `registrations` with the computed columns of the anonymised export, in a stable order."""
    return registrations.annotate(
        attended=ExpressionWrapper(
            Q(status=Registration.Status.CONFIRMED, checked_in_at__isnull=False), output_field=BooleanField()
        ),
        registered_on=TruncDate("created_at"),
    ).order_by("forum__starts_at", "pk")
