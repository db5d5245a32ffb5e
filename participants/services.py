"""Writes for registrations: exact capacity, the waiting list, duplicates, self-service, check-in.

Every write that can change who holds a seat locks the forum row first (`select_for_update`, in
`_lock_forum`), so concurrent registrations on PostgreSQL queue behind one another and capacity holds exactly.
(SQLite serialises writers anyway.) Messages are recorded in the outbox in the same transaction and delivered
after commit by the notifications app; a new registration is the exception: it validates before taking the
lock and records its messages in a second transaction right after the seat decision commits, so a rush of
registrations waits on the lock only for the decision (`_seat_decide`).
"""

import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import ORGANIZERS
from accounts.selectors import users_in_roles
from events import people
from events.models import Forum
from forum_portal.codes import code_generate, code_normalise
from forum_portal.khmer import name_order
from forum_portal.links import absolute_url
from notifications.services import message_queue, messages_cancel
from participants import selectors
from participants.models import (
    Certificate,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Registration,
    SeatTarget,
)

Status = Registration.Status

TOKEN_SALT = "participants.registration"  # noqa: S105 - a signing namespace, not a secret
WAITLIST_THRESHOLDS = (10, 25, 50, 100, 250, 500)
MAX_CONFIRMATION_RESENDS = 3


class RegistrationClosedError(ValidationError):
    """The forum does not take registrations now."""


class DuplicateRegistrationError(ValidationError):
    """An active registration with the same phone, email or NSSF number exists for this forum."""

    def __init__(self, message, *, registration):
        super().__init__(message, code="duplicate")
        self.registration = registration


class NoSeatError(ValidationError):
    """Every seat is taken."""


class CheckInError(ValidationError):
    """The person cannot be checked in (not found, cancelled or waiting); `registration` names them if found."""

    def __init__(self, message, *, code=None, registration=None):
        super().__init__(message, code=code)
        self.registration = registration


class LinkExpiredError(Exception):
    """A self-service link that was valid once, for a forum that has ended."""


def code_new() -> str:
    """Return a fresh reference code that no registration has yet (see forum_portal.codes)."""
    while True:
        code = code_generate()
        if not Registration.objects.filter(code=code).exists():
            return code


# Self-service links -------------------------------------------------------------------------------


def registration_token(*, registration: Registration) -> str:
    """Return the signed token that opens this one registration until its forum ends."""
    payload = {"r": registration.pk, "c": registration.code, "e": int(registration.forum.ends_at.timestamp())}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def registration_from_token(*, token: str) -> Registration:
    """Return the registration a token opens.

    Raise Registration.DoesNotExist for a forged or altered token and LinkExpiredError once the forum is over.
    """
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise Registration.DoesNotExist from None
    registration = (
        Registration.objects.select_related("forum", "province", "district")
        .filter(pk=payload.get("r"), code=payload.get("c"))
        .first()
    )
    if registration is None:
        raise Registration.DoesNotExist
    if timezone.now().timestamp() > payload.get("e", 0):
        raise LinkExpiredError
    return registration


def registration_manage_url(*, registration: Registration) -> str:
    """Return the absolute URL of the signed self-service link, in the person's language."""
    token = registration_token(registration=registration)
    return absolute_url("participants:manage", language=registration.preferred_language, token=token)


# Messages ---------------------------------------------------------------------------------------


def reminder_key_prefix(*, registration_id: int) -> str:
    """Return the key prefix of every reminder to one registration (cancelled together when it is)."""
    return f"reminder:{registration_id}:"


def registration_message_context(*, registration: Registration) -> dict:
    """Return what every message to a participant may say about their registration (JSON-safe).

    The forum's text is taken in the participant's language (the other one where it has none).
    """
    forum = registration.forum
    with translation.override(registration.preferred_language):
        return _registration_message_context(registration=registration, forum=forum)


def _registration_message_context(*, registration: Registration, forum: Forum) -> dict:
    return {
        "registration_id": registration.pk,
        "name": registration.full_name,
        "forum_title": forum.title,
        "forum_starts_at": forum.starts_at.isoformat(),
        "venue": f"{forum.venue_name}, {forum.venue_address}",
        "code": registration.code,
        "manage_url": registration_manage_url(registration=registration),
        # An SMS gives the link short (notifications.shortlinks); it works as long as the signed link does.
        "links_expire_at": forum.ends_at.isoformat(),
    }


