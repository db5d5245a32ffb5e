import io
import re
import urllib.parse
from datetime import timedelta

import pytest
import segno
import time_machine
import zxingcpp
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar
from PIL import Image

from events.models import Forum, Province
from notifications.models import Message
from participants import exports, services
from participants.models import Registration, SeatTarget
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, form_data

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _register_url(forum):
    return reverse("participants:register", kwargs={"slug": forum.slug})


def _token_url(name, registration):
    return reverse(name, kwargs={"token": services.registration_token(registration=registration)})


# Public registration ------------------------------------------------------------------------------


def test_register_page_offers_every_field_and_privacy_notice(client):
    forum = ForumFactory()

    response = client.get(_register_url(forum))

    html = response.content.decode()
    assert response.status_code == 200
    for name in (*services.REGISTRATION_FIELDS, "consent"):
        assert f'name="{name}"' in html, name
    assert "Who sees them" in html
    assert "Svay Rieng" in html and "Prey Veng" in html  # provinces, and districts grouped by province
    assert html.count("<optgroup") == Province.objects.count()


def test_register_creates_confirmed_registration_and_redirects_to_confirmation(client):
    forum = ForumFactory()

    response = client.post(
        _register_url(forum), form_data(support_needs=["childcare", "transport"], nssf_member="on", nssf_number="12 34")
    )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == _token_url("participants:confirmation", registration)
    assert registration.phone == "+85512345678"
    assert registration.status == Status.CONFIRMED
    assert registration.support_needs == ["childcare", "transport"]
    assert registration.nssf_number == "1234"
    assert registration.district.province.name_en == "Prey Veng"
    assert Message.objects.filter(purpose="registration_confirmed").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"phone": "12345"}, "phone", "Enter a valid mobile number"),
        ({"consent": None}, "consent", "Please agree to the privacy notice"),
        ({"reminder_channel": "email"}, "email", "Enter an email address to get reminders by email"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"full_name": ""}, "full_name", "This field is required"),
        ({"gender": "robot"}, "gender", "Select a valid choice"),
        ({"province": "999999"}, "province", "Select a valid choice"),
    ],
)
def test_register_invalid_input_shows_error_next_to_field_and_saves_nothing(client, changes, field, error):
    forum = ForumFactory()

    response = client.post(_register_url(forum), form_data(**changes))

    assert response.status_code == 400
    assert error in " ".join(response.context["form"].errors[field])
    assert f'id="error_1_id_{field}"' in response.content.decode() or error in response.content.decode()
    assert not Registration.objects.exists()
    assert not Message.objects.exists()


def test_register_district_must_belong_to_province(client):
    forum = ForumFactory()
    kampot_district = Province.objects.get(name_en="Kampot").districts.first()

    response = client.post(_register_url(forum), form_data(district=str(kampot_district.pk)))

    assert response.status_code == 400
    assert response.context["form"].errors["district"] == ["This district is not in the province you chose."]


def test_register_closed_forum_says_why_and_when(client):
    opens = timezone.now() + timedelta(days=3)
    forum = ForumFactory(registration_opens_at=opens)

    get = client.get(_register_url(forum))
    post = client.post(_register_url(forum), form_data())

    assert "Registration opens on" in get.content.decode()
    assert 'name="full_name"' not in get.content.decode()
    assert post.status_code == 400
    assert not Registration.objects.exists()


def test_register_draft_forum_is_404(client):
    forum = ForumFactory(status=Forum.Status.DRAFT)

    assert client.get(_register_url(forum)).status_code == 404


def test_register_full_forum_puts_person_on_waiting_list_with_position(client):
    forum = ForumFactory(capacity=1)
    RegistrationFactory(forum=forum)

    response = client.post(_register_url(forum), form_data(), follow=True)

    registration = Registration.objects.get(phone="+85512345678")
    assert registration.status == Status.WAITING
    assert "You are number 1 on the waiting list" in response.content.decode()
    assert 'data-testid="registration-qr"' not in response.content.decode()  # no entry code without a seat


