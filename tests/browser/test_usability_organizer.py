"""The organizer's main work on a 360 px phone, counting page loads: the door, cancelling, every page's width."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import ForumSeries
from participants.models import Registration
from tests.browser.helpers import log_in
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.csp_violations = violations
    yield page
    context.close()


def _count_loads(page):
    """Return the list that records each page load of the main frame (method, URL), from now on."""
    loads = []
    page.on(
        "request",
        lambda request: (
            request.is_navigation_request()
            and request.frame == page.main_frame
            and loads.append((request.method, request.url))
        ),
    )
    return loads


def _saves(loads):
    return [url for method, url in loads if method == "POST"]


def test_walk_in_is_registered_and_checked_in_in_at_most_two_saves(phone, live_server, organizer):
    forum = ForumFactory(title="Regional Forum in Kampot")
    log_in(phone, live_server, organizer)
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/")
    loads = _count_loads(phone)

    # Search first: the person is not registered, so the organizer registers them as a walk-in.
    phone.get_by_role("searchbox", name="Name, phone or code").fill("Keo Sreymom")
    phone.get_by_role("button", name="Search").click()
    expect(phone.get_by_text("Nobody found.")).to_be_visible()
    phone.get_by_role("link", name="Register a walk-in").click()
    phone.get_by_label("Full name").fill("Keo Sreymom")
    phone.get_by_role("radio", name="Woman", exact=True).check()
    phone.get_by_label("Role").select_option(label="Worker")
    phone.get_by_label("The person heard the privacy notice").check()
    phone.get_by_role("button", name="Register and check in").click()

    screen = phone.locator("#check-in-screen")
    expect(screen).to_contain_text("Keo Sreymom is checked in")
    expect(screen).to_contain_text("Welcome.")
    assert len(_saves(loads)) <= 2
    walk_in = Registration.objects.get(forum=forum, full_name="Keo Sreymom")
    assert (walk_in.is_walk_in, walk_in.checked_in_by, walk_in.status) == (True, organizer, "confirmed")
    assert walk_in.checked_in_at is not None
    assert phone.csp_violations == []


def test_check_in_keeps_the_search_and_shows_the_result_full_screen(phone, live_server, organizer):
    forum = ForumFactory()
    person = RegistrationFactory(forum=forum, full_name="Srey Leak")
    RegistrationFactory(forum=forum, full_name="Srey Neang")
    cancelled = RegistrationFactory(forum=forum, full_name="Srey Pich", status=Registration.Status.CANCELLED)
    log_in(phone, live_server, organizer)
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/?q=srey")
    loads = _count_loads(phone)

    phone.get_by_role("button", name="Check in Srey Leak").click()

    screen = phone.locator("#check-in-screen")
    expect(screen).to_contain_text("Srey Leak is checked in")
    box = screen.bounding_box()
    assert (box["width"], box["height"]) == (PHONE["width"], PHONE["height"])
    phone.get_by_role("link", name="Next person").click()
    expect(screen).to_have_count(0)
    # The same search, still there, without a page load; the person's row now says so.
    expect(phone.get_by_role("searchbox", name="Name, phone or code")).to_have_value("srey")
    expect(phone.get_by_role("button", name="Check in Srey Neang")).to_be_visible()
    assert loads == []
    person.refresh_from_db()
    assert person.checked_in_at is not None

    # A cancelled code: red, with what to do next, and it stays until the organizer acts.
    phone.get_by_label("Reference code").fill(cancelled.code)
    phone.get_by_role("button", name="Check in", exact=True).click()
    expect(screen).to_have_attribute("data-tone", "danger")
    expect(screen).to_contain_text("Srey Pich: this registration was cancelled.")
    expect(screen.get_by_role("link", name="Reactivate")).to_be_visible()
    assert phone.csp_violations == []


def test_check_in_without_javascript_keeps_the_search(browser, live_server, organizer):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, full_name="Srey Leak")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, organizer)
    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/?q=srey")

    page.get_by_role("button", name="Check in Srey Leak").click()

    expect(page.locator("#check-in-screen")).to_contain_text("Srey Leak is checked in")
    expect(page.get_by_role("searchbox", name="Name, phone or code")).to_have_value("srey")
    page.get_by_role("link", name="Next person").click()
    expect(page.locator("#check-in-screen")).to_have_count(0)
    expect(page.get_by_text("Checked in at")).to_be_visible()
    context.close()


def test_organizer_cancels_and_reactivates_with_a_confirmation_each_way(phone, live_server, organizer):
    forum = ForumFactory(capacity=2)
    RegistrationFactory(forum=forum, full_name="Chan Sokha")
    log_in(phone, live_server, organizer)
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/participants/")
    loads = _count_loads(phone)

    # On a phone the list is cards: the name, the status and the main action.
    expect(phone.locator("table")).to_be_hidden()
    phone.get_by_role("link", name="Cancel the registration of Chan Sokha").click()
    expect(phone.get_by_role("heading", name="Cancel the registration of Chan Sokha?")).to_be_visible()
    phone.get_by_role("button", name="Yes, cancel the registration").click()
    expect(phone.get_by_text("The registration of Chan Sokha is cancelled.")).to_be_visible()
    assert Registration.objects.get(full_name="Chan Sokha").status == "cancelled"

    phone.get_by_role("link", name="Reactivate the registration of Chan Sokha").click()
    expect(phone.get_by_role("heading", name="Reactivate the registration of Chan Sokha?")).to_be_visible()
    expect(phone.get_by_text("A seat is free")).to_be_visible()
    phone.get_by_role("button", name="Yes, reactivate the registration").click()
    expect(phone.get_by_text("Chan Sokha has a seat again.")).to_be_visible()

    assert Registration.objects.get(full_name="Chan Sokha").status == "confirmed"
    assert len(_saves(loads)) == 2  # one confirmed save each way
    assert phone.csp_violations == []


def _organizer_pages(forum, registration, cancelled):
    slug = {"slug": forum.slug}
    pk = {"slug": forum.slug, "pk": registration.pk}
    series = ForumSeries.objects.first()
    pages = [
        reverse("events:manage_forum_list"),
        reverse("events:manage_forum_create"),
        reverse("events:manage_forum_edit", kwargs=slug),
        reverse("events:manage_forum_preview", kwargs=slug),
        reverse("events:manage_series_create"),
        reverse("events:manage_forum_record", kwargs=slug),
        reverse("events:manage_material_add", kwargs=slug),
        reverse("participants:manage_list", kwargs=slug),
        reverse("participants:targets", kwargs=slug),
        reverse("participants:walk_in", kwargs=slug),
        reverse("participants:edit", kwargs=pk),
        reverse("participants:cancel", kwargs=pk),
        reverse("participants:reactivate", kwargs={"slug": forum.slug, "pk": cancelled.pk}),
        reverse("participants:erase", kwargs=pk),
        reverse("participants:check_in", kwargs=slug) + "?q=a",
        reverse("participants:check_in_walk_in", kwargs=slug),
        reverse("participants:evaluation_define", kwargs=slug),
        reverse("participants:evaluation_results", kwargs=slug),
        reverse("notifications:message_log", kwargs=slug),
        reverse("participants:announcement", kwargs=slug),
        reverse("participants:reminder_settings", kwargs=slug),
    ]
    if series is not None:
        pages.append(reverse("events:manage_series_edit", kwargs={"slug": series.slug}))
    return pages


def test_no_organizer_page_overflows_a_360_px_screen(phone, live_server, organizer):
    forum = ForumFactory(title="Regional Forum in Banteay Meanchey on social security for every worker")
    AgendaItemFactory(forum=forum, title="Opening remarks")
    registration = RegistrationFactory(
        forum=forum, full_name="Sokunthearith Chanmonyroth Vannarithsambath", email="a.very.long.address@example.org"
    )
    RegistrationFactory(forum=forum, status=Registration.Status.WAITING)
    cancelled = RegistrationFactory(forum=forum, status=Registration.Status.CANCELLED)
    log_in(phone, live_server, organizer)

    overflowing = []
    for path in _organizer_pages(forum, registration, cancelled):
        response = phone.goto(f"{live_server.url}/en{path.removeprefix('/en')}")
        assert response.status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            overflowing.append((path, width))

    # Two pages come after a post: the announcement's preview and the question before cancelling the forum.
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/messages/announce/")
    phone.get_by_label("Subject").fill("Bus times")
    phone.get_by_label("Message in English").fill("The bus leaves the market at 6 a.m. " * 5)
    phone.get_by_role("button", name="Preview and check").click()
    expect(phone.get_by_test_id("sms-cost")).to_be_visible()
    overflowing += [("announcement preview", w) for w in [phone.evaluate("document.documentElement.scrollWidth")]]
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    phone.get_by_role("button", name="Cancel forum").click()
    expect(phone.get_by_role("button", name="Yes, cancel the forum")).to_be_visible()
    overflowing += [("cancel question", w) for w in [phone.evaluate("document.documentElement.scrollWidth")]]

    assert [(page, width) for page, width in overflowing if width > PHONE["width"]] == []


def test_forum_editor_adds_rows_picks_speakers_and_publishes_after_the_checklist(phone, live_server, organizer):
    from events.models import Forum, Speaker

    forum = ForumFactory(status=Forum.Status.DRAFT, title="Regional Forum in Takeo")
    AgendaItemFactory(forum=forum, title="Old session to drop")
    Speaker.objects.create(name="Dr. Sok Vanna", organisation="NSSF")
    Speaker.objects.create(name="Ms. Chea Ratha", organisation="Ministry of Labour")
    log_in(phone, live_server, organizer)
    phone.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/")
    loads = _count_loads(phone)
    rows = phone.locator(".agenda-item:visible")
    expect(rows).to_have_count(4)  # the saved item and three empty rows

    # A fifth row, in place; the saved one removed in place.
    phone.get_by_role("button", name="Add agenda rows").click()
    expect(rows).to_have_count(5)
    assert loads == []
    rows.first.get_by_role("button", name="Remove this row").click()
    expect(phone.locator(".agenda-item").first.get_by_text("This row will be removed when you save.")).to_be_visible()

    new_row = phone.locator(".agenda-item").nth(1)
    new_row.get_by_label("Start time").fill("08:00")
    new_row.locator("input[name$='-title_en']").fill("Opening remarks")
    new_row.get_by_label("Search speakers").fill("sok")
    expect(new_row.get_by_label("Ms. Chea Ratha, Ministry of Labour")).to_be_hidden()
    new_row.get_by_label("Dr. Sok Vanna, NSSF").check()
    new_row.get_by_label("Add a new speaker: name, position, organisation").fill("Mr. Kim Sopheak, Director, ILO")
    new_row.get_by_role("button", name="Add", exact=True).click()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("was saved")).to_be_visible()

    items = list(forum.agenda_items.prefetch_related("speakers"))
    assert [item.title for item in items] == ["Opening remarks"]
    assert sorted(speaker.name for speaker in items[0].speakers.all()) == ["Dr. Sok Vanna", "Mr. Kim Sopheak"]

    # Publishing asks first, with the checklist and the preview; "Cancel forum" sits apart, below the form.
    phone.get_by_role("button", name="Publish").click()
    expect(phone.get_by_test_id("publish-checklist").locator("[data-ok='no']")).to_have_count(0)
    phone.get_by_role("link", name="Preview the public page").click()
    expect(phone.get_by_text("Opening remarks")).to_be_visible()
    phone.get_by_role("link", name="Back to the forum").click()
    phone.get_by_role("button", name="Publish").click()
    phone.get_by_role("button", name="Yes, publish").click()
    expect(phone.get_by_text("The forum is now “Published”.")).to_be_visible()
    forum.refresh_from_db()
    assert forum.status == Forum.Status.PUBLISHED
    assert phone.csp_violations == []
