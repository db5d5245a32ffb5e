"""Browser journey: an organizer announces something to a forum's participants and follows delivery."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

# The browser fixtures live in tests/browser/conftest.py; importing them here makes them available to this module.
from tests.browser.conftest import CHROMIUM, phone_page  # noqa: F401 - fixture used below
from tests.browser.conftest import browser_type_launch_args as browser_type_launch_args
from tests.browser.helpers import log_in
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("REQUIRE_BROWSER") != "1",
        reason=f"Chromium not installed at {CHROMIUM}",
    ),
]


def test_organizer_sends_announcement_on_a_phone_and_sees_it_sent(phone_page, live_server, organizer, settings):  # noqa: F811
    forum = ForumFactory(title="Regional Forum in Kampot")
    RegistrationFactory.create_batch(2, forum=forum, preferred_language="km")
    page = phone_page

    log_in(page, live_server, organizer)

    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages: Regional Forum in Kampot")).to_be_visible()
    page.get_by_role("link", name="Send an announcement").click()

    page.get_by_label("Subject").fill("Bus times")
    page.get_by_role("button", name="Queue the announcement").click()
    expect(page.get_by_text("Write the message in Khmer, in English, or both.")).to_be_visible()

    page.get_by_label("Message in Khmer").fill("ឡានក្រុងចេញពីផ្សារ ម៉ោង ៦ ព្រឹក។")
    page.get_by_role("button", name="Queue the announcement").click()
    expect(page.get_by_text("The announcement was queued to 2 participants.")).to_be_visible()
    rows = page.locator("li.list-group-item")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Announcement")
    expect(rows.first).to_contain_text("Sent")
    assert len(list(Path(settings.NOTIFICATIONS_SMS_FILE_DIR).iterdir())) == 2