def _participant_message(*, registration: Registration, purpose: str, key_suffix: str = "") -> None:
    if not _reachable(registration):
        return  # a walk-in registered without a phone: nothing can reach them until one is added
    message_queue(
        idempotency_key=f"registration:{registration.pk}:{purpose}{key_suffix}",
        purpose=purpose,
        channel=registration.reminder_channel,
        language=registration.preferred_language,
        recipient_name=registration.full_name,
        to_phone=registration.phone,
        to_email=registration.email,
        forum=registration.forum,
        context={
            **registration_message_context(registration=registration),
            "position": selectors.registration_waiting_position(registration=registration),
        },
    )


def _reachable(registration: Registration) -> bool:
    """Return whether the person's channel has an address: SMS and Telegram need a phone, email an email."""
    if registration.reminder_channel == Registration.Channel.EMAIL:
        return bool(registration.email)
    return bool(registration.phone)


def _organizer_message(*, forum: Forum, purpose: str, key: str, context: dict) -> None:
    for user in users_in_roles(roles=[ORGANIZERS]).exclude(email=""):
        # Each organizer reads it in the language of their account, the forum's title included.
        language = getattr(user, "language", "") or "en"
        with translation.override(language):
            forum_title = forum.title
        message_queue(
            idempotency_key=f"{key}:user:{user.pk}",
            purpose=purpose,
            channel="email",
            language=language,
            recipient_name=user.get_full_name() if hasattr(user, "get_full_name") else "",
            to_email=user.email,
            forum=forum,
            context={
                "forum_title": forum_title,
                "manage_url": absolute_url("participants:manage_list", language=language, slug=forum.slug),
                **context,
            },
        )


def _organizer_alerts(*, forum: Forum, confirmed: int, waiting: int, just_filled: bool) -> None:
    if just_filled:
        _organizer_message(
            forum=forum,
            purpose="organizer_forum_full",
            key=f"forum:{forum.pk}:organizer_forum_full",
            context={"capacity": forum.capacity},
        )
    if waiting in WAITLIST_THRESHOLDS:
        _organizer_message(
            forum=forum,
            purpose="organizer_waitlist_growing",
            key=f"forum:{forum.pk}:organizer_waitlist_growing:{waiting}",
            context={"waiting": waiting},
        )


# Registration lifecycle ---------------------------------------------------------------------------


def _lock_forum(forum: Forum) -> Forum:
    if not settings.PARTICIPANTS_REGISTRATION_LOCK:  # test-only: the fault tests' control run oversells
        return Forum.objects.get(pk=forum.pk)
    return Forum.objects.select_for_update().get(pk=forum.pk)


def _confirmed_count(forum: Forum) -> int:
    return Registration.objects.filter(forum=forum, status=Status.CONFIRMED).count()


def _check_duplicate(*, forum: Forum, data: dict, exclude_pk: int | None = None) -> None:
    duplicate = selectors.registration_find_duplicate(
        forum=forum,
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        nssf_number=data.get("nssf_number", ""),
        exclude_pk=exclude_pk,
    )
    if duplicate is not None:
        raise DuplicateRegistrationError(
            _("This phone number, email or NSSF number is already registered for this forum."),
            registration=duplicate,
        )


REGISTRATION_FIELDS = (
    "full_name",
    "gender",
    "age_group",
    *people.DIFFICULTY_FIELDS,
    "role",
    "sector",
    "organisation",
    "province",
    "district",
    "phone",
    "email",
    "preferred_language",
    "reminder_channel",
    "nssf_member",
    "nssf_number",
    "support_needs",
)