def test_register_duplicate_phone_says_already_registered_without_details_and_can_resend(client):
    forum = ForumFactory()
    original = RegistrationFactory(forum=forum, phone="+85512345678", full_name="Dara Private", email="d@example.org")

    response = client.post(_register_url(forum), form_data(phone="+855 12 345 678", full_name="Someone"))

    html = response.content.decode()
    assert response.status_code == 409
    assert "You are already registered" in html
    assert "Dara Private" not in html and "d@example.org" not in html and original.code not in html
    assert Registration.objects.count() == 1

    resend = client.post(reverse("participants:confirmation_resend", kwargs={"slug": forum.slug}))

    assert "We are sending the confirmation again" in resend.content.decode()
    message = Message.objects.get(purpose="registration_confirmed")
    assert (message.to_phone, message.context["registration_id"]) == ("+85512345678", original.pk)


def test_resend_without_a_duplicate_in_session_sends_nothing(client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum)

    response = client.post(reverse("participants:confirmation_resend", kwargs={"slug": forum.slug}))

    assert "We cannot send the confirmation again now" in response.content.decode()
    assert not Message.objects.exists()


def test_register_is_rate_limited(client, settings):
    settings.PARTICIPANTS_REGISTER_RATE = (5, 3600)
    forum = ForumFactory()
    # The clock stands still: the limit counts in fixed windows, and a window's end mid-test would reset it.
    with time_machine.travel(timezone.now(), tick=False):
        for _attempt in range(settings.PARTICIPANTS_REGISTER_RATE[0]):
            client.post(_register_url(forum), form_data(phone="1"))

        response = client.post(_register_url(forum), form_data())

    assert response.status_code == 429
    assert not Registration.objects.exists()


def test_forum_pages_show_seats_left(client):
    forum = ForumFactory(capacity=3, title="Regional Forum in Kratie")
    RegistrationFactory(forum=forum)
    RegistrationFactory(forum=forum, status=Status.WAITING)

    detail = client.get(forum.get_absolute_url()).content.decode()
    home = client.get(reverse("events:home")).content.decode()

    assert "2 seats left." in detail
    assert _register_url(forum) in detail
    assert "2 seats left" in home


# Confirmation and self-service ---------------------------------------------------------------------


