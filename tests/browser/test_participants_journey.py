"""Participants on a phone: register, see the QR code, join the waiting list; an organizer checks people in."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from events.models import Province
from participants import exports
from participants.models import Registration
from tests.browser.helpers import log_in
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _watch_csp(page, violations):
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))


def _register(page, live_server, forum, *, name, phone):
    page.goto(f"{live_server.url}/en/forums/{forum.slug}/")
    # The first of the forum page's Register buttons: the one near the top.
    page.get_by_role("link", name="Register").or_(page.get_by_role("link", name="Join the waiting list")).first.click()
    page.get_by_label("Full name").fill(name)
    page.get_by_role("radio", name="Woman").check()
    page.get_by_label("Age group").select_option(label="25 to 34")
    for answer in page.get_by_role("radio", name="No difficulty").all():  # the six everyday-activity questions
        answer.check()
    page.get_by_label("Role").select_option(label="Workers' representative")
    page.get_by_label("Sector").select_option(label="Garment, footwear and travel goods")
    page.get_by_label("Province").select_option(label="Prey Veng")
    district = Province.objects.get(name_en="Prey Veng").districts.order_by("name_en").first()
    page.get_by_label("District").select_option(label=district.name_en)
    page.get_by_label("Mobile phone").fill(phone)
    page.get_by_label("Childcare").check()
    page.get_by_label("I agree that my details are stored").check()
    page.get_by_role("button", name="Register").click()


def test_participant_registers_waits_and_is_checked_in_by_code(browser, live_server, organizer):
    forum = ForumFactory(capacity=1, title="Regional Forum in Svay Rieng")
    violations: list[str] = []
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(15_000)
    _watch_csp(phone, violations)

    _register(phone, live_server, forum, name="Sophea Chan", phone="012 345 678")

    expect(phone.get_by_role("heading", name="You are registered")).to_be_visible()
    qr = phone.get_by_test_id("registration-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    first = Registration.objects.get(phone="+85512345678")
    expect(phone.get_by_test_id("registration-code")).to_have_text(first.code_display)
    assert first.status == Registration.Status.CONFIRMED

    # The only seat is taken: the next person lands on the waiting list and sees the position.
    _register(phone, live_server, forum, name="Dara Meas", phone="+855 97 123 4567")

    expect(phone.get_by_role("heading", name="You are on the waiting list")).to_be_visible()
    expect(phone.get_by_text("You are number 1 on the waiting list")).to_be_visible()
    assert Registration.objects.get(phone="+855971234567").status == Registration.Status.WAITING

    # At the door, on a phone: the organizer types the code; the counters move without a reload.
    door = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    door.set_default_timeout(15_000)
    _watch_csp(door, violations)
    log_in(door, live_server, organizer)
    door.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/")
    expect(door.locator("[data-counter='checked_in']")).to_have_text("0")

    door.get_by_label("Reference code").fill(first.code_display.lower())
    door.get_by_role("button", name="Check in", exact=True).click()

    expect(door.locator("#check-in-result")).to_contain_text("Sophea Chan is checked in")
    expect(door.locator("[data-counter='checked_in']")).to_have_text("1")
    expect(door.locator("[data-counter='checked_in_women']")).to_have_text("1")
    first.refresh_from_db()
    assert first.checked_in_at is not None

    door.get_by_label("Reference code").fill(first.code)
    door.get_by_role("button", name="Check in", exact=True).click()
    expect(door.locator("#check-in-result")).to_contain_text("was already checked in at")

    assert violations == []
    phone.context.close()
    door.context.close()


def _y4m_of(png: bytes, path) -> None:
    """Write a still video (YUV 4:2:0) showing the image, for Chromium's fake camera."""
    image = Image.open(io.BytesIO(png)).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(image, ((640 - image.width) // 2, (480 - image.height) // 2))
    chroma = bytes([128]) * (320 * 240)
    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _frame in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_organizer_scans_participant_qr_code_with_the_camera(
    browser_type, browser_type_launch_args, live_server, organizer, tmp_path
):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Srey Pov")
    video = tmp_path / "qr.y4m"
    _y4m_of(exports.qr_png(registration.code), video)
    args = [
        *browser_type_launch_args["args"],
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera_browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        context = camera_browser.new_context(viewport={"width": 360, "height": 740})
        context.grant_permissions(["camera"], origin=live_server.url)
        door = context.new_page()
        door.set_default_timeout(15_000)
        log_in(door, live_server, organizer)
        door.goto(f"{live_server.url}/en/manage/forums/{forum.slug}/check-in/")

        door.get_by_role("button", name="Start the camera").click()

        expect(door.locator("#check-in-result")).to_contain_text("Srey Pov is checked in")
        expect(door.locator("[data-counter='checked_in']")).to_have_text("1")
        registration.refresh_from_db()
        assert registration.checked_in_at is not None
        assert registration.checked_in_by == organizer
    finally:
        camera_browser.close()


def test_registration_works_without_javascript(browser, live_server):
    forum = ForumFactory()
    district = Province.objects.get(name_en="Prey Veng").districts.order_by("name_en").first()
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/en/forums/{forum.slug}/register/")

    page.get_by_role("button", name="Register").click()  # empty: the errors come back next to the fields
    expect(page.locator("#id_full_name ~ .invalid-feedback, #error_1_id_full_name").first).to_be_visible()
    page.get_by_label("Full name").fill("Chenda Keo")
    page.get_by_role("radio", name="Woman").check()
    page.get_by_label("Age group").select_option(label="45 to 54")
    for answer in page.get_by_role("radio", name="Prefer not to answer").all():  # the six everyday-activity questions
        answer.check()
    page.get_by_label("Role").select_option(label="Community representative")
    page.get_by_label("Sector").select_option(label="Informal economy")
    page.get_by_label("Province").select_option(label="Prey Veng")
    page.get_by_label("District").select_option(value=str(district.pk))
    page.get_by_label("Mobile phone").fill("+855 12 345 679")
    page.get_by_label("I agree that my details are stored").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    registration = Registration.objects.get(phone="+85512345679")
    assert (registration.full_name, registration.district, registration.disability) == (
        "Chenda Keo",
        district,
        "undisclosed",
    )
    context.close()