def registration_create(
    *,
    forum: Forum,
    data: dict,
    walk_in: bool = False,
    by=None,
    shared_phone_note: str = "",
    client_id=None,
    checked_in_at=None,
    validated: bool = False,
) -> Registration:
    """Register a person for `forum`: a confirmed seat while any is left, else a place on the waiting list.

    `data` holds the cleaned form fields (REGISTRATION_FIELDS). A walk-in (registered by an organizer at the
    door) is confirmed and checked in at once, even in a full room: the person is already there; with a
    `shared_phone_note` it may reuse the phone of another registration (two people sharing one phone), and a
    walk-in queued on a device offline brings its `client_id` and the time it was checked in there.
    Raise RegistrationClosedError outside the registration window and DuplicateRegistrationError when the
    phone, email or NSSF number is already registered. Queue the confirmation or waiting-list message, and
    the organizers' alerts when the forum fills up or the waiting list passes a threshold. `validated` says
    that a ModelForm already ran the model's validation on `data` (a dozen queries not to run twice).
    """
    data = {**data, "email": (data.get("email") or "").strip().lower()}
    shared_phone_note = shared_phone_note.strip() if walk_in else ""
    now = timezone.now()
    registration = Registration(
        forum=forum,
        code=code_new(),
        # The seat decision below may make it WAITING; both hold a place, so they validate alike.
        status=Status.CONFIRMED,
        consent_at=now,
        **{name: data.get(name) for name in REGISTRATION_FIELDS if name in data},
    )
    if walk_in:
        registration.is_walk_in = True
        registration.checked_in_at = checked_in_at or now
        registration.checked_in_by = by
        registration.shared_phone_note = shared_phone_note
        registration.check_in_client_id = client_id
    # Validation (a dozen queries) runs before the forum is locked, so that concurrent registrations wait for
    # each other only for the seat decision itself; the duplicate check runs again under the lock.
    duplicate_data = {**data, "phone": ""} if shared_phone_note else data
    _check_duplicate(forum=forum, data=duplicate_data)
    if not validated:
        registration.full_clean()
    confirmed, waiting = _seat_decide(registration=registration, data=duplicate_data, walk_in=walk_in)
    has_seat = registration.status == Status.CONFIRMED
    forum = registration.forum
    # The confirmation, the waiting-list message and the organizers' alerts: outside the lock, in their own
    # transaction (the outbox delivers them once it commits).
    with transaction.atomic():
        registration.confirmations_sent = 1
        Registration.objects.filter(pk=registration.pk).update(confirmations_sent=1)
        purpose = "registration_confirmed" if has_seat else "registration_waitlisted"
        _participant_message(registration=registration, purpose=purpose)
        _organizer_alerts(
            forum=forum,
            confirmed=confirmed + has_seat,
            waiting=waiting,
            just_filled=has_seat and confirmed + 1 == forum.capacity,
        )
    return registration


def _seat_decide(*, registration: Registration, data: dict, walk_in: bool) -> tuple[int, int]:
    """Lock the forum, decide whether `registration` gets a seat or waits, and save it; return the confirmed
    count before it and the waiting count after it.

    The forum's row lock is held only for this transaction: the window check, the duplicate check, one count and
    the insert. Raise RegistrationClosedError or DuplicateRegistrationError as `registration_create` says.
    """
    with transaction.atomic():
        forum = _lock_forum(registration.forum)
        registration.forum = forum
        if not walk_in:
            reason = selectors.registration_closed_reason(forum=forum)
            if reason:
                raise RegistrationClosedError(reason, code="closed")
        _check_duplicate(forum=forum, data=data)
        confirmed = _confirmed_count(forum)
        if not settings.PARTICIPANTS_REGISTRATION_LOCK:
            # Test-only control run (tests/faults/test_seat_race.py): without the lock, the gap between the count
            # and the insert is stretched to what the whole decision took before it was narrowed, so that
            # concurrent requests reliably overlap and the control oversells.
            time.sleep(0.05)
        if not (walk_in or confirmed < forum.capacity):
            registration.status = Status.WAITING
        registration.save()
        waiting = (
            0
            if registration.status == Status.CONFIRMED
            else Registration.objects.filter(forum=forum, status=Status.WAITING).count()
        )
    return confirmed, waiting


