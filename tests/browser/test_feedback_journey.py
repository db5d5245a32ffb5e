import re

import pytest
from playwright.sync_api import expect

from feedback.models import Concern
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_raises_anonymous_concern_and_reads_staff_response(phone_page, page, live_server, nssf_staff):
    # A worker on a small phone raises a concern anonymously and gets a tracking code.
    phone_page.goto(f"{live_server.url}/en/concerns/new/")
    phone_page.get_by_label("What is your concern about?").select_option(label="Maternity allowance")
    phone_page.get_by_label("Tell us what happened").fill(
        "I gave birth in March and the maternity allowance has still not been paid."
    )
    phone_page.get_by_label("Province where you live or work").select_option(label="Kampong Speu")
    phone_page.get_by_label("Stay anonymous").check()
    phone_page.get_by_role("button", name="Send my concern").click()
    expect(phone_page.get_by_role("heading", name="Your concern was received")).to_be_visible()
    code = phone_page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.contact_name, concern.contact_phone) == (True, "", "")

    # NSSF staff answer it in one save of the concern page's form.
    page.set_default_timeout(15_000)
    log_in(page, live_server, nssf_staff)
    page.goto(f"{live_server.url}/en/manage/concerns/")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_test_id("status")).to_have_text("New")
    page.get_by_label("Status").select_option(label="Responded")
    page.get_by_label("Answer to the submitter").fill("NSSF paid your allowance on 12 May. Check your bank account.")
    page.get_by_label("Also publish this answer").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Responded")
    expect(page.get_by_test_id("timeline")).to_contain_text("Public response")

    # The worker enters the code and reads the response.
    phone_page.goto(f"{live_server.url}/en/concerns/track/")
    phone_page.get_by_label("Tracking code").fill(code.lower())
    phone_page.get_by_role("button", name="Show my concern").click()
    expect(phone_page.get_by_text("NSSF paid your allowance on 12 May. Check your bank account.")).to_be_visible()
    expect(phone_page.get_by_text("Responded", exact=True)).to_be_visible()


def test_feedback_public_pages_fit_a_phone_screen(phone_page, live_server):
    from tests.events.factories import ForumFactory

    forum = ForumFactory(title="Regional Forum in Kampot")
    for path in (
        "/km/concerns/new/",
        f"/km/concerns/new/?forum={forum.slug}",
        "/km/concerns/track/",
        f"/km/concerns/forums/{forum.slug}/",
        f"/km/concerns/series/{forum.series.slug}/",
        f"/km/forums/{forum.slug}/",
    ):
        phone_page.goto(f"{live_server.url}{path}")
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