def _decode_qr_png(png: bytes) -> str:
    (barcode,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


def test_confirmation_qr_code_decodes_to_the_registration_and_checks_it_in(client, organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum)

    response = client.get(_token_url("participants:confirmation", registration))

    html = response.content.decode()
    assert registration.code_display in html
    src = re.search(r'<img src="(data:image/svg\+xml[^"]+)"[^>]*data-testid="registration-qr"', html).group(1)
    svg = urllib.parse.unquote(src.split(",", 1)[1])
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    # The page's SVG is exactly the QR code of this payload; the same payload as PNG decodes back to the code.
    assert src == segno.make_qr(registration.code, error="m").svg_data_uri(scale=6, border=2)
    scanned = _decode_qr_png(exports.qr_png(registration.code))
    assert scanned == registration.code

    check_in = organizer_client.post(
        reverse("participants:check_in", kwargs={"slug": forum.slug}),
        {"code": scanned},
        HTTP_ACCEPT="application/json",
    )

    registration.refresh_from_db()
    assert check_in.json()["ok"] is True
    assert check_in.json()["first"] is True
    assert registration.checked_in_at is not None


def test_confirmation_shows_date_venue_and_calendar_file(client):
    registration = RegistrationFactory()

    page = client.get(_token_url("participants:confirmation", registration)).content.decode()
    ics = client.get(_token_url("participants:ics", registration))

    assert "Provincial Hall" in page and "Svay Rieng town" in page
    assert ics["Content-Type"] == "text/calendar"
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("dtstart") == registration.forum.starts_at.replace(microsecond=0)
    assert str(event["summary"]) == registration.forum.title
    assert str(event["location"]) == "Provincial Hall, Svay Rieng town"
    assert registration.code_display in str(event["description"])


def test_forged_token_is_404_and_expired_token_is_refused_clearly(client):
    registration = RegistrationFactory()
    url = _token_url("participants:confirmation", registration)

    forged = client.get(url.replace(url.rstrip("/").rsplit("/", 1)[1], "eyJyIjoxfQ:forged:sig"))
    with time_machine.travel(registration.forum.ends_at + timedelta(hours=1)):
        expired = client.get(url)
        expired_cancel = client.post(_token_url("participants:self_cancel", registration))

    assert forged.status_code == 404
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert expired_cancel.status_code == 410
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_token_of_one_registration_never_opens_another(client):
    mine = RegistrationFactory(full_name="Mine Person")
    theirs = RegistrationFactory(forum=mine.forum, full_name="Their Person")
    token = services.registration_token(registration=mine)
    rest = token.split(":", 1)[1]
    # Swapping the payload of another registration's token onto this signature breaks the signature.
    their_payload = services.registration_token(registration=theirs).split(":", 1)[0]

    page = client.get(reverse("participants:manage", kwargs={"token": token})).content.decode()
    swapped = client.get(reverse("participants:manage", kwargs={"token": f"{their_payload}:{rest}"}))

    assert mine.code_display in page and theirs.code_display not in page
    assert swapped.status_code == 404


def test_self_service_updates_contact_details(client):
    registration = RegistrationFactory(phone="+85512000111")
    url = _token_url("participants:manage", registration)
    assert client.get(url).context["form"]["phone"].value() == "012 000 111"

    response = client.post(
        url,
        {"phone": "097 123 4567", "email": "me@example.org", "preferred_language": "en", "reminder_channel": "email"},
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert (registration.phone, registration.email, registration.preferred_language, registration.reminder_channel) == (
        "+855971234567",
        "me@example.org",
        "en",
        "email",
    )


def test_self_service_refuses_invalid_phone_and_taken_phone(client):
    registration = RegistrationFactory(phone="+85512000111")
    RegistrationFactory(forum=registration.forum, phone="+85512000222")
    url = _token_url("participants:manage", registration)
    base = {"email": "", "preferred_language": "km", "reminder_channel": "sms"}

    invalid = client.post(url, {**base, "phone": "123"})
    taken = client.post(url, {**base, "phone": "012 000 222"})

    assert invalid.status_code == 400 and "Enter a valid mobile number" in invalid.content.decode()
    assert taken.status_code == 400 and "already registered for this forum" in taken.content.decode()
    registration.refresh_from_db()
    assert registration.phone == "+85512000111"


def test_self_cancel_frees_seat_for_first_waiting(client):
    forum = ForumFactory(capacity=1)
    mine = RegistrationFactory(forum=forum)
    waiting = RegistrationFactory(forum=forum, status=Status.WAITING)

    response = client.post(_token_url("participants:self_cancel", mine), follow=True)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == (Status.CANCELLED, Status.CONFIRMED)
    assert "Your registration is cancelled" in response.content.decode()
    assert Message.objects.filter(purpose="registration_promoted", context__registration_id=waiting.pk).exists()


def test_self_cancel_asks_first_naming_the_person(client):
    registration = RegistrationFactory(full_name="Sok Dara")

    response = client.get(_token_url("participants:self_cancel", registration))

    registration.refresh_from_db()
    question = re.search(r'data-testid="cancel-question">(.*?)</div>', response.content.decode(), re.DOTALL)
    assert " ".join(question.group(1).split()) == (
        f"Cancel the registration of Sok Dara for {registration.forum.title} on "
        f"{date_format(timezone.localtime(registration.forum.starts_at), 'DATE_FORMAT')}?"
    )
    assert registration.status == Status.CONFIRMED


def test_self_cancel_of_a_cancelled_registration_goes_back_to_its_page(client):
    registration = RegistrationFactory(status=Status.CANCELLED)

    response = client.get(_token_url("participants:self_cancel", registration))

    assert (response.status_code, resolve(response.url).view_name) == (302, "participants:manage")


def test_self_service_page_links_to_the_confirmation_not_a_one_tap_cancel(client):
    registration = RegistrationFactory()

    page = client.get(_token_url("participants:manage", registration)).content.decode()

    assert re.search(r'<a [^>]*href="[^"]*/cancel/"[^>]*>Cancel my registration</a>', page)
    assert not re.search(r'action="[^"]*/cancel/"', page)


# Organizer pages ----------------------------------------------------------------------------------


def _list_url(forum, **params):
    url = reverse("participants:manage_list", kwargs={"slug": forum.slug})
    return f"{url}?{urllib.parse.urlencode(params)}" if params else url


def test_manage_list_needs_permission(client, user_without_role, nssf_staff):
    forum = ForumFactory()

    anonymous = client.get(_list_url(forum))
    client.force_login(user_without_role)
    no_role = client.get(_list_url(forum))
    client.force_login(nssf_staff)
    staff = client.get(reverse("participants:export_csv", kwargs={"slug": forum.slug}))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert no_role.status_code == 403
    assert staff.status_code == 403


def test_manage_list_filters_searches_and_totals(organizer_client):
    forum = ForumFactory()
    kampot = Province.objects.get(name_en="Kampot")
    RegistrationFactory(forum=forum, full_name="Sokha Woman", gender="woman", role="expert")
    RegistrationFactory(forum=forum, full_name="Dara Man", gender="man", province=kampot, phone="+85512777888")
    RegistrationFactory(forum=forum, full_name="Waiting Woman", gender="woman", status=Status.WAITING)
    RegistrationFactory(forum=forum, full_name="Checked Woman", checked_in_at=timezone.now())
    RegistrationFactory(full_name="Other Forum Person")

    def names(**params):
        response = organizer_client.get(_list_url(forum, **params))
        return [r.full_name for r in response.context["registrations"]], response.context["totals"]

    everyone, totals = names()
    assert everyone == ["Sokha Woman", "Dara Man", "Waiting Woman", "Checked Woman"]
    assert (totals["total"], totals["confirmed"], totals["waiting"], totals["women"], totals["men"]) == (4, 3, 1, 3, 1)
    assert names(status="waiting")[0] == ["Waiting Woman"]
    assert names(gender="man")[0] == ["Dara Man"]
    assert names(province=kampot.pk)[0] == ["Dara Man"]
    assert names(role="expert")[0] == ["Sokha Woman"]
    assert names(checked_in="yes")[0] == ["Checked Woman"]
    assert names(q="sokha")[0] == ["Sokha Woman"]
    assert names(q="012 777 888")[0] == ["Dara Man"]
    assert names(q="garbage", gender="not-a-gender")[0] == []
    assert names(gender="not-a-gender")[1]["total"] == 4  # an invalid filter narrows nothing, never fails


def test_manage_list_unknown_forum_is_404(organizer_client):
    assert organizer_client.get("/en/manage/forums/no-such-forum/participants/").status_code == 404


def _bulk(forum, count):
    province = Province.objects.get(name_en="Svay Rieng")
    Registration.objects.bulk_create(
        Registration(
            forum=forum,
            code=f"C{n:09d}",
            full_name=f"Person {n}",
            gender="woman" if n % 2 else "man",
            age_group="25_34",
            role="workers_rep",
            sector="garment",
            province=province,
            phone=f"+85512{n:06d}",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 500])
def test_manage_list_runs_constant_queries(organizer_client, django_assert_num_queries, count):
    forum = ForumFactory()
    _bulk(forum, count)
    services.seat_target_save(forum=forum, dimension="gender", value="woman", minimum=50, unit="percent")
    services.seat_target_save(forum=forum, dimension="province", value="20", minimum=5, unit="seats")

    # session, user, permissions (2), forum, totals (also the paginator's count), seat counts,
    # targets (3: targets, figures, provinces), provinces (filter), page, audit event
    with django_assert_num_queries(13):
        response = organizer_client.get(_list_url(forum))

    assert len(response.context["registrations"]) == min(count, 50)
    assert response.context["targets"][0]["confirmed"] == count // 2


@pytest.mark.parametrize("count", [1, 60])
def test_check_in_search_runs_constant_queries(organizer_client, django_assert_num_queries, count):
    forum = ForumFactory()
    _bulk(forum, count)

    # session, user, permissions (2), forum, seat counts, results, audit event
    with django_assert_num_queries(8):
        response = organizer_client.get(reverse("participants:check_in", kwargs={"slug": forum.slug}), {"q": "Person"})

    assert len(response.context["results"]) == min(count, 20)


def test_targets_page_runs_constant_queries(organizer_client, django_assert_num_queries):
    forum = ForumFactory()
    _bulk(forum, 30)
    for value in ("woman", "man", "another"):
        services.seat_target_save(forum=forum, dimension="gender", value=value, minimum=10, unit="seats")

    # session, user, permissions (2), forum, targets, figures, seat counts, provinces (form choices)
    with django_assert_num_queries(9):
        response = organizer_client.get(reverse("participants:targets", kwargs={"slug": forum.slug}))

    assert [row["confirmed"] for row in response.context["rows"]] == [0, 15, 15]


@pytest.mark.parametrize(
    "name",
    ["register", "manage_list", "check_in", "walk_in", "targets", "confirmation", "manage", "edit"],
)
def test_pages_have_no_inline_script_or_style(client, organizer, name):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum)
    client.force_login(organizer)
    if name in ("confirmation", "manage"):
        url = _token_url(f"participants:{name}", registration)
    elif name == "edit":
        url = reverse("participants:edit", kwargs={"slug": forum.slug, "pk": registration.pk})
    else:
        url = reverse(f"participants:{name}", kwargs={"slug": forum.slug})

    html = client.get(url).content.decode()

    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<h1" in html


def test_register_page_in_khmer(client):
    forum = ForumFactory()

    response = client.get(f"/km/forums/{forum.slug}/register/")

    assert response.status_code == 200
    assert '<html lang="km">' in response.content.decode()
    assert "ស្វាយរៀង" in response.content.decode()  # province names in Khmer


def test_manage_edit_saves_changes_and_refuses_other_forums_registration(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum)
    other = RegistrationFactory()
    data = form_data(full_name="Corrected Name", phone="012 999 111")
    data.pop("consent")

    response = organizer_client.post(
        reverse("participants:edit", kwargs={"slug": forum.slug, "pk": registration.pk}), data
    )
    wrong_forum = organizer_client.get(reverse("participants:edit", kwargs={"slug": forum.slug, "pk": other.pk}))

    registration.refresh_from_db()
    assert response.status_code == 302
    assert (registration.full_name, registration.phone) == ("Corrected Name", "+85512999111")
    assert wrong_forum.status_code == 404


def test_manage_cancel_and_promote(organizer_client):
    forum = ForumFactory(capacity=1)
    confirmed = RegistrationFactory(forum=forum)
    first_waiting = RegistrationFactory(forum=forum, status=Status.WAITING)
    second_waiting = RegistrationFactory(forum=forum, status=Status.WAITING)

    refused = organizer_client.post(
        reverse("participants:promote", kwargs={"slug": forum.slug, "pk": second_waiting.pk}), follow=True
    )
    organizer_client.post(
        reverse("participants:cancel", kwargs={"slug": forum.slug, "pk": confirmed.pk}), {"confirm": "yes"}
    )
    forum.capacity = 2
    forum.save()
    organizer_client.post(reverse("participants:promote", kwargs={"slug": forum.slug, "pk": second_waiting.pk}))

    assert "Every seat is taken" in refused.content.decode()
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {confirmed.pk: "cancelled", first_waiting.pk: "confirmed", second_waiting.pk: "confirmed"}


def test_manage_list_offers_free_seats_to_the_waiting_list(organizer_client):
    forum = ForumFactory(capacity=2)
    RegistrationFactory(forum=forum)
    waiting = RegistrationFactory(forum=forum, status=Status.WAITING)

    page = organizer_client.get(_list_url(forum)).content.decode()
    response = organizer_client.post(reverse("participants:fill_free_seats", kwargs={"slug": forum.slug}), follow=True)

    waiting.refresh_from_db()
    assert "1 seat is free while people wait." in page
    assert waiting.status == Status.CONFIRMED
    assert "1 person moved from the waiting list to a seat." in response.content.decode()


def test_manage_cancel_asks_first_naming_the_person(organizer_client):
    registration = RegistrationFactory(full_name="Chan Sokha")
    url = reverse("participants:cancel", kwargs={"slug": registration.forum.slug, "pk": registration.pk})

    question = organizer_client.get(url)
    unconfirmed = organizer_client.post(url)

    registration.refresh_from_db()
    assert "Cancel the registration of Chan Sokha?" in question.content.decode()
    assert unconfirmed.status_code == 302
    assert unconfirmed["Location"].startswith(url + "?next=")
    assert registration.status == Status.CONFIRMED


def test_walk_in_is_registered_and_checked_in(organizer_client, organizer):
    forum = ForumFactory(capacity=1)
    RegistrationFactory(forum=forum)

    response = organizer_client.post(
        reverse("participants:walk_in", kwargs={"slug": forum.slug}), form_data(full_name="Walk In"), follow=True
    )

    walk_in = Registration.objects.get(full_name="Walk In")
    assert (walk_in.status, walk_in.is_walk_in, walk_in.checked_in_by) == (Status.CONFIRMED, True, organizer)
    assert "Walk In is checked in" in response.content.decode()


def test_check_in_page_search_and_tap(organizer_client):
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, full_name="Srey Leak", gender="woman")
    url = reverse("participants:check_in", kwargs={"slug": forum.slug})

    search = organizer_client.get(url, {"q": "srey"})
    first = organizer_client.post(url, {"code": registration.code}, follow=True)
    second = organizer_client.post(url, {"code": registration.code_display}, follow=True)

    assert [r.full_name for r in search.context["results"]] == ["Srey Leak"]
    assert "Srey Leak is checked in" in first.content.decode()
    assert "Srey Leak was already checked in at" in second.content.decode()
    assert second.context["seats"]["checked_in"] == 1
    assert second.context["seats"]["checked_in_women"] == 1


