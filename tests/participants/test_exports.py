import csv
import io
import re
import zlib

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from events import people
from events.models import Province
from participants import exports
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

KHMER_NAME = "ស្រីពៅ ចាន់"  # Srey Pov Chan: "ស្រី" stacks a subscript consonant (U+17D2 coeng)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_start_a_formula_are_escaped(organizer_client, dangerous):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name=dangerous, organisation="Union")

    response = organizer_client.get(reverse("participants:export_csv", kwargs={"slug": forum.slug}))

    header, row = _csv_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["Full name"] == "'" + dangerous
    assert values["Organisation"] == "Union"
    assert values["Phone"].startswith("'+855")


def test_csv_export_follows_filters_and_labels_choices(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="Kept", gender="woman", support_needs=["childcare"])
    RegistrationFactory(forum=forum, full_name="Filtered out", gender="man")

    response = organizer_client.get(
        reverse("participants:export_csv", kwargs={"slug": forum.slug}), {"gender": "woman"}
    )

    header, *rows = _csv_rows(response)
    assert response["Content-Disposition"] == f'attachment; filename="{forum.slug}-participants.csv"'
    assert [dict(zip(header, row, strict=True))["Full name"] for row in rows] == ["Kept"]
    values = dict(zip(header, rows[0], strict=True))
    assert (values["Gender"], values["Support needs"], values["Province"]) == ("Woman", "Childcare", "Svay Rieng")


def test_csv_export_of_10000_rows_streams(organizer_client):
    forum = ForumFactory()
    province = Province.objects.get(name_en="Svay Rieng")
    Registration.objects.bulk_create(
        Registration(
            forum=forum,
            code=f"C{n:09d}",
            full_name=f"Person {n}",
            gender="woman",
            age_group="25_34",
            role="workers_rep",
            sector="garment",
            province=province,
            phone=f"+85512{n:06d}",
        )
        for n in range(10_000)
    )

    response = organizer_client.get(reverse("participants:export_csv", kwargs={"slug": forum.slug}))

    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    assert len(chunks) == 10_002  # the byte-order mark, the header, then one chunk per row
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8").removeprefix("\ufeff"))))
    assert len(rows) == 10_001
    assert rows[-1][1] == "Person 9999"


def test_xlsx_export_holds_the_rows_with_formulas_escaped(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="=1+1", organisation=KHMER_NAME)

    response = organizer_client.get(reverse("participants:export_xlsx", kwargs={"slug": forum.slug}))

    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows())
    values = dict(zip(header, row, strict=True))
    assert values["Full name"] == "'=1+1"
    assert values["Organisation"] == KHMER_NAME
    assert values["Status"] == "Confirmed"


def _pdf_streams(pdf: bytes) -> str:
    """Return the decompressed streams of a PDF (fonts and ToUnicode maps live in object streams)."""
    texts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            texts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(texts)


def _assert_khmer_shaped(pdf: bytes) -> None:
    streams = _pdf_streams(pdf)
    assert re.search(r"/BaseFont /[A-Z]{6}\+Noto-Sans-Khmer", streams)
    unicode_maps = streams.lower()
    for char in set(KHMER_NAME.replace(" ", "")) - {"\u17d2"}:
        assert f"{ord(char):04x}" in unicode_maps, f"{char!r} (U+{ord(char):04X}) is missing from the PDF"
    # HarfBuzz shaped "ស្រ" (sa, coeng, ro) into one glyph cluster: the subscript consonant is drawn, not
    # left as a separate coeng sign (what engines without Khmer shaping print).
    assert re.search(r"<[0-9a-f]{4}> <179f17d2179a>", unicode_maps)


def test_badge_pdf_renders_a_khmer_name_with_noto_sans_khmer(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name=KHMER_NAME)

    response = organizer_client.get(reverse("participants:badges", kwargs={"slug": forum.slug}))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    _assert_khmer_shaped(response.content)


def test_sign_in_sheet_pdf_lists_confirmed_participants(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name=KHMER_NAME)
    RegistrationFactory(forum=forum, full_name="Waiting Person", status=Registration.Status.WAITING)

    response = organizer_client.get(reverse("participants:sign_in_sheet", kwargs={"slug": forum.slug}))
    waiting_only = exports.sign_in_sheet_pdf(
        forum=forum, registrations=Registration.objects.filter(status=Registration.Status.WAITING)
    )

    assert response.status_code == 200
    _assert_khmer_shaped(response.content)
    assert "Noto-Sans-Khmer" not in _pdf_streams(waiting_only)  # the waiting person is not on the sheet


def test_ics_and_qr_helpers_round_trip():
    import zxingcpp
    from PIL import Image

    (barcode,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(exports.qr_png("ACDEFGHJKM"))))

    assert barcode.text == "ACDEFGHJKM"
    assert exports.cell_safe("=x") == "'=x"
    assert exports.cell_safe("plain") == "plain"
    assert exports.cell_safe(None) == ""


def test_csv_export_has_the_six_answers_the_computed_status_and_the_old_answer_apart(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="New", difficulty_remembering="a_lot")
    old = RegistrationFactory(forum=forum, full_name="Old", **dict.fromkeys(people.DIFFICULTY_FIELDS, ""))
    Registration.objects.filter(pk=old.pk).update(legacy_disability_answer="yes")  # as migration 0004 left it

    response = organizer_client.get(reverse("participants:export_csv", kwargs={"slug": forum.slug}))

    header, *rows = _csv_rows(response)
    wanted = ["Full name", "Disability", "Difficulty seeing", "Difficulty remembering or concentrating"]
    wanted.append("Difficulty (old single question)")
    by_name = [[dict(zip(header, row, strict=True))[column] for column in wanted] for row in rows]
    assert by_name == [
        ["New", "With a disability", "No difficulty", "A lot of difficulty", ""],
        ["Old", "Unknown: not asked or not all answered", "", "", "Yes"],
    ]