def _promote_next(forum: Forum) -> Registration | None:
    if _confirmed_count(forum) >= forum.capacity:
        return None
    nxt = (
        Registration.objects.select_for_update()
        .filter(forum=forum, status=Status.WAITING)
        .order_by("-waiting_first", "created_at", "pk")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = Status.CONFIRMED
    nxt.waiting_first = False
    nxt.save(update_fields=["status", "waiting_first", "updated_at"])
    _participant_message(registration=nxt, purpose="registration_promoted")
    return nxt


def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel a registration; when it held a seat, promote the first person waiting in the same transaction.

    Queue the cancellation message, drop the reminders still queued for it, and queue the promotion message
    for the person promoted. Cancelling twice
    changes nothing. Return the promoted registration, if any.
    """
    with transaction.atomic():
        forum = _lock_forum(registration.forum)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return None
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.waiting_first = False
        registration.save(update_fields=["status", "cancelled_at", "waiting_first", "updated_at"])
        messages_cancel(key_prefix=reminder_key_prefix(registration_id=registration.pk))
        _participant_message(
            registration=registration, purpose="registration_cancelled", key_suffix=_again_suffix(registration)
        )
        return _promote_next(forum) if held_seat else None


def _again_suffix(registration: Registration) -> str:
    """Return a key suffix for a cancellation after an undone one, so the person hears of each (once each)."""
    return f":{registration.reactivated_count}" if registration.reactivated_count else ""


def registration_reactivate(*, registration: Registration) -> Registration:
    """Undo the cancellation of a registration: its seat back if one is free, else first on the waiting list.

    Lock the forum as registration does, so two undos cannot take one last seat. Queue a message to the
    person, in their language, saying which it is (once per undone cancellation). Raise ValidationError when
    the registration is not cancelled or its details were erased, and DuplicateRegistrationError when its phone,
    email or NSSF number was registered again since.
    """
    with transaction.atomic():
        forum = _lock_forum(registration.forum)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.CANCELLED:
            raise ValidationError(_("Only a cancelled registration can be reactivated."), code="not_cancelled")
        if registration.anonymised_at is not None:
            raise ValidationError(_("The details of this person were erased: register them again."), code="erased")
        _check_duplicate(
            forum=forum,
            data={"phone": registration.phone, "email": registration.email, "nssf_number": registration.nssf_number},
            exclude_pk=registration.pk,
        )
        has_seat = _confirmed_count(forum) < forum.capacity
        registration.status = Status.CONFIRMED if has_seat else Status.WAITING
        registration.waiting_first = not has_seat
        registration.cancelled_at = None
        registration.reactivated_count += 1
        registration.save(update_fields=["status", "waiting_first", "cancelled_at", "reactivated_count", "updated_at"])
        purpose = "registration_reactivated" if has_seat else "registration_reactivated_waiting"
        _participant_message(
            registration=registration, purpose=purpose, key_suffix=f":{registration.reactivated_count}"
        )
    return registration


def waiting_list_fill_free_seats(*, forum: Forum) -> list[Registration]:
    """Give every free seat (after the capacity was raised, say) to the people waiting, first come first served.

    Queue a promotion message for each. Return the promoted registrations.
    """
    promoted = []
    with transaction.atomic():
        forum = _lock_forum(forum)
        while (registration := _promote_next(forum)) is not None:
            promoted.append(registration)
    return promoted


def registration_promote(*, registration: Registration) -> Registration:
    """Give a free seat to this person from the waiting list (an organizer may choose out of order).

    Raise NoSeatError when every seat is taken and ValidationError if the person is not waiting.
    """
    with transaction.atomic():
        forum = _lock_forum(registration.forum)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.WAITING:
            raise ValidationError(_("Only a person on the waiting list can be moved to a seat."), code="not_waiting")
        if _confirmed_count(forum) >= forum.capacity:
            raise NoSeatError(_("Every seat is taken. Raise the capacity or cancel a registration first."), code="full")
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        _participant_message(registration=registration, purpose="registration_promoted")
    return registration


def registration_update(*, registration: Registration, data: dict) -> Registration:
    """Change a registration's details; the duplicate rules still hold. Only the fields in `data` change."""
    if "email" in data:
        data = {**data, "email": (data["email"] or "").strip().lower()}
    with transaction.atomic():
        forum = _lock_forum(registration.forum)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        for name in REGISTRATION_FIELDS:
            if name in data:
                setattr(registration, name, data[name])
        if registration.status != Status.CANCELLED:
            _check_duplicate(
                forum=forum,
                data={
                    "phone": registration.phone,
                    "email": registration.email,
                    "nssf_number": registration.nssf_number,
                },
                exclude_pk=registration.pk,
            )
        registration.full_clean()
        registration.save()
    return registration


def registration_confirmation_resend(*, registration: Registration) -> bool:
    """Queue the confirmation (or waiting-list message) again, to the contact already registered.

    It goes to the registered phone or email, never to whoever asked, so asking reveals nothing. Return
    False once the resend allowance is used up.
    """
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=registration.pk)
        if registration.status == Status.CANCELLED or registration.confirmations_sent > MAX_CONFIRMATION_RESENDS:
            return False
        registration.confirmations_sent += 1
        registration.save(update_fields=["confirmations_sent", "updated_at"])
        purpose = "registration_confirmed" if registration.status == Status.CONFIRMED else "registration_waitlisted"
        _participant_message(
            registration=registration, purpose=purpose, key_suffix=f":resend:{registration.confirmations_sent}"
        )
    return True


