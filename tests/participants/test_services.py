from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Forum
from forum_portal import codes
from forum_portal.phones import phone_normalise
from notifications.models import Message
from participants import selectors, services
from participants.models import Registration
from tests.accounts.factories import UserFactory
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, registration_data

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _register(forum, n, **overrides):
    return services.registration_create(
        forum=forum, data=registration_data(full_name=f"Person {n}", phone=f"+85512{n:06d}", **overrides)
    )


def test_registration_create_confirms_until_capacity_then_waits_with_positions():
    forum = ForumFactory(capacity=2)

    people = [_register(forum, n) for n in range(4)]

    assert [p.status for p in people] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING, Status.WAITING]
    assert [selectors.registration_waiting_position(registration=p) for p in people] == [None, None, 1, 2]
    assert len(people[0].code) == codes.LENGTH
    assert set(people[0].code) <= set(codes.ALPHABET)
    assert people[0].consent_at is not None


def test_registration_create_queues_confirmation_after_commit(django_capture_on_commit_callbacks):
    forum = ForumFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registration = _register(forum, 1)

    message = Message.objects.get(purpose="registration_confirmed")
    assert len(callbacks) == 1
    assert message.idempotency_key == f"registration:{registration.pk}:registration_confirmed"
    assert message.status == Message.Status.SENT
    assert (message.channel, message.language, message.to_phone) == ("sms", "km", "+85512000001")
    assert message.forum == forum
    assert message.context["code"] == registration.code
    assert message.context["forum_starts_at"] == forum.starts_at.isoformat()
    assert message.context["venue"] == "Provincial Hall, Svay Rieng town"
    assert message.context["position"] is None
    assert message.context["manage_url"].startswith("http://127.0.0.1:8000/km/registrations/")
    assert set(message.context) == {
        "registration_id",
        "name",
        "forum_title",
        "forum_starts_at",
        "venue",
        "code",
        "manage_url",
        "links_expire_at",
        "position",
    }


def test_registration_on_waiting_list_queues_waitlisted_message_with_position():
    forum = ForumFactory(capacity=1)
    _register(forum, 1)

    waiting = _register(forum, 2)

    message = Message.objects.get(purpose="registration_waitlisted")
    assert message.context["registration_id"] == waiting.pk
    assert message.context["position"] == 1


def test_registration_cancel_promotes_first_waiting_in_same_transaction(django_capture_on_commit_callbacks):
    forum = ForumFactory(capacity=2)
    first, second = _register(forum, 1), _register(forum, 2)
    waiting_1, waiting_2 = _register(forum, 3), _register(forum, 4)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=first)

    assert promoted == waiting_1
    first.refresh_from_db()
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert (first.status, waiting_1.status, waiting_2.status) == (Status.CANCELLED, Status.CONFIRMED, Status.WAITING)
    assert first.cancelled_at is not None
    assert selectors.registration_waiting_position(registration=waiting_2) == 1
    promoted_message = Message.objects.get(purpose="registration_promoted")
    assert promoted_message.context["registration_id"] == waiting_1.pk
    assert promoted_message.status == Message.Status.SENT
    assert Message.objects.filter(purpose="registration_cancelled", context__registration_id=first.pk).count() == 1
    assert Registration.objects.filter(forum=forum, status=Status.CONFIRMED).count() == 2
    assert second.status == Status.CONFIRMED


def test_registration_cancel_twice_changes_nothing_the_second_time():
    forum = ForumFactory(capacity=1)
    first = _register(forum, 1)
    _register(forum, 2)
    services.registration_cancel(registration=first)

    assert services.registration_cancel(registration=first) is None
    assert Registration.objects.filter(forum=forum, status=Status.CONFIRMED).count() == 1
    assert Message.objects.filter(purpose="registration_promoted").count() == 1


def test_registration_cancel_of_waiting_person_promotes_nobody():
    forum = ForumFactory(capacity=1)
    _register(forum, 1)
    waiting = _register(forum, 2)
    later = _register(forum, 3)

    assert services.registration_cancel(registration=waiting) is None
    later.refresh_from_db()
    assert later.status == Status.WAITING
    assert selectors.registration_waiting_position(registration=later) == 1


