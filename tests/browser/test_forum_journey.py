import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.events.factories import ForumSeriesFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organizer_publishes_forum_and_visitor_sees_agenda(page, browser, live_server, organizer):
    ForumSeriesFactory(title="2031 Annual Regional Forum")
    page.set_default_timeout(15_000)
    log_in(page, live_server, organizer)

    page.goto(f"{live_server.url}/en/manage/forums/new/")
    page.get_by_label("Series").select_option(label="2031 Annual Regional Forum")
    page.get_by_label("Title in English").first.fill("Regional Forum in Kampot")
    page.get_by_label("Host province").select_option(label="Kampot")
    page.get_by_label("Kampot", exact=True).check()
    page.get_by_label("Kep", exact=True).check()
    page.locator("#id_venue_name_en").fill("Provincial Hall")
    page.get_by_label("Venue address in English").fill("Kampot town")
    page.get_by_label("Starts at").fill("2031-09-17T07:30")
    page.get_by_label("Ends at").fill("2031-09-17T16:00")
    page.get_by_label("Registration opens at").fill("2026-01-01T08:00")
    page.get_by_label("Registration closes at").fill("2031-09-16T17:00")
    agenda = page.locator(".agenda-item")
    agenda.nth(0).get_by_label("Start time").fill("08:00")
    agenda.nth(0).get_by_label("Title in English").fill("Opening remarks")
    agenda.nth(1).get_by_label("Start time").fill("09:00")
    agenda.nth(1).get_by_label("Title in English").fill("Panel on maternity allowance")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("was saved")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("publish-checklist")).to_contain_text("Kampot, Kep")
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.get_by_text("The forum is now “Published”.")).to_be_visible()

    visitor = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    visitor.goto(f"{live_server.url}/en/")
    visitor.get_by_role("link", name="Regional Forum in Kampot").click()
    expect(visitor.get_by_role("heading", name="Agenda")).to_be_visible()
    expect(visitor.get_by_text("Opening remarks")).to_be_visible()
    expect(visitor.get_by_text("Panel on maternity allowance")).to_be_visible()
    visitor.context.close()


def test_public_pages_fit_a_phone_screen(phone_page, live_server):
    from tests.events.factories import AgendaItemFactory, ForumFactory

    forum = ForumFactory(title="Regional Forum in Svay Rieng")
    AgendaItemFactory(forum=forum, title="Panel: maternity allowance, health care and the informal economy")

    for path in ("/km/", "/km/forums/", f"/km/forums/{forum.slug}/", "/en/accounts/login/"):
        phone_page.goto(f"{live_server.url}{path}")
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()


def test_khmer_headings_and_text_are_drawn_with_the_khmer_font(phone_page, live_server):
    """A font stack led by system-ui drew some Khmer headings as empty boxes (DejaVu has no Khmer)."""
    from tests.events.factories import ForumFactory

    ForumFactory()
    phone_page.goto(f"{live_server.url}/km/")
    phone_page.evaluate("document.fonts.ready")
    cdp = phone_page.context.new_cdp_session(phone_page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]

    for selector in ("h1", ".navbar-brand", "h2", ".lead"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert fonts[0]["familyName"] == "Noto Sans Khmer", (selector, fonts)