def test_check_in_unknown_code_json_and_html(organizer_client):
    forum = ForumFactory()
    url = reverse("participants:check_in", kwargs={"slug": forum.slug})

    as_json = organizer_client.post(url, {"code": "NOPE"}, HTTP_ACCEPT="application/json")
    as_html = organizer_client.post(url, {"code": "NOPE"})

    assert as_json.status_code == 404
    assert as_json.json()["ok"] is False
    assert as_json.json()["message"] == "No registration with this code for this forum."
    assert "Register a walk-in" in as_json.json()["screen"]
    assert as_html.status_code == 404
    assert as_html.context["form"].errors["code"] == ["No registration with this code for this forum."]


def test_check_in_counters_json(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, checked_in_at=timezone.now(), gender="man")
    RegistrationFactory(forum=forum)

    data = organizer_client.get(reverse("participants:check_in_counters", kwargs={"slug": forum.slug})).json()

    assert (data["checked_in"], data["confirmed"], data["checked_in_men"], data["seats_left"]) == (1, 2, 1, 128)


def test_targets_page_adds_and_shows_progress(organizer_client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, gender="woman", checked_in_at=timezone.now())
    RegistrationFactory(forum=forum, gender="man")
    url = reverse("participants:targets", kwargs={"slug": forum.slug})

    organizer_client.post(url, {"group": "gender:woman", "minimum": "50", "unit": "percent"})
    organizer_client.post(
        url, {"group": "province:" + Province.objects.get(name_en="Svay Rieng").code, "minimum": "5", "unit": "seats"}
    )
    bad = organizer_client.post(url, {"group": "gender:woman", "minimum": "150", "unit": "percent"})
    page = organizer_client.get(url)

    rows = {str(row["label"]): row for row in page.context["rows"]}
    assert bad.status_code == 400
    assert (rows["Woman"]["confirmed"], rows["Woman"]["wanted"], rows["Woman"]["met"]) == (1, 1, True)
    assert (rows["Woman"]["checked_in"], rows["Woman"]["wanted_checked_in"]) == (1, 1)
    assert (rows["Svay Rieng"]["confirmed"], rows["Svay Rieng"]["wanted"], rows["Svay Rieng"]["met"]) == (2, 5, False)

    organizer_client.post(
        reverse("participants:target_delete", kwargs={"slug": forum.slug, "pk": rows["Woman"]["target"].pk})
    )
    assert list(SeatTarget.objects.values_list("dimension", flat=True)) == ["province"]


