"""An NSSF officer on a 360 px phone answers and closes a new concern in at most two saves."""

import pytest
from playwright.sync_api import expect

from feedback.models import Concern
from tests.browser.helpers import log_in
from tests.feedback.factories import ConcernFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_officer_answers_and_closes_a_new_concern_in_two_saves(phone_page, live_server, nssf_staff):
    concern = ConcernFactory(
        description="The hospital in Kampot asked me to pay for my delivery.\nI have my NSSF card.",
        category=Concern.Category.OTHER,
    )
    ConcernFactory.create_batch(3)
    page = phone_page
    log_in(page, live_server, nssf_staff)

    loads, saves = [], []
    page.on("load", lambda p: loads.append(p.url))
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" and r.is_navigation_request() else None)

    page.goto(f"{live_server.url}/en/manage/concerns/")
    cards = page.get_by_test_id("queue-cards")
    expect(cards).to_contain_text("The hospital in Kampot asked me to pay for my delivery.")
    expect(cards).not_to_contain_text("I have my NSSF card.")
    assert _overflow(page) <= 0
    code_link = cards.get_by_role("link", name=concern.display_code)
    box = code_link.bounding_box()
    assert box["height"] < 30  # one line: the code never wraps
    code_link.click()
    expect(page.get_by_test_id("status")).to_have_text("New")
    assert _overflow(page) <= 0

    # Save 1: the right category, the officer takes it, and answers it.
    page.get_by_label("Category").select_option(label="Health-care services")
    page.get_by_label("Assigned to").select_option(value=str(nssf_staff.pk))
    page.get_by_label("Status").select_option(label="Responded")
    page.get_by_label("Answer to the submitter").fill("The hospital must not charge you: NSSF will refund you.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Responded")
    expect(page.get_by_test_id("timeline")).to_contain_text("Category corrected")

    # Save 2: closed, with its reason.
    page.get_by_label("Status").select_option(label="Closed")
    page.get_by_label("Closing reason").select_option(label="Resolved")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    assert _overflow(page) <= 0

    assert len(saves) == 2, saves
    # The queue, the concern, and one page after each save.
    assert len(loads) <= 4, loads
    concern.refresh_from_db()
    assert (concern.status, concern.category, concern.assignee, concern.closing_reason) == (
        Concern.Status.CLOSED,
        Concern.Category.HEALTH_CARE,
        nssf_staff,
        Concern.ClosingReason.RESOLVED,
    )


def test_a_refused_save_says_why_and_changes_nothing(phone_page, live_server, nssf_staff):
    concern = ConcernFactory()
    log_in(phone_page, live_server, nssf_staff)
    phone_page.goto(f"{live_server.url}{concern.get_absolute_url()}")
    phone_page.get_by_label("Priority").select_option(label="Urgent")
    phone_page.get_by_label("Status").select_option(label="Closed")
    phone_page.get_by_role("button", name="Save", exact=True).click()
    # Once in the error summary (as a link to the field) and once under the field itself.
    expect(phone_page.get_by_text("Write the answer the submitter will read.", exact=True)).to_be_visible()
    concern.refresh_from_db()
    assert (concern.status, concern.priority) == (Concern.Status.NEW, Concern.Priority.NORMAL)
