"""Two doors, no connection: each device checks three people and a walk-in in, survives a reload, then sends."""

import time

import pytest
from playwright.sync_api import expect

from participants.models import Registration
from tests.browser.helpers import log_in
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}


def _wait_until(page, script, timeout=15.0):
    """Poll `script` in the page until it is true; wait_for_function would evaluate a string, which the CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        page.wait_for_timeout(100)


def _open_door(browser, live_server, organizer, forum, violations):
    """Log in on a new device, open the check-in page once online, and wait until it is kept on the device."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    log_in(page, live_server, organizer)
    page.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/")
    _wait_until(page, f"localStorage.getItem('checkin:{forum.slug}:roster') !== null")
    _wait_until(
        page,
        """async () => navigator.serviceWorker.controller !== null
            && !!(await caches.match(location.pathname))
            && !!(await caches.match(location.pathname + 'walk-in/'))""",
    )
    return context, page


def _check_in_by_code(page, registration):
    page.get_by_label("Reference code").fill(registration.code_display.lower())
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#check-in-result")).to_contain_text(f"{registration.full_name} is checked in on this device")


def _check_in_by_name(page, registration):
    page.get_by_label("Search on this device by name or code").fill(registration.full_name)
    page.get_by_role("button", name=f"Check in {registration.full_name}").click()
    expect(page.locator("#check-in-result")).to_contain_text(f"{registration.full_name} is checked in on this device")


def _record_walk_in(page, *, name, phone):
    page.get_by_role("link", name="Record a walk-in on this device").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_role("radio", name="Man", exact=True).check()
    page.get_by_label("Age group").select_option(label="25 to 34")
    page.get_by_label("Role").select_option(label="Workers' representative")
    page.get_by_label("Sector").select_option(label="Garment, footwear and travel goods")
    page.get_by_label("Province").select_option(label="Prey Veng")
    page.get_by_label("Mobile phone").fill(phone)
    page.get_by_label("The person heard the privacy notice").check()
    page.get_by_role("button", name="Record the walk-in").click()
    expect(page.locator("#check-in-result")).to_contain_text(f"The walk-in {name} is recorded on this device")
    page.get_by_role("link", name="Back to check-in").click()


def test_two_doors_check_in_with_no_connection_and_send_each_once(browser, live_server, organizer):
    forum = ForumFactory(title="Regional Forum in Svay Rieng")
    people = [RegistrationFactory(forum=forum, full_name=name) for name in ("Chan Dara", "Keo Mealea", "Sok Pisey")]
    people += [
        RegistrationFactory(forum=forum, full_name=name) for name in ("Meas Sophal", "Ly Sreyneang", "Hem Vuthy")
    ]
    RegistrationFactory(forum=forum, full_name="Stays Home")
    cancelled = RegistrationFactory(forum=forum, full_name="Cancelled Person", status=Registration.Status.CANCELLED)
    violations: list[str] = []
    first_context, first = _open_door(browser, live_server, organizer, forum, violations)
    second_context, second = _open_door(browser, live_server, organizer, forum, violations)

    first_context.set_offline(True)
    second_context.set_offline(True)
    # Both doors at once: the steps alternate between the two devices.
    _check_in_by_code(first, people[0])
    _check_in_by_code(second, people[3])
    _check_in_by_code(first, people[1])
    _check_in_by_name(second, people[4])
    _record_walk_in(first, name="Walk In One", phone="011 222 333")
    _record_walk_in(second, name="Walk In Two", phone="011 222 444")

    # Reloaded with no connection, the page still opens, keeps its queue and checks people in.
    assert first.reload().from_service_worker
    assert second.reload().from_service_worker
    expect(first.get_by_text("Waiting to be sent: 3")).to_be_visible()
    expect(second.get_by_text("Waiting to be sent: 3")).to_be_visible()
    _check_in_by_name(first, people[2])
    _check_in_by_code(second, people[5])
    expect(first.locator("[data-counter='checked_in']")).to_have_text("4")

    # A scan that fails says why on the screen (and aloud).
    first.get_by_label("Reference code").fill(cancelled.code)
    first.get_by_role("button", name="Check in", exact=True).click()
    expect(first.locator("#check-in-result")).to_contain_text("Cancelled Person: this registration was cancelled.")
    first.get_by_label("Reference code").fill("NOTACODE99")
    first.get_by_role("button", name="Check in", exact=True).click()
    expect(first.locator("#check-in-result")).to_contain_text("No registration with this code for this forum.")

    first_context.set_offline(False)
    second_context.set_offline(False)

    for page in (first, second):
        _wait_until(page, f"JSON.parse(localStorage.getItem('checkin:{forum.slug}:queue')).length === 0")
        expect(page.get_by_text("Waiting to be sent")).to_have_count(0)
        # The counters merge: each device now counts the other door's check-ins too.
        expect(page.locator("[data-counter='checked_in']")).to_have_text("8")
    checked_in = Registration.objects.filter(forum=forum, checked_in_at__isnull=False)
    assert sorted(checked_in.values_list("full_name", flat=True)) == sorted(
        [person.full_name for person in people] + ["Walk In One", "Walk In Two"]
    )
    assert checked_in.filter(check_in_client_id__isnull=False).count() == 8
    assert checked_in.filter(is_walk_in=True).count() == 2
    assert Registration.objects.filter(forum=forum).count() == 10
    assert violations == []
    first_context.close()
    second_context.close()
