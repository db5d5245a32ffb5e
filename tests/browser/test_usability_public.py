"""The public jobs on a 360 px phone, in as few steps as they can take: register from the home page, correct a
form, raise a concern anonymously or not (with and without JavaScript), follow it by its link, cancel a seat;
and staff landing on their work list after logging in."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from events.models import Province
from feedback import services as feedback_services
from feedback.models import Concern
from participants import services as participant_services
from participants.models import Registration
from tests.browser.helpers import log_in
from tests.events.factories import AgendaItemFactory, ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


# Registering ------------------------------------------------------------------------------------------------------


def test_participant_registers_from_the_home_page_in_two_page_loads(phone, live_server):
    forum = ForumFactory(title="Regional Forum in Prey Veng")
    district = Province.objects.get(name_en="Prey Veng").districts.order_by("name_en").first()
    phone.goto(f"{live_server.url}/en/")
    loads: list[str] = []
    phone.on("load", lambda page: loads.append(page.url))

    card = phone.get_by_role("article").filter(has_text="Regional Forum in Prey Veng")
    card.get_by_role("link", name="Register").click()
    phone.get_by_label("Full name").fill("Sophea Chan")
    phone.get_by_role("radio", name="Woman").check()
    phone.get_by_label("Age group").select_option(label="25 to 34")
    for answer in phone.get_by_role("radio", name="No difficulty").all():
        answer.check()
    phone.get_by_label("Role").select_option(label="Workers' representative")
    phone.get_by_label("Sector").select_option(label="Garment, footwear and travel goods")
    phone.get_by_label("Province").select_option(label="Prey Veng")
    phone.get_by_label("District").select_option(label=district.name_en)
    phone.get_by_label("Mobile phone").fill("012 345 678")
    phone.get_by_label("I agree that my details are stored").check()
    phone.get_by_role("button", name="Register").click()

    expect(phone.get_by_role("heading", name="You are registered")).to_be_visible()
    assert len(loads) <= 2, loads
    assert Registration.objects.get(forum=forum).full_name == "Sophea Chan"


def test_forum_page_shows_register_on_the_first_screen_and_keeps_it_at_the_bottom(phone, live_server):
    forum = ForumFactory(title="Regional Forum in Kampot", description="A long introduction.\n\n" * 20)
    for hour in range(8, 17):
        AgendaItemFactory(forum=forum, title=f"Session at {hour}")
    phone.goto(f"{live_server.url}/en/forums/{forum.slug}/")

    top = phone.get_by_test_id("register-cta").get_by_role("link", name="Register")
    expect(top).to_be_in_viewport()
    sticky = phone.get_by_test_id("register-sticky")
    phone.get_by_role("heading", name="Agenda").scroll_into_view_if_needed()
    expect(sticky).to_be_in_viewport()
    box = sticky.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)
    assert _no_horizontal_overflow(phone)

    phone.set_viewport_size({"width": 1280, "height": 800})
    expect(sticky).to_be_hidden()


# Correcting a form ------------------------------------------------------------------------------------------------


def test_error_summary_takes_focus_and_leads_to_each_field(browser, live_server):
    forum = ForumFactory()
    # Injecting axe is an inline script: let the test page run it despite the site's strict CSP.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/en/forums/{forum.slug}/register/")

    page.get_by_role("button", name="Register").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("Please correct these fields:")
    assert _serious_violations(page) == []
    summary.get_by_role("link", name="Full name: This field is required.").click()
    expect(page.get_by_label("Full name")).to_be_focused()
    page.evaluate("window.scrollTo(0, 0)")
    summary.get_by_role("link", name=re.compile(r"^Gender")).click()
    expect(page.locator("#id_gender_0")).to_be_focused()
    context.close()


# Raising a concern ------------------------------------------------------------------------------------------------


def _describe_concern(page):
    page.get_by_label("What is your concern about?").select_option(label="Maternity allowance")
    page.get_by_label("Tell us what happened").fill("My maternity allowance has not been paid for three months.")
    page.get_by_label("Province where you live or work").select_option(label="Kampot")


def test_anonymous_choice_with_javascript_shows_only_the_fields_that_apply(phone, live_server):
    phone.goto(f"{live_server.url}/en/concerns/new/")
    _describe_concern(phone)
    contact = phone.locator("#contact-fields")

    expect(phone.get_by_label("Stay anonymous")).to_be_checked()
    expect(contact).to_be_hidden()
    phone.get_by_label("NSSF may contact me").check()
    expect(contact).to_be_visible()
    phone.get_by_label("Your name (optional)").fill("Srey Leak")
    # Back to anonymous: the name typed is hidden and never sent, so nothing fails further down.
    phone.get_by_label("Stay anonymous").check()
    expect(contact).to_be_hidden()
    phone.get_by_role("button", name="Send my concern").click()

    expect(phone.get_by_role("heading", name="Your concern was received")).to_be_visible()
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.contact_name, concern.consent_to_contact) == (True, "", False)


def test_contact_choice_with_javascript_keeps_the_contact(phone, live_server):
    phone.goto(f"{live_server.url}/en/concerns/new/")
    _describe_concern(phone)

    phone.get_by_label("NSSF may contact me").check()
    phone.get_by_label("Phone number").fill("012 345 678")
    phone.get_by_role("button", name="Send my concern").click()

    expect(phone.get_by_role("heading", name="Your concern was received")).to_be_visible()
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.contact_phone, concern.consent_to_contact) == (False, "+85512345678", True)


def test_anonymous_choice_without_javascript_is_explained_by_the_server(phone_without_javascript, live_server):
    page = phone_without_javascript
    page.goto(f"{live_server.url}/en/concerns/new/")
    _describe_concern(page)

    expect(page.get_by_label("Your name (optional)")).to_be_visible()  # every field shows without JavaScript
    page.get_by_label("Your name (optional)").fill("Srey Leak")
    page.get_by_role("button", name="Send my concern").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("You chose to stay anonymous")
    # Without JavaScript nothing moves focus: the summary is the first thing of the form, right under its heading.
    expect(page.locator("form.concern-form > :not(input)").first).to_have_attribute("data-error-summary", "")
    assert not Concern.objects.exists()
    page.get_by_label("NSSF may contact me").check()
    page.get_by_label("Phone number").fill("012 345 678")
    page.get_by_role("button", name="Send my concern").click()

    expect(page.get_by_role("heading", name="Your concern was received")).to_be_visible()
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.contact_name, concern.contact_phone) == (False, "Srey Leak", "+85512345678")


# Following a concern ----------------------------------------------------------------------------------------------


def test_receipt_gives_a_stable_link_that_shows_the_answer_later(phone, live_server, nssf_staff):
    phone.goto(f"{live_server.url}/en/concerns/new/")
    _describe_concern(phone)
    phone.get_by_role("button", name="Send my concern").click()
    code = phone.get_by_test_id("tracking-code").inner_text().strip()

    assert _no_horizontal_overflow(phone)  # the long link wraps
    with phone.expect_navigation() as navigation:
        phone.get_by_test_id("track-link").click()

    link = phone.url
    assert re.fullmatch(rf"{re.escape(live_server.url)}/en/concerns/track/[0-9a-z]+\.[A-Za-z0-9_-]{{22}}/", link)
    assert code not in link and code.replace("-", "") not in link
    assert navigation.value.headers["referrer-policy"] == "strict-origin"
    expect(phone.get_by_role("heading", name=f"Concern {code}")).to_be_visible()
    expect(phone.get_by_text("New", exact=True)).to_be_visible()

    concern = Concern.objects.get()
    for status in (Concern.Status.ACKNOWLEDGED, Concern.Status.UNDER_REVIEW):
        concern = feedback_services.concern_transition(concern=concern, to_status=status, actor=nssf_staff)
    feedback_services.concern_transition(
        concern=concern,
        to_status=Concern.Status.RESPONDED,
        actor=nssf_staff,
        public_response="NSSF paid your allowance on 12 May.",
    )

    phone.goto(link)  # days later, from the bookmark or the message
    expect(phone.get_by_text("NSSF paid your allowance on 12 May.")).to_be_visible()
    expect(phone.get_by_text("Responded", exact=True)).to_be_visible()
    assert _no_horizontal_overflow(phone)

    # The page's forms still pass the CSRF check (its Referrer-Policy keeps the Origin header).
    phone.get_by_role("button", name="ខ្មែរ").click()
    phone.wait_for_url(link.replace("/en/", "/km/"))
    expect(phone.get_by_text("NSSF paid your allowance on 12 May.")).to_be_visible()


# Cancelling -------------------------------------------------------------------------------------------------------


def test_cancelling_ones_registration_asks_first_naming_the_person(phone, live_server):
    registration = RegistrationFactory(full_name="Sok Dara", forum=ForumFactory(title="Regional Forum in Takeo"))
    token = participant_services.registration_token(registration=registration)
    phone.goto(f"{live_server.url}/en/registrations/{token}/manage/")

    phone.get_by_role("link", name="Cancel my registration").click()
    expect(phone.get_by_test_id("cancel-question")).to_contain_text(
        "Cancel the registration of Sok Dara for Regional Forum in Takeo"
    )
    phone.get_by_role("link", name="No, keep my registration").click()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    phone.get_by_role("link", name="Cancel my registration").click()
    phone.get_by_role("button", name="Yes, cancel my registration").click()

    expect(phone.get_by_text("Your registration is cancelled.")).to_be_visible()
    registration.refresh_from_db()
    assert (registration.status, registration.cancelled_at is not None) == (Registration.Status.CANCELLED, True)


# Everywhere -------------------------------------------------------------------------------------------------------


def test_language_switch_is_visible_on_a_phone_without_opening_the_menu(phone, live_server):
    phone.goto(f"{live_server.url}/en/")

    expect(phone.get_by_role("button", name="Show menu")).to_be_visible()
    switch = phone.get_by_role("button", name="ខ្មែរ")
    expect(switch).to_be_visible()
    assert _no_horizontal_overflow(phone)
    switch.click()

    phone.wait_for_url(f"{live_server.url}/km/")
    expect(phone.get_by_role("button", name="English")).to_be_visible()


@pytest.mark.parametrize(
    ("who", "landing"), [("organizer", "/en/manage/forums/"), ("nssf_staff", "/en/manage/concerns/")]
)
def test_after_logging_in_each_role_lands_on_its_work_list(phone, live_server, request, who, landing):
    log_in(phone, live_server, request.getfixturevalue(who))

    assert phone.url == f"{live_server.url}{landing}"
