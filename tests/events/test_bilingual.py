"""A forum written in Khmer and English: each reader meets their language on the page, in messages and in PDFs."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from events import services
from events.models import Forum, Province
from notifications.models import Message
from participants.services import registration_create
from tests.events.factories import AgendaItemFactory, ForumFactory, ForumSeriesFactory
from tests.participants.factories import RegistrationFactory, registration_data

pytestmark = pytest.mark.django_db
PP = ZoneInfo("Asia/Phnom_Penh")


def _bilingual_forum(**extra) -> Forum:
    forum = ForumFactory(
        title_km="វេទិកាថ្នាក់តំបន់ ស្វាយរៀង",
        title_en="Regional Forum in Svay Rieng",
        venue_name_km="សាលាខេត្ត",
        venue_name_en="Provincial Hall",
        venue_address_km="ក្រុងស្វាយរៀង",
        venue_address_en="Svay Rieng town",
        **extra,
    )
    AgendaItemFactory(forum=forum, title_km="ពិធីបើក", title_en="Opening remarks")
    return forum


def _url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_forum_page_shows_each_language_on_its_own_page(client):
    forum = _bilingual_forum()

    khmer = client.get(_url("events:forum_detail", "km", slug=forum.slug)).content.decode()
    english = client.get(_url("events:forum_detail", "en", slug=forum.slug)).content.decode()

    assert "<h1>វេទិកាថ្នាក់តំបន់ ស្វាយរៀង</h1>" in khmer and "Regional Forum in Svay Rieng" not in khmer
    assert "សាលាខេត្ត" in khmer and "ពិធីបើក" in khmer
    assert "<h1>Regional Forum in Svay Rieng</h1>" in english and "វេទិកាថ្នាក់តំបន់" not in english
    assert "Provincial Hall" in english and "Opening remarks" in english


def test_text_missing_in_one_language_shows_the_other_marked_with_its_lang(client):
    forum = ForumFactory(title_km="វេទិកាខេត្តកំពត", title_en="")

    english = client.get(_url("events:forum_detail", "en", slug=forum.slug)).content.decode()

    assert '<h1><span lang="km">វេទិកាខេត្តកំពត</span></h1>' in english


def test_messages_use_the_forum_text_in_the_participants_language():
    forum = _bilingual_forum()

    with translation.override("en"):  # the language of whoever registers them does not matter
        registration_create(forum=forum, data=registration_data(phone="+85512000001", preferred_language="km"))
        registration_create(forum=forum, data=registration_data(phone="+85512000002", preferred_language="en"))

    by_language = {m.language: m.context for m in Message.objects.filter(purpose="registration_confirmed")}
    assert by_language["km"]["forum_title"] == "វេទិកាថ្នាក់តំបន់ ស្វាយរៀង"
    assert by_language["km"]["venue"] == "សាលាខេត្ត, ក្រុងស្វាយរៀង"
    assert by_language["en"]["forum_title"] == "Regional Forum in Svay Rieng"
    assert by_language["en"]["venue"] == "Provincial Hall, Svay Rieng town"


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_sign_in_sheet_pdf_in_the_readers_language(organizer_client):
    forum = _bilingual_forum(
        starts_at=datetime(2030, 2, 15, 8, 0, tzinfo=PP), ends_at=datetime(2030, 2, 15, 16, 0, tzinfo=PP)
    )
    RegistrationFactory(forum=forum, full_name="Sok Dara")

    khmer = organizer_client.get(_url("participants:sign_in_sheet", "km", slug=forum.slug))
    english = organizer_client.get(_url("participants:sign_in_sheet", "en", slug=forum.slug))

    english_text = _pdf_text(english.content)
    assert "Regional Forum in Svay Rieng" in english_text and "Provincial Hall" in english_text
    assert "15 February 2030" in english_text
    # Khmer text is shaped, so compare its raw bytes through the document's language and metadata rather than
    # glyph extraction; the English title must be absent from the Khmer sheet.
    khmer_text = _pdf_text(khmer.content)
    assert "Regional Forum in Svay Rieng" not in khmer_text and "Provincial Hall" not in khmer_text
    assert PdfReader(BytesIO(khmer.content)).trailer["/Root"].get("/Lang") == "km"
    assert PdfReader(BytesIO(english.content)).trailer["/Root"].get("/Lang") == "en"


def test_khmer_sign_in_sheet_writes_the_date_as_official_documents_do():
    forum = _bilingual_forum(
        starts_at=datetime(2030, 2, 15, 8, 0, tzinfo=PP), ends_at=datetime(2030, 2, 15, 16, 0, tzinfo=PP)
    )
    RegistrationFactory(forum=forum)

    with translation.override("km"):
        html = render_to_string(
            "participants/pdf/sign_in_sheet.html",
            {"forum": forum, "registrations": forum.registrations.all(), "LANGUAGE_CODE": "km"},
        )

    assert '<html lang="km">' in html
    assert "ថ្ងៃទី១៥ ខែកុម្ភៈ ឆ្នាំ២០៣០ · សាលាខេត្ត, ក្រុងស្វាយរៀង" in html
    assert "<td>១</td>" in html


def test_khmer_only_title_gets_a_slug_from_the_province_and_date():
    series = ForumSeriesFactory()
    starts = datetime(2030, 2, 15, 8, 0, tzinfo=PP)
    fields = {
        "series": series,
        "kind": Forum.Kind.REGIONAL,
        "host_province": Province.objects.get(name_en="Siemreap"),
        "starts_at": starts,
        "ends_at": starts.replace(hour=16),
        "capacity": 100,
        "registration_opens_at": starts.replace(month=1),
        "registration_closes_at": starts.replace(hour=7),
        "title_km": "វេទិកាថ្នាក់តំបន់",
        "venue_name_km": "សាលាខេត្ត",
        "venue_address_km": "ក្រុងសៀមរាប",
    }

    first = services.forum_save(**fields)
    second = services.forum_save(**fields)
    english = services.forum_save(**{**fields, "title_en": "Regional Forum in Siem Reap"})

    assert (first.slug, second.slug) == ("siemreap-2030-02-15", "siemreap-2030-02-15-2")
    assert english.slug == "regional-forum-in-siem-reap"
    assert first.title_km == "វេទិកាថ្នាក់តំបន់" and not first.title_en


def test_provinces_follow_khmer_collation_on_khmer_pages():
    with translation.override("km"):
        khmer = [p.name_km for p in Province.objects.by_name()]
    with translation.override("en"):
        english = [p.name_en for p in Province.objects.by_name()]

    # ICU's Khmer order: a syllable with nikahit (កំ) before one with the vowel ោ (កោ), subscripts (ក្រ) after;
    # code point order would put កោះកុង (U+17C4) before កំពង់ (U+17C6).
    assert khmer[:9] == [
        "កណ្ដាល",
        "កែប",
        "កំពង់ចាម",
        "កំពង់ឆ្នាំង",
        "កំពង់ធំ",
        "កំពង់ស្ពឺ",
        "កំពត",
        "កោះកុង",
        "ក្រចេះ",
    ]
    assert khmer != sorted(khmer)
    assert khmer[-1] == "ឧត្ដរមានជ័យ"
    assert english[:3] == ["Banteay Meanchey", "Battambang", "Kampong Cham"]
    assert len(khmer) == len(set(khmer)) == 25


def test_organizers_find_a_forum_by_its_title_in_either_language():
    from events.selectors import forums_for_organizers

    forum = _bilingual_forum()

    with translation.override("en"):
        assert list(forums_for_organizers(q="ស្វាយរៀង")) == [forum]
        assert list(forums_for_organizers(q="វេទិកា\u200bថ្នាក់")) == [forum]
    with translation.override("km"):
        assert list(forums_for_organizers(q="Svay Rieng")) == [forum]


def test_organizer_form_reads_dates_times_and_numbers_typed_in_khmer_digits():
    from events.forms import AgendaItemForm, ForumForm

    series = ForumSeriesFactory()
    province = Province.objects.get(name_en="Kampot")
    data = {
        "series": series.pk,
        "title_km": "វេទិកាខេត្តកំពត",
        "kind": Forum.Kind.REGIONAL,
        "host_province": province.pk,
        "covered_provinces": [province.pk],
        "venue_name_km": "សាលាខេត្ត",
        "venue_address_km": "ក្រុងកំពត",
        "starts_at": "២០៣០-០៩-១៧T០៧:៣០",
        "ends_at": "២០៣០-០៩-១៧T១៦:០០",
        "capacity": "១៣០",
        "registration_opens_at": "២០៣០-០៨-០១T០៨:០០",
        "registration_closes_at": "២០៣០-០៩-១៦T១៧:០០",
    }

    form = ForumForm(data=data)
    item = AgendaItemForm(
        data={"starts_at": "០៨:០០", "ends_at": "០៩:៣០", "title_km": "ពិធីបើក", "session_kind": "opening"}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["capacity"] == 130
    assert form.cleaned_data["starts_at"] == datetime(2030, 9, 17, 7, 30, tzinfo=PP)
    assert form.cleaned_data["title_km"] == "វេទិកាខេត្តកំពត" and not form.cleaned_data["title_en"]
    assert item.is_valid(), item.errors
    assert str(item.cleaned_data["ends_at"]) == "09:30:00"


def test_organizer_form_needs_a_title_in_one_language_at_least():
    from events.forms import ForumForm

    form = ForumForm(data={"title_km": "", "title_en": " "})

    assert form.errors["title_km"] == ["Fill in at least one of Khmer and English."]
    assert "title_en" not in form.errors
