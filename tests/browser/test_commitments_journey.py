import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from feedback.models import Commitment, CommitmentFollower, Concern
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import _violations
from tests.events.factories import ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_hotline_concern_to_a_followed_commitment(
    page, phone_page, browser, live_server, nssf_staff, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    forum = ForumFactory(title="Regional Forum in Kampot")
    log_in(page, live_server, nssf_staff)

    # A call to 1286, with a photo of the paper the caller brought later.
    page.goto(f"{live_server.url}/en/manage/concerns/")
    page.get_by_role("link", name="Record a concern received by hotline, paper, letter or in person").click()
    page.get_by_label("Hotline").check()
    page.get_by_label("The concern, in the person's words").fill("My maternity allowance is three months late.")
    page.get_by_label("Category").select_option("maternity")
    page.get_by_label("Province").select_option(label="Kampot")
    page.get_by_label("Scans or photos (optional)").set_input_files(
        files=[{"name": "form.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Save and get the tracking code").click()
    concern = Concern.objects.get()
    expect(page.get_by_test_id("tracking-code")).to_have_text(concern.display_code)
    assert concern.attachments.count() == 1

    # The commitment NSSF made at the forum, linked to the concern, then under way.
    page.goto(f"{live_server.url}/en/manage/commitments/")
    page.get_by_role("link", name="New commitment").click()
    page.get_by_label("Title in Khmer").fill("បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល")
    page.get_by_label("Title in English").fill("Pay maternity allowance on time")
    page.get_by_label("Made at the forums").select_option(label=forum.title)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The commitment was recorded.")).to_be_visible()
    page.get_by_label("Tracking codes of the concerns it answers").fill(concern.display_code)
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_text("The concerns were linked.")).to_be_visible()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("The update was saved.")).to_be_visible()
    commitment = Commitment.objects.get()
    assert (commitment.status, commitment.progress) == ("in_progress", 40)

    # In public, on a phone, in Khmer: the progress, and a worker follows it.
    phone_page.goto(f"{live_server.url}/km/commitments/{commitment.pk}/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("បង់ប្រាក់ឧបត្ថម្ភមាតុភាពទាន់ពេល")
    expect(phone_page.locator("progress").first).to_have_attribute("value", "40")
    phone_page.locator("input[name=channel][value=sms]").check()
    phone_page.locator("input[name=phone]").fill("012 345 678")
    phone_page.locator("input[name=language][value=km]").check()
    phone_page.locator("input[name=consent]").check()
    phone_page.locator("form button[type=submit]").last.click()
    phone_page.wait_for_url(f"{live_server.url}/km/commitments/{commitment.pk}/")
    assert CommitmentFollower.objects.get().phone == "+85512345678"
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    checker = context.new_page()
    found = {}
    for path in ("/km/commitments/", f"/km/commitments/{commitment.pk}/", f"/en/concerns/forums/{forum.slug}/"):
        checker.goto(f"{live_server.url}{path}")
        if violations := _violations(checker):
            found[path] = violations
    # The staff session of the journey (a second TOTP login within the same 30 seconds would be refused).
    context.add_cookies(page.context.cookies())
    for path in (
        "/en/manage/commitments/",
        f"/en/manage/commitments/{commitment.pk}/",
        "/en/manage/commitments/upload/",
        "/en/manage/concerns/new/",
    ):
        checker.goto(f"{live_server.url}{path}")
        if violations := _violations(checker):
            found[path] = violations
    context.close()
    assert found == {}
