"""Browser journey: an organizer announces something to a forum's participants and follows delivery."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sms_to_files(settings, tmp_path):
    """Write each SMS to a file in a temporary folder, as tests/notifications does, so the journey can count them."""
    settings.NOTIFICATIONS_SMS_BACKEND = "file"
    settings.NOTIFICATIONS_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.TELEGRAM_BOT_TOKEN = ""


def test_organizer_sends_announcement_on_a_phone_and_sees_it_sent(phone_page, live_server, organizer, settings):
    forum = ForumFactory(title="Regional Forum in Kampot")
    RegistrationFactory.create_batch(2, forum=forum, preferred_language="km")
    page = phone_page

    log_in(page, live_server, organizer)

    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages: Regional Forum in Kampot")).to_be_visible()
    page.get_by_role("link", name="Send an announcement").click()

    page.get_by_label("Subject").fill("Bus times")
    page.get_by_role("button", name="Preview and check").click()
    expect(page.get_by_text("Write the message in Khmer, in English, or both.")).to_be_visible()

    page.get_by_label("Message in Khmer").fill("ឡានក្រុងចេញពីផ្សារ ម៉ោង ៦ ព្រឹក។")
    page.get_by_role("button", name="Preview and check").click()
    # Nothing goes out before the organizer has seen who receives it and what it costs.
    expect(page.get_by_test_id("recipients")).to_contain_text("2")
    page.get_by_role("button", name="Send to 2 participants").click()
    expect(page.get_by_text("The announcement was queued to 2 participants.")).to_be_visible()
    rows = page.locator("li.list-group-item")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Announcement")
    expect(rows.first).to_contain_text("Sent")
    assert len(list(Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir())) == 2