@pytest.mark.parametrize(
    ("changes", "expected_reason"),
    [
        ({"status": Forum.Status.DRAFT}, "not published"),
        ({"status": Forum.Status.CLOSED}, "Registration closed on"),
        ({"status": Forum.Status.CANCELLED}, "cancelled"),
        ({"registration_opens_at_delta": timedelta(days=2)}, "Registration opens on"),
        ({"registration_closes_at_delta": timedelta(days=-2)}, "Registration closed on"),
    ],
)
def test_registration_window_rules_refuse_with_reason(changes, expected_reason):
    forum = ForumFactory()
    now = timezone.now()
    if "status" in changes:
        forum.status = changes["status"]
    if "registration_opens_at_delta" in changes:
        forum.registration_opens_at = now + changes["registration_opens_at_delta"]
    if "registration_closes_at_delta" in changes:
        forum.registration_opens_at = now - timedelta(days=10)
        forum.registration_closes_at = now + changes["registration_closes_at_delta"]
    forum.save()

    with pytest.raises(services.RegistrationClosedError) as error:
        _register(forum, 1)

    assert expected_reason in error.value.messages[0]
    assert not Registration.objects.exists()
    assert not Message.objects.exists()


def test_registration_window_open_inside_window_and_walk_in_allowed_after_closing():
    forum = ForumFactory()
    assert selectors.registration_closed_reason(forum=forum) is None
    forum.registration_opens_at = timezone.now() - timedelta(days=10)
    forum.registration_closes_at = timezone.now() - timedelta(hours=1)
    forum.save()
    organizer = UserFactory()

    walk_in = services.registration_create(forum=forum, data=registration_data(), walk_in=True, by=organizer)

    assert walk_in.status == Status.CONFIRMED
    assert walk_in.is_walk_in
    assert walk_in.checked_in_at is not None
    assert walk_in.checked_in_by == organizer


@pytest.mark.parametrize(
    "duplicate",
    [
        {"phone": "+85512345678"},
        {"phone": "+85512999999", "email": "SOPHEA@example.org"},
        {"phone": "+85512999999", "nssf_number": "NSSF-123"},
    ],
)
def test_duplicate_by_phone_email_or_nssf_number_is_refused(duplicate):
    forum = ForumFactory()
    original = services.registration_create(
        forum=forum, data=registration_data(email="sophea@example.org", nssf_member=True, nssf_number="NSSF-123")
    )

    with pytest.raises(services.DuplicateRegistrationError) as error:
        services.registration_create(forum=forum, data=registration_data(full_name="Someone Else", **duplicate))

    assert error.value.registration == original
    assert Registration.objects.count() == 1


def test_same_phone_may_register_for_another_forum_and_again_after_cancelling():
    forum, other = ForumFactory(), ForumFactory()
    first = services.registration_create(forum=forum, data=registration_data())
    services.registration_create(forum=other, data=registration_data())
    services.registration_cancel(registration=first)

    again = services.registration_create(forum=forum, data=registration_data())

    assert again.status == Status.CONFIRMED
    assert Registration.objects.filter(phone="+85512345678").count() == 3


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("012 345 678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("012345678", "+85512345678"),
        ("+85512345678", "+85512345678"),
        ("097 123 4567", "+855971234567"),
        ("(012) 345-678", "+85512345678"),
    ],
)
def test_phone_normalise_accepts_cambodian_formats(written, e164):
    assert phone_normalise(written) == e164


@pytest.mark.parametrize("written", ["", "12345", "+855 12 34", "phone", "012 345 678 999 999", "+1 555"])
def test_phone_normalise_rejects_invalid_numbers(written):
    with pytest.raises(ValidationError) as error:
        phone_normalise(written)
    assert error.value.code == "invalid_phone"