def test_manage_nav_links_show_participant_pages(organizer_client):
    forum = ForumFactory()

    html = organizer_client.get(reverse("events:manage_forum_edit", kwargs={"slug": forum.slug})).content.decode()

    assert reverse("participants:manage_list", kwargs={"slug": forum.slug}) in html
    assert reverse("participants:check_in", kwargs={"slug": forum.slug}) in html


def test_register_form_offers_gender_without_a_blank_radio(client):
    from tests.events.factories import ForumFactory

    forum = ForumFactory()

    response = client.get(reverse("participants:register", kwargs={"slug": forum.slug}))

    choices = [value for value, _label in response.context["form"].fields["gender"].choices]
    assert choices == ["woman", "man", "another", "undisclosed"]


@pytest.mark.parametrize("name", ["participants:edit", "participants:cancel", "participants:promote"])
def test_registration_of_another_forum_is_404_under_this_forums_url(organizer_client, name):
    forum = ForumFactory()
    other = RegistrationFactory(status=Status.WAITING)
    url = reverse(name, kwargs={"slug": forum.slug, "pk": other.pk})

    response = organizer_client.post(url, form_data()) if name != "participants:edit" else organizer_client.get(url)

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.status == Status.WAITING


def test_seat_target_of_another_forum_is_404_and_stays(organizer_client):
    forum = ForumFactory()
    other = SeatTarget.objects.create(forum=ForumFactory(), dimension="gender", value="woman", minimum=50)

    response = organizer_client.post(reverse("participants:target_delete", kwargs={"slug": forum.slug, "pk": other.pk}))

    assert response.status_code == 404
    assert SeatTarget.objects.filter(pk=other.pk).exists()
