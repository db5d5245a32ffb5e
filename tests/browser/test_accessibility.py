"""Automated WCAG checks (axe-core, from npm) on the public pages, in Khmer and English, on a phone."""

from pathlib import Path

import pytest

from tests.browser.helpers import log_in
from tests.events.factories import AgendaItemFactory, ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(("language", "width"), [("km", 360), ("en", 360), ("km", 1280)])
def test_public_pages_have_no_serious_accessibility_violations(browser, live_server, language, width):
    forum = ForumFactory(title="Regional Forum in Svay Rieng")
    AgendaItemFactory(forum=forum, title="Opening remarks")
    # Injecting axe is an inline script: let the test page run it despite the site's strict CSP.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    pages = [
        "/",
        "/forums/",
        f"/forums/{forum.slug}/",
        f"/forums/{forum.slug}/register/",
        "/concerns/new/",
        "/concerns/track/",
        "/accounts/login/",
    ]

    found = {}
    for path in pages:
        page.goto(f"{live_server.url}/{language}{path}")
        if violations := _violations(page):
            found[path] = violations
    context.close()

    assert found == {}


def test_organizer_and_staff_pages_have_no_serious_accessibility_violations(
    browser, live_server, organizer, nssf_staff
):
    from tests.feedback.factories import ConcernFactory
    from tests.participants.factories import RegistrationFactory

    forum = ForumFactory()
    AgendaItemFactory(forum=forum)
    RegistrationFactory.create_batch(3, forum=forum)
    concern = ConcernFactory(forum=forum)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}

    log_in(page, live_server, organizer)
    for path in (
        "/en/manage/forums/",
        f"/en/manage/forums/{forum.slug}/",
        f"/en/manage/forums/{forum.slug}/participants/",
        f"/en/manage/forums/{forum.slug}/check-in/",
        f"/en/manage/forums/{forum.slug}/messages/",
    ):
        page.goto(f"{live_server.url}{path}")
        if violations := _violations(page):
            found[path] = violations
    page.context.clear_cookies()

    log_in(page, live_server, nssf_staff)
    for path in ("/en/manage/concerns/", f"/en/manage/concerns/{concern.tracking_code}/"):
        page.goto(f"{live_server.url}{path}")
        if violations := _violations(page):
            found[path] = violations
    context.close()

    assert found == {}