def registration_check_in(*, forum: Forum, code: str, by=None) -> tuple[Registration, bool]:
    """Check in the confirmed participant with this code (as scanned or typed) at `forum`.

    Return (registration, True) on the first check-in and (registration, False) when already checked in.
    Raise CheckInError for an unknown code, a code of another forum, a cancelled or waiting registration.
    """
    code = code_normalise(code)
    registration = (
        Registration.objects.select_related("province").filter(forum=forum, code=code).first() if code else None
    )
    if registration is None:
        raise CheckInError(_("No registration with this code for this forum."), code="unknown")
    if registration.status == Status.CANCELLED:
        raise CheckInError(_("This registration was cancelled."), code="cancelled", registration=registration)
    if registration.status == Status.WAITING:
        raise CheckInError(
            _("This person is on the waiting list and has no seat yet."), code="waiting", registration=registration
        )
    now = timezone.now()
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=by, updated_at=now
    )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return registration, bool(updated)


# Seat targets -------------------------------------------------------------------------------------


def seat_target_save(*, forum: Forum, dimension: str, value: str, minimum: int, unit: str) -> SeatTarget:
    """Create or replace the target for one dimension value of `forum`."""
    with transaction.atomic():
        target = SeatTarget.objects.filter(forum=forum, dimension=dimension, value=value).first() or SeatTarget(
            forum=forum, dimension=dimension, value=value
        )
        target.minimum = minimum
        target.unit = unit
        target.full_clean()
        target.save()
    return target


def seat_target_delete(*, target: SeatTarget) -> None:
    target.delete()


# Offline check-in ---------------------------------------------------------------------------------


class CheckInConflict(ValidationError):
    """A check-in or walk-in recorded on a device that the server cannot apply as the device saw it."""

    def __init__(self, message, *, code, registration=None):
        super().__init__(message, code=code)
        self.code = code
        self.registration = registration


def _device_time(at):
    """Return the time a device recorded, or now when it gave none or one in the future (a wrong clock)."""
    now = timezone.now()
    return at if at is not None and timezone.is_aware(at) and at <= now else now


def _already_applied(*, forum: Forum, client_id) -> Registration | None:
    """Return the registration a device's check-in or walk-in already reached; 404 for another forum's id."""
    registration = Registration.objects.filter(check_in_client_id=client_id).first()
    if registration is not None and registration.forum_id != forum.pk:
        raise CheckInError(_("No registration with this code for this forum."), code="unknown")
    return registration


def registration_check_in_offline(*, forum: Forum, code: str, client_id, at=None, by=None) -> Registration:
    """Apply a check-in that a device recorded at `at`, perhaps with no connection; sent again, it changes nothing.

    Store `client_id` on the registration, so a repeat answers as the first time did. Raise CheckInError for
    a code that is not this forum's, and CheckInConflict when the person was cancelled, is waiting, or was
    checked in already by another device or the online page.
    """
    done = _already_applied(forum=forum, client_id=client_id)
    if done is not None:
        return done
    code = code_normalise(code)
    registration = Registration.objects.filter(forum=forum, code=code).first() if code else None
    if registration is None:
        raise CheckInError(_("No registration with this code for this forum."), code="unknown")
    name = {"name": registration.full_name}
    if registration.status == Status.CANCELLED:
        raise CheckInConflict(_("%(name)s: this registration was cancelled.") % name, code="cancelled")
    if registration.status == Status.WAITING:
        raise CheckInConflict(_("%(name)s is on the waiting list and has no seat.") % name, code="waiting")
    Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=_device_time(at), checked_in_by=by, check_in_client_id=client_id, updated_at=timezone.now()
    )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by", "check_in_client_id"])
    if registration.check_in_client_id != client_id:
        time = formats.time_format(timezone.localtime(registration.checked_in_at), "TIME_FORMAT")
        raise CheckInConflict(
            _("%(name)s was already checked in at %(time)s on another device.") % {**name, "time": time},
            code="already_checked_in",
            registration=registration,
        )
    return registration


