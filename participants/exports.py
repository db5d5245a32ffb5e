"""Files made from registrations: CSV and XLSX lists, PDF sign-in sheet and badges, QR codes, calendar files.

PDFs are rendered by WeasyPrint (HarfBuzz shapes Khmer correctly, subscript consonants included) with the
self-hosted Noto Sans Khmer, loaded from disk: no network is needed at the venue or on the server.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import timedelta

import segno
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from icalendar import Alarm, Calendar, Event
from openpyxl import Workbook

from events import people
from forum_portal.khmer import name_order
from forum_portal.links import absolute_path, absolute_url
from participants.models import Registration

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRINT_CSS = settings.BASE_DIR / "static" / "css" / "participants-print.css"

COLUMNS = [
    ("code", "Code"),
    ("full_name", "Full name"),
    ("gender", "Gender"),
    ("age_group", "Age group"),
    ("disability", "Disability"),
    ("difficulty_seeing", "Difficulty seeing"),
    ("difficulty_hearing", "Difficulty hearing"),
    ("difficulty_walking", "Difficulty walking or climbing steps"),
    ("difficulty_remembering", "Difficulty remembering or concentrating"),
    ("difficulty_self_care", "Difficulty with self-care"),
    ("difficulty_communicating", "Difficulty communicating"),
    ("legacy_disability_answer", "Difficulty (old single question)"),
    ("role", "Role"),
    ("sector", "Sector"),
    ("organisation", "Organisation"),
    ("province__name_en", "Province"),
    ("district__name_en", "District"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("preferred_language", "Language"),
    ("reminder_channel", "Reminder channel"),
    ("nssf_member", "NSSF member"),
    ("nssf_number", "NSSF number"),
    ("support_needs", "Support needs"),
    ("status", "Status"),
    ("is_walk_in", "Walk-in"),
    ("checked_in_at", "Checked in at"),
    ("created_at", "Registered at"),
]

_LABELS = {
    "gender": dict(people.Gender.choices),
    "age_group": dict(people.AgeGroup.choices),
    "disability": dict(people.DisabilityStatus.choices),
    **{name: dict(people.Difficulty.choices) for name in people.DIFFICULTY_FIELDS},
    "legacy_disability_answer": dict(Registration.LegacyDisabilityAnswer.choices),
    "role": dict(people.Role.choices),
    "sector": dict(people.Sector.choices),
    "status": dict(Registration.Status.choices),
}
_NEEDS = dict(Registration.SupportNeed.choices)


def cell_safe(value) -> str:
    """Return a cell's text so that a spreadsheet shows it and never runs it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row_values(row: dict) -> list[str]:
    values = []
    for field, _label in COLUMNS:
        value = row[field]
        if field in _LABELS:
            value = _LABELS[field].get(value, value)
        elif field == "support_needs":
            value = "; ".join(str(_NEEDS.get(need, need)) for need in value or [])
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif field in ("checked_in_at", "created_at") and value is not None:
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        values.append(cell_safe(value))
    return values


def _rows(registrations: QuerySet[Registration]) -> Iterator[list[str]]:
    fields = [field for field, _label in COLUMNS]
    for row in registrations.values(*fields).iterator(chunk_size=2000):
        yield _row_values(row)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def registrations_csv(registrations: QuerySet[Registration]) -> Iterable[str]:
    """Yield the CSV lines of the registrations, in constant memory (a server-side cursor on PostgreSQL)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the Khmer names as UTF-8
    yield writer.writerow([label for _field, label in COLUMNS])
    for values in _rows(registrations):
        yield writer.writerow(values)


def registrations_xlsx(registrations: QuerySet[Registration]) -> bytes:
    """Return the registrations as an XLSX workbook (openpyxl's write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append([label for _field, label in COLUMNS])
    for values in _rows(registrations):
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def qr_svg_data_uri(payload: str) -> str:
    """Return the QR code of `payload` as an SVG data URI (allowed by the CSP as an image).

    Always a full QR code: segno would pick a Micro QR for a short code, which most phone and
    browser scanners (jsQR, BarcodeDetector) cannot read.
    """
    return segno.make_qr(payload, error="m").svg_data_uri(scale=6, border=2)


def qr_png(payload: str) -> bytes:
    """Return the same QR code as a PNG (for printing and for decoding in tests)."""
    buffer = io.BytesIO()
    segno.make_qr(payload, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def registration_ics(*, registration: Registration) -> bytes:
    """Return an iCalendar file with the forum, its venue and the person's reference code."""
    forum = registration.forum
    calendar = Calendar()
    calendar.add("prodid", "-//forum-portal//participants//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{registration.code}@forum-portal")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", forum.starts_at)
    event.add("dtend", forum.ends_at)
    event.add("summary", forum.title)
    event.add("location", f"{forum.venue_name}, {forum.venue_address}")
    event.add("description", f"{registration.full_name} · {registration.code_display}")
    event.add("url", absolute_path(forum.get_absolute_url()))
    alarm_trigger = timedelta(days=-1)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", forum.title)
    alarm.add("trigger", alarm_trigger)
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # No request here: the document's `lang` is the language it is rendered in (the reader's).
    html = render_to_string(template, {"LANGUAGE_CODE": translation.get_language() or "km", **context})
    # The font configuration makes the stylesheet's @font-face rules (the vendored woff2 files) usable.
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(PRINT_CSS), font_config=fonts)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def sign_in_sheet_pdf(*, forum, registrations: QuerySet[Registration]) -> bytes:
    """Return the printable sign-in sheet: one line per person, with a box to sign."""
    rows = registrations.filter(status=Registration.Status.CONFIRMED).select_related("province")
    return _pdf("participants/pdf/sign_in_sheet.html", {"forum": forum, "registrations": rows})


def badges_pdf(*, forum, registrations: QuerySet[Registration]) -> bytes:
    """Return name badges (eight per A4 page), each with the name, role, province and QR code."""
    badges = [
        {"registration": registration, "qr": qr_svg_data_uri(registration.code)}
        for registration in registrations.select_related("province").order_by(name_order("full_name"), "pk")
    ]
    return _pdf("participants/pdf/badges.html", {"forum": forum, "badges": badges})


# Certificates and evaluation ------------------------------------------------------------------------


def certificates_pdf(*, forum, certificates, language: str, per_person_language: bool = True) -> bytes:
    """Return certificates of attendance, one landscape page each, in each person's language (or `language`).

    The document's `lang` is `language`; each page carries its own, so Khmer names and text are shaped as
    Khmer by WeasyPrint whatever the document's language.
    """
    items = []
    for certificate in certificates:
        page_language = certificate.registration.preferred_language if per_person_language else language
        verify_url = absolute_url("participants:certificate_verify", language=page_language, code=certificate.code)
        items.append({"certificate": certificate, "language": page_language, "verify_url": verify_url})
    return _pdf("participants/pdf/certificates.html", {"forum": forum, "certificates": items, "language": language})
