"""Automated WCAG checks (axe-core, from npm) on the public pages, in Khmer and English, on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

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


# Every page template, public and staff, in both languages -------------------------------------------------------
# axe rules we do not hold the pages to, each with its reason. Any other violation, of any impact, fails.
AXE_EXCEPTIONS: dict[str, str] = {}


def _all_violations(page):
    """Return every axe violation (all impacts) on the page, minus the listed exceptions."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["id"] not in AXE_EXCEPTIONS
    ]


def _pages_by_viewer():
    """Return {viewer: [(name, url builder)]}: each page once, seen by the least privileged role that may open it.

    Public pages and a participant's own links are seen without logging in; staff pages by an administrator.
    """
    from tests.security.test_permission_matrix import ROLES, ROWS

    viewers = {"participant": [], "administrator": []}
    for name, row in sorted(ROWS.items()):
        if row.method != "get" or name.startswith(("admin:", "account_", "mfa_")):
            continue
        for role in ("participant", "administrator"):
            if row.statuses[ROLES.index(role)] == 200:
                viewers[role].append((name, row.url))
                break
    return viewers


DOWNLOADS = {"zip", "pdf", "csv", "ics", "png", "json", "svg", "xlsx"}
FORM_SELECTOR = 'main form[method="post"]:not([action*="/i18n/"])'
FORM_SUBMIT_EMPTY = """() => {
  const form = document.querySelector('main form[method="post"]:not([action*="/i18n/"])');
  if (!form) return false;
  form.noValidate = true;
  const typed = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea';
  for (const field of form.querySelectorAll(typed)) field.value = '';
  form.requestSubmit();
  return true;
}"""


@pytest.mark.parametrize("language", ["km", "en"])
def test_every_page_and_form_error_state_passes_axe(browser, live_server, settings, tmp_path, language):
    """axe on each page the portal renders (as a participant and as an administrator) and on each form's error
    state (the first form of the page, sent empty), in Khmer and English, at a phone's width."""
    from django.utils import translation

    from tests.accounts.factories import UserFactory
    from tests.security.test_permission_matrix import World

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # materials and attachments in a throwaway folder
    world = World(_png())
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=True)
    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    found, checked, forms = {}, [], []
    for viewer, pages in _pages_by_viewer().items():
        if viewer == "administrator":
            log_in(page, live_server, admin)
        for name, url in pages:
            with translation.override(language):
                path = url(world, viewer)
            if path.rsplit("/", 1)[-1].rpartition(".")[2] in DOWNLOADS:
                continue
            try:
                response = page.goto(f"{live_server.url}{path}")
            except PlaywrightError as error:  # a file served as an attachment, whatever its address says
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            checked.append(name)
            if violations := _all_violations(page):
                found[f"{name} {path}"] = violations
            if page.locator(FORM_SELECTOR).count():
                with page.expect_navigation():
                    page.evaluate(FORM_SUBMIT_EMPTY)
                forms.append(name)
                if violations := _all_violations(page):
                    found[f"{name} {path} (form sent empty)"] = violations
    context.close()

    assert found == {}
    # The pages and forms the permission matrix names (a page that stopped rendering HTML would drop out).
    assert {"events:home", "participants:register", "participants:manage", "feedback:concern_create"} <= set(checked)
    assert {"events:manage_forum_edit", "feedback:queue", "notifications:overview"} <= set(checked)
    assert {"participants:register", "feedback:concern_create", "events:manage_forum_edit"} <= set(forms)
    print(f"axe: {len(checked)} pages, {len(forms)} forms sent empty")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["km", "en"])
def test_account_and_error_pages_pass_axe(browser, live_server, language):
    """The log-in and password pages, and the 400/403/404/429/500/CSRF error pages."""
    from django.template.loader import render_to_string
    from django.utils import translation

    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in ("/accounts/login/", "/accounts/password/reset/", "/no-such-page/"):
        page.goto(f"{live_server.url}/{language}{path}")
        if violations := _all_violations(page):
            found[path] = violations
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    with page.expect_navigation():
        page.evaluate(
            "() => { const f = document.querySelector('main form'); f.noValidate = true; f.requestSubmit(); }"
        )
    if violations := _all_violations(page):
        found["login sent empty"] = violations
    with translation.override(language):
        templates = {
            "400": render_to_string("400.html"),
            "403_csrf": render_to_string("403_csrf.html"),
            "500": render_to_string("500.html"),
        }
    for name, html in templates.items():
        page.goto(f"{live_server.url}/{language}/")
        page.set_content(html)
        if violations := _all_violations(page):
            found[name] = violations
    context.close()

    assert found == {}