def registration_walk_in_offline(
    *, forum: Forum, data: dict, client_id, at=None, shared_phone_note: str = "", by=None
) -> Registration:
    """Register and check in a walk-in that a device recorded at `at`; sent again, it is registered once.

    Raise CheckInConflict when the phone, email or NSSF number is already registered for this forum (and no
    shared-phone note explains it): the person may have registered before and is on the roster.
    """
    done = _already_applied(forum=forum, client_id=client_id)
    if done is not None:
        return done
    try:
        return registration_create(
            forum=forum,
            data=data,
            walk_in=True,
            by=by,
            shared_phone_note=shared_phone_note,
            client_id=client_id,
            checked_in_at=_device_time(at),
        )
    except DuplicateRegistrationError as error:
        existing = error.registration
        raise CheckInConflict(
            _("The walk-in %(name)s matches %(existing)s (%(code)s), who is already registered.")
            % {"name": data.get("full_name", ""), "existing": existing.full_name, "code": existing.code_display},
            code="duplicate",
            registration=existing,
        ) from None
    except IntegrityError:
        # The same walk-in sent twice at once: the other request registered it.
        return Registration.objects.get(check_in_client_id=client_id, forum=forum)


def registration_badge_print(*, registration: Registration) -> Registration:
    """Record that the badge of `registration` was printed now; its check-in is left as it was."""
    now = timezone.now()
    Registration.objects.filter(pk=registration.pk).update(badge_printed_at=now, updated_at=now)
    registration.badge_printed_at = now
    return registration


# Certificates and evaluation ------------------------------------------------------------------------

EVALUATION_TOKEN_SALT = "participants.evaluation"  # noqa: S105 - a signing namespace, not a secret
# The personal evaluation link works this long after it is signed (the thank-you goes out within a week).
EVALUATION_LINK_MAX_AGE = 60 * 24 * 3600


class CertificateUnavailableError(Exception):
    """Only a checked-in participant, whose details were not erased, has a certificate."""


class EvaluationClosedError(ValidationError):
    """The evaluation cannot be answered or changed now."""


class AlreadyAnsweredError(ValidationError):
    """This person has already answered (before or after the forum, whichever was asked)."""


def _attended(registration: Registration) -> bool:
    return (
        registration.checked_in_at is not None
        and registration.status != Status.CANCELLED
        and registration.anonymised_at is None
    )


def registration_from_token_for_certificate(*, token: str) -> Registration:
    """Return the registration a self-service token opens, even after the forum: a certificate outlives it.

    Raise Registration.DoesNotExist for a forged token, and CertificateUnavailableError unless they attended.
    """
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise Registration.DoesNotExist from None
    registration = (
        Registration.objects.select_related("forum").filter(pk=payload.get("r"), code=payload.get("c")).first()
    )
    if registration is None:
        raise Registration.DoesNotExist
    if not _attended(registration):
        raise CertificateUnavailableError
    return registration


def _certificate_code_new() -> str:
    while True:
        code = code_generate()
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificate_issue(*, registration: Registration) -> Certificate:
    """Return the participant's certificate, creating it (with its verification code) on first request.

    Raise CertificateUnavailableError unless the person was checked in.
    """
    if not _attended(registration):
        raise CertificateUnavailableError
    with transaction.atomic():
        certificate, _created = Certificate.objects.get_or_create(
            registration=registration, defaults={"code": _certificate_code_new()}
        )
    certificate.registration = registration
    return certificate


def certificates_issue_for_forum(*, forum: Forum) -> list[Certificate]:
    """Return the certificates of every checked-in participant of the forum, creating the missing ones in bulk."""
    attended = Registration.objects.filter(
        forum=forum, checked_in_at__isnull=False, anonymised_at__isnull=True
    ).exclude(status=Status.CANCELLED)
    missing = attended.filter(certificate__isnull=True).values_list("pk", flat=True)
    with transaction.atomic():
        Certificate.objects.bulk_create(
            [Certificate(registration_id=pk, code=code_generate()) for pk in missing], ignore_conflicts=True
        )
    return list(
        Certificate.objects.filter(registration__in=attended)
        .select_related("registration__forum")
        .order_by(name_order("registration__full_name"), "registration__pk")
    )


