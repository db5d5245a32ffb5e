import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.events.factories import AgendaItemFactory, ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def test_organizer_keeps_the_record_and_a_phone_shows_it_without_overflow(
    page, phone_page, live_server, organizer, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    forum = ForumFactory(
        title="Regional Forum in Kampot",
        starts_at=timezone.now() - timezone.timedelta(days=2),
        registration_opens_at=timezone.now() - timezone.timedelta(days=30),
        registration_closes_at=timezone.now() - timezone.timedelta(days=3),
    )
    AgendaItemFactory(forum=forum, title="Panel on maternity allowance and the informal economy")
    page.set_default_timeout(15_000)
    log_in(page, live_server, organizer)

    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    page.get_by_role("link", name="Forum record").click()
    page.get_by_role("link", name="Add material").click()
    page.get_by_label("Title").fill("Slides of the panel on maternity allowance")
    page.get_by_label("Agenda item").select_option(label="08:00 Panel on maternity allowance and the informal economy")
    page.get_by_label("File").set_input_files(
        files=[{"name": "slides.pdf", "mimeType": "application/pdf", "buffer": _pdf_bytes()}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Slides of the panel on maternity allowance” was saved.")).to_be_visible()
    page.get_by_label("Minutes or summary in English").fill("Participants agreed on three actions.")
    page.get_by_label("Livestream link").fill("https://live.example.org/kampot")
    page.get_by_role("button", name="Save minutes and links").click()
    expect(page.get_by_text("The minutes and links were saved.")).to_be_visible()

    phone_page.goto(f"{live_server.url}/km/forums/{forum.slug}/")
    expect(phone_page.get_by_role("link", name="Slides of the panel on maternity allowance")).to_be_visible()
    expect(phone_page.locator('.forum-minutes[lang="en"]')).to_have_text("Participants agreed on three actions.")
    expect(phone_page.locator("[data-stream-state=recording]")).to_have_attribute(
        "href", "https://live.example.org/kampot"
    )
    phone_page.screenshot(path=tmp_path / "forum-record-360.png", full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    record = phone_page.context.new_page()
    log_in(record, live_server, organizer)
    record.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/record/")
    expect(record.get_by_role("link", name="Slides of the panel on maternity allowance", exact=True)).to_be_visible()
    record.screenshot(path=tmp_path / "record-360.png", full_page=True)
    assert record.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