def test_token_opens_only_its_registration_and_refuses_forgery():
    forum = ForumFactory()
    mine, theirs = _register(forum, 1), _register(forum, 2)
    token = services.registration_token(registration=mine)

    assert services.registration_from_token(token=token) == mine
    assert services.registration_from_token(token=services.registration_token(registration=theirs)) == theirs
    with pytest.raises(Registration.DoesNotExist):
        services.registration_from_token(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    forged = services.signing.dumps(
        {"r": theirs.pk, "c": mine.code, "e": 4_000_000_000}, salt=services.TOKEN_SALT, compress=True
    )
    with pytest.raises(Registration.DoesNotExist):
        services.registration_from_token(token=forged)
    with pytest.raises(Registration.DoesNotExist):
        services.registration_from_token(token=services.signing.dumps({"r": theirs.pk, "c": theirs.code}, salt="other"))


def test_token_expires_after_the_forum():
    forum = ForumFactory()
    registration = _register(forum, 1)
    token = services.registration_token(registration=registration)

    with time_machine.travel(forum.ends_at + timedelta(minutes=1)), pytest.raises(services.LinkExpiredError):
        services.registration_from_token(token=token)


def test_check_in_first_time_then_already_checked_in():
    forum = ForumFactory()
    registration = _register(forum, 1)
    organizer = UserFactory()

    checked, first = services.registration_check_in(forum=forum, code=registration.code_display.lower(), by=organizer)
    again, second = services.registration_check_in(forum=forum, code=registration.code, by=organizer)

    assert (checked, first, second) == (registration, True, False)
    assert again.checked_in_at == checked.checked_in_at
    assert again.checked_in_by == organizer


@pytest.mark.parametrize("case", ["unknown", "other_forum", "waiting", "cancelled"])
def test_check_in_refuses_unknown_other_forum_waiting_and_cancelled(case):
    forum = ForumFactory(capacity=1)
    confirmed = _register(forum, 1)
    codes = {
        "unknown": "ACDEFGHJKM",
        "other_forum": RegistrationFactory().code,
        "waiting": _register(forum, 2).code,
        "cancelled": confirmed.code,
    }
    if case == "cancelled":
        services.registration_cancel(registration=confirmed)

    with pytest.raises(services.CheckInError) as error:
        services.registration_check_in(forum=forum, code=codes[case])

    assert error.value.code == {"other_forum": "unknown"}.get(case, case)
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_promote_gives_a_free_seat_out_of_order_but_never_beyond_capacity():
    forum = ForumFactory(capacity=1)
    first = _register(forum, 1)
    waiting_1, waiting_2 = _register(forum, 2), _register(forum, 3)

    with pytest.raises(services.NoSeatError):
        services.registration_promote(registration=waiting_2)
    forum.capacity = 2
    forum.save()
    services.registration_promote(registration=waiting_2)

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert (first.status, waiting_1.status, waiting_2.status) == (Status.CONFIRMED, Status.WAITING, Status.CONFIRMED)
    with pytest.raises(ValidationError):
        services.registration_promote(registration=first)


def test_organizers_told_when_forum_fills_and_waiting_list_passes_threshold(organizer):
    organizer.language = "en"
    organizer.save(update_fields=["language"])
    forum = ForumFactory(capacity=1)
    for n in range(11):
        _register(forum, n)

    full = Message.objects.filter(purpose="organizer_forum_full")
    growing = Message.objects.filter(purpose="organizer_waitlist_growing")
    assert [(m.to_email, m.channel, m.context["capacity"]) for m in full] == [(organizer.email, "email", 1)]
    assert [m.context["waiting"] for m in growing] == [10]
    assert growing.get().context["manage_url"].endswith(f"/en/manage/forums/{forum.slug}/participants/")


def test_update_keeps_duplicate_rules():
    forum = ForumFactory()
    first, second = _register(forum, 1), _register(forum, 2)

    with pytest.raises(services.DuplicateRegistrationError):
        services.registration_update(registration=second, data={"phone": first.phone})
    updated = services.registration_update(registration=second, data={"email": "new@example.org"})

    assert updated.email == "new@example.org"
    second.refresh_from_db()
    assert second.phone == "+85512000002"


def test_confirmation_resend_queues_new_message_until_allowance_used():
    forum = ForumFactory()
    registration = _register(forum, 1)

    results = [services.registration_confirmation_resend(registration=registration) for _ in range(5)]

    assert results == [True, True, True, False, False]
    keys = sorted(Message.objects.filter(purpose="registration_confirmed").values_list("idempotency_key", flat=True))
    assert keys == [
        f"registration:{registration.pk}:registration_confirmed",
        *[f"registration:{registration.pk}:registration_confirmed:resend:{n}" for n in (2, 3, 4)],
    ]


def test_seat_target_save_replaces_existing_target():
    forum = ForumFactory()
    services.seat_target_save(forum=forum, dimension="gender", value="woman", minimum=40, unit="percent")
    services.seat_target_save(forum=forum, dimension="gender", value="woman", minimum=50, unit="percent")
    for n in range(3):
        _register(forum, n, gender="woman" if n else "man")

    (row,) = selectors.seat_target_progress(forum=forum)

    assert (row["target"].minimum, row["confirmed"], row["wanted"], row["met"]) == (50, 2, 2, True)
    assert str(row["label"]) == "Woman"


def test_fill_free_seats_after_capacity_raised_promotes_in_order():
    forum = ForumFactory(capacity=1)
    people = [_register(forum, n) for n in range(4)]
    forum.capacity = 3
    forum.save()

    promoted = services.waiting_list_fill_free_seats(forum=forum)

    assert promoted == people[1:3]
    assert Registration.objects.get(pk=people[3].pk).status == Status.WAITING
    assert Message.objects.filter(purpose="registration_promoted").count() == 2
    assert services.waiting_list_fill_free_seats(forum=forum) == []
