"""Keyboard only, and small screens: register and raise a concern without a mouse, see where the focus is at every
step, touch targets of at least 24 x 24 px, no horizontal scrolling at 360 px wide or at 200 % zoom."""

import re

import pytest
from playwright.sync_api import expect

from participants.models import Registration
from tests.events.factories import AgendaItemFactory, ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const r = e.getBoundingClientRect();
  return {name: e.name || '', tag: e.tagName, type: e.type || '', text: (e.innerText || '').trim().slice(0, 40),
          visible: outline || s.boxShadow !== 'none', onScreen: r.width > 0 && r.height > 0};
}"""


def _tab_to(page, *, name: str = "", tag: str = "", type_: str = "", limit: int = 200) -> dict:
    """Press Tab until the focused element matches; assert the focus is visible at every stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["tag"] != "BODY":
            assert focused["visible"] and focused["onScreen"], f"focus not visible on {focused}"
        wanted = {"name": name, "tag": tag, "type": type_}
        if all(not value or focused[key] == value for key, value in wanted.items()):
            return focused
    raise AssertionError(f"Tab never reached {name or tag or type_}")


def test_register_and_raise_a_concern_with_the_keyboard_only(phone_page, live_server):
    forum = ForumFactory(title_km="វេទិកាខេត្តស្វាយរៀង", title_en="Svay Rieng forum")
    AgendaItemFactory(forum=forum)
    page = phone_page

    page.goto(f"{live_server.url}/km/forums/{forum.slug}/register/")
    _tab_to(page, name="full_name")
    page.keyboard.type("សុខ ដារ៉ា")
    for radio in ("gender", "difficulty_seeing", "difficulty_hearing", "difficulty_walking"):
        _tab_to(page, name=radio)
        page.keyboard.press("Space")
    for radio in ("difficulty_remembering", "difficulty_self_care", "difficulty_communicating"):
        _tab_to(page, name=radio)
        page.keyboard.press("Space")
    for select in ("age_group",):
        _tab_to(page, name=select)
        page.keyboard.press("ArrowDown")
    for select in ("role", "sector", "province"):
        _tab_to(page, name=select)
        page.keyboard.press("ArrowDown")
    _tab_to(page, name="phone")
    page.keyboard.type("០១២ ៣៤៥ ៦៧៨")
    _tab_to(page, name="consent")
    page.keyboard.press("Space")
    _tab_to(page, tag="BUTTON", type_="submit")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/km/registrations/[^/]+/$"))
    registration = Registration.objects.get()
    assert (registration.full_name, registration.phone) == ("សុខ ដារ៉ា", "+85512345678")

    page.goto(f"{live_server.url}/km/concerns/new/")
    _tab_to(page, name="category")
    page.keyboard.press("ArrowDown")
    _tab_to(page, name="description")
    page.keyboard.type("ក្រុមហ៊ុនមិនបានបង់ភាគទានរបស់ខ្ញុំទៅ ប.ស.ស. ទេ។")
    _tab_to(page, name="province")
    page.keyboard.press("ArrowDown")
    _tab_to(page, tag="BUTTON", type_="submit")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/km/concerns/submitted/"))
    expect(page.locator(".tracking-code")).to_be_visible()


TARGETS = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    'main button, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main select, main textarea,'
    + ' main .btn, nav a, .page-link, main .form-check');
  for (const e of controls) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not shown (a collapsed menu, a hidden honeypot)
    const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
    if (r.width < 24 || r.height < 24) small.push(`${e.tagName}.${e.className} ${size}`);
  }
  return small;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize(("width", "height"), [(360, 740), (640, 400)])  # a phone, and 1280 x 800 at 200 % zoom
def test_public_pages_fit_the_screen_and_have_large_targets(browser, live_server, language, width, height):
    forum = ForumFactory(title_km="វេទិកាថ្នាក់តំបន់ស្តីពីរបបសន្តិសុខសង្គម ខេត្តស្វាយរៀង", title_en="Regional Forum")
    AgendaItemFactory(forum=forum)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for path in (
        "/",
        "/forums/",
        f"/forums/{forum.slug}/",
        f"/forums/{forum.slug}/register/",
        "/concerns/new/",
        "/concerns/track/",
        "/accounts/login/",
    ):
        page.goto(f"{live_server.url}/{language}{path}")
        if (overflow := page.evaluate(OVERFLOW)) > 0:
            problems[f"{path} scrolls sideways by {overflow}px"] = True
        if small := page.evaluate(TARGETS):
            problems[f"{path} small targets"] = small[:5]
    context.close()

    assert problems == {}
