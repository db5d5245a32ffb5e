"""The dashboards and reports under axe-core (WCAG 2.2 AA) and on a 360 px phone, in Khmer and English."""

import pytest

from events import people
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import _violations
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages(forum):
    return [
        "/manage/reports/",
        f"/manage/forums/{forum.slug}/dashboard/",
        f"/manage/forums/{forum.slug}/report/",
        f"/manage/series/{forum.series.slug}/dashboard/",
        f"/manage/series/{forum.series.slug}/report/",
        "/manage/concerns/dashboard/",
    ]


@pytest.mark.parametrize(("language", "width"), [("km", 360), ("en", 1280)])
def test_dashboards_have_no_serious_accessibility_violations_and_fit_a_phone(
    browser, live_server, programme_officer, language, width
):
    forum = ForumFactory(title="Regional Forum in Svay Rieng")
    AgendaItemFactory(forum=forum)
    RegistrationFactory.create_batch(4, forum=forum)
    RegistrationFactory(forum=forum, gender=people.Gender.MAN)
    ConcernFactory.create_batch(3, forum=forum)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, programme_officer)
    found, too_wide = {}, {}

    for path in _pages(forum):
        page.goto(f"{live_server.url}/{language}{path}")
        assert page.locator("h1").count() == 1, path
        if violations := _violations(page):
            found[path] = violations
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[path] = scroll_width
    context.close()

    assert (found, too_wide) == ({}, {})


def test_organizer_reaches_the_dashboard_from_the_forum_pages(browser, live_server, organizer):
    forum = ForumFactory(title="Regional Forum in Kampot")
    RegistrationFactory.create_batch(3, forum=forum)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, organizer)

    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    page.get_by_role("navigation", name="Forum pages").get_by_role("link", name="Dashboard").click()

    page.wait_for_url(f"**/manage/forums/{forum.slug}/dashboard/")
    assert page.get_by_test_id("registered").inner_text() == "3"
    assert _violations(page) == []
    context.close()