def evaluation_save(*, forum: Forum, open_question_km: str, open_question_en: str, questions: list[dict]) -> Evaluation:
    """Define the forum's evaluation: its closed questions (at most ten, in order) and the open question.

    The questions are replaced as a whole; once someone has answered, they can no longer change
    (EvaluationClosedError), so every answer counted belongs to the question that was asked.
    """
    if len(questions) > Evaluation.MAX_QUESTIONS:
        raise EvaluationClosedError(_("An evaluation has at most ten closed questions."))
    with transaction.atomic():
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(forum=forum)
        if evaluation.responses.exists():
            raise EvaluationClosedError(_("People have already answered: the questions can no longer change."))
        evaluation.open_question_km = open_question_km.strip()
        evaluation.open_question_en = open_question_en.strip()
        evaluation.full_clean()
        evaluation.save()
        evaluation.questions.all().delete()
        rows = [EvaluationQuestion(evaluation=evaluation, position=n, **data) for n, data in enumerate(questions, 1)]
        for row in rows:
            row.full_clean(exclude=["evaluation"], validate_unique=False)
            if row.kind == EvaluationQuestion.Kind.CHOICE and (
                len(row.options("km")) < 2 or len(row.options("km")) != len(row.options("en"))
            ):
                raise EvaluationClosedError(
                    _("Give a choice question at least two options, the same number in Khmer and English.")
                )
        EvaluationQuestion.objects.bulk_create(rows)
    return evaluation


def evaluation_token(*, registration: Registration, moment: str = EvaluationResponse.Moment.AFTER) -> str:
    """Return the signed token of one person's evaluation link (before or after the forum)."""
    return signing.dumps({"r": registration.pk, "c": registration.code, "m": moment}, salt=EVALUATION_TOKEN_SALT)


def evaluation_url(*, registration: Registration, moment: str = EvaluationResponse.Moment.AFTER) -> str:
    """Return the absolute URL of the person's evaluation link, in their language."""
    token = evaluation_token(registration=registration, moment=moment)
    return absolute_url("participants:evaluation_answer", language=registration.preferred_language, token=token)


def evaluation_from_token(*, token: str) -> tuple[Registration, str]:
    """Return the registration and moment a link names; Registration.DoesNotExist if forged, too old or unfit.

    The after-forum link is for checked-in participants only; the before-forum link for any confirmed one.
    """
    try:
        payload = signing.loads(token, salt=EVALUATION_TOKEN_SALT, max_age=EVALUATION_LINK_MAX_AGE)
    except signing.BadSignature:
        raise Registration.DoesNotExist from None
    moment = payload.get("m")
    registration = (
        Registration.objects.select_related("forum__evaluation").filter(pk=payload.get("r"), code=payload.get("c"))
    ).first()
    if registration is None or moment not in EvaluationResponse.Moment.values or registration.anonymised_at:
        raise Registration.DoesNotExist
    if moment == EvaluationResponse.Moment.AFTER and not _attended(registration):
        raise Registration.DoesNotExist
    if moment == EvaluationResponse.Moment.BEFORE and registration.status != Status.CONFIRMED:
        raise Registration.DoesNotExist
    if not hasattr(registration.forum, "evaluation"):
        raise Registration.DoesNotExist
    return registration, moment


def evaluation_is_open(*, forum: Forum, moment: str) -> bool:
    """Return whether the evaluation takes answers now: before the forum starts, or after it ends."""
    now = timezone.now()
    if moment == EvaluationResponse.Moment.BEFORE:
        return now < forum.starts_at
    return now >= forum.ends_at


def evaluation_answer(
    *, registration: Registration, moment: str, answers: dict[int, int], open_answer: str = ""
) -> EvaluationResponse:
    """Record one person's answers (question id -> value); a second answer raises AlreadyAnsweredError.

    Before the forum only the knowledge questions are asked, and only until it starts; after it, every
    question, from the end of the forum on. The unique constraint, not a prior look, refuses a second answer.
    """
    evaluation = registration.forum.evaluation
    if not evaluation_is_open(forum=registration.forum, moment=moment):
        raise EvaluationClosedError(_("This evaluation is not open now."))
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                evaluation=evaluation,
                registration=registration,
                moment=moment,
                open_answer=open_answer.strip() if moment == EvaluationResponse.Moment.AFTER else "",
            )
            EvaluationAnswer.objects.bulk_create(
                [EvaluationAnswer(response=response, question_id=qid, value=value) for qid, value in answers.items()]
            )
    except IntegrityError:
        raise AlreadyAnsweredError(_("You have already answered this evaluation. Thank you.")) from None
    return response
