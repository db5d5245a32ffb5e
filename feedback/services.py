"""Writes for concerns: submission, the status lifecycle, the review work, the loop back to the submitter.

Every change writes a timeline event (what the concern page shows) and an audit entry (what
administrators see). Messages to submitters go through the notifications outbox, in the same transaction,
delivered after commit.
"""

import hashlib
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS
from accounts.selectors import users_in_roles
from feedback import selectors
from feedback.calendar import add_working_days, non_working_weekdays
from feedback.models import Appeal, AuditEntry, Concern, ConcernAttachment, ConcernEvent, NonWorkingDay
from feedback.tracking import concern_track_url
from forum_portal.codes import LENGTH as CODE_LENGTH
from forum_portal.codes import code_generate, code_normalise
from forum_portal.links import absolute_url
from notifications.models import Message
from notifications.services import message_queue, messages_queue_bulk

logger = logging.getLogger(__name__)

Status = Concern.Status

# The lifecycle: (from, to) pairs. Anything else is refused. closed -> under review is a reopening.
TRANSITIONS: set[tuple[str, str]] = {
    (Status.NEW, Status.ACKNOWLEDGED),
    (Status.ACKNOWLEDGED, Status.UNDER_REVIEW),
    (Status.UNDER_REVIEW, Status.RESPONDED),
    (Status.RESPONDED, Status.CLOSED),
    (Status.CLOSED, Status.UNDER_REVIEW),
}
RESOLUTION_SALT = "feedback.resolution"
TRACKING_CODE_ATTEMPTS = 5


def non_working_days_refresh() -> int:
    """Make the database's non-working days (NonWorkingDay) the calendar's; return how many days changed.

    Only the difference is written: the database counts every clock of the concern tallies again after each
    write to that table (once per statement on PostgreSQL, once per row on SQLite).
    """
    wanted = non_working_weekdays()
    with transaction.atomic():
        held = set(NonWorkingDay.objects.select_for_update().values_list("date", flat=True))
        gone, added = held - wanted, wanted - held
        if gone:
            NonWorkingDay.objects.filter(date__in=gone).delete()
        if added:
            NonWorkingDay.objects.bulk_create([NonWorkingDay(date=day) for day in sorted(added)])
    return len(gone) + len(added)


class ConcernTransitionError(ValidationError):
    """The requested status change is not allowed from the concern's current status."""


def concern_due_dates(*, received_at: datetime, sensitive: bool) -> dict:
    """Return the service-level dates for a concern received at `received_at`."""
    day = timezone.localdate(received_at)
    resolve_due = add_working_days(day, settings.FEEDBACK_SLA_RESOLVE_DAYS)
    return {
        "acknowledge_due": add_working_days(day, settings.FEEDBACK_SLA_ACKNOWLEDGE_DAYS),
        "response_due": add_working_days(day, settings.FEEDBACK_SLA_RESPONSE_DAYS),
        "resolve_due": resolve_due,
        "first_resolve_due": resolve_due,
        "triage_due": received_at + timedelta(hours=settings.FEEDBACK_SENSITIVE_TRIAGE_HOURS) if sensitive else None,
    }


def _audit(*, concern: Concern, actor, action: str = AuditEntry.Action.CHANGE, detail: str = "") -> None:
    AuditEntry.objects.create(concern=concern, actor=actor, action=action, detail=detail[:300])


def _event(*, concern: Concern, kind: str, actor, text: str = "", from_status: str = "", to_status: str = ""):
    event = ConcernEvent.objects.create(
        concern=concern, kind=kind, actor=actor, text=text, from_status=from_status, to_status=to_status
    )
    _audit(concern=concern, actor=actor, detail=f"{kind} {from_status}→{to_status}" if to_status else kind)
    return event


def concern_resolution_token(*, concern: Concern) -> str:
    """Return the signed token of the "was it resolved?" link for this concern."""
    return signing.dumps({"c": concern.pk, "t": concern.tracking_code}, salt=RESOLUTION_SALT)


def concern_from_resolution_token(*, token: str) -> Concern | None:
    """Return the concern a resolution link names, or None if the link is forged or expired."""
    try:
        data = signing.loads(token, salt=RESOLUTION_SALT, max_age=timedelta(days=120))
    except signing.BadSignature:
        return None
    return Concern.objects.filter(pk=data.get("c"), tracking_code=data.get("t")).first()


def _submitter_channel(concern: Concern) -> str:
    # A concern raised in Telegram is answered there; otherwise by SMS, else by email.
    return "telegram" if concern.contact_telegram_chat else "sms" if concern.contact_phone else "email"


def _submitter_address(concern: Concern) -> str:
    """Return a digest of where the submitter is reached: two concerns of one person share it."""
    channel = _submitter_channel(concern)
    address = {"telegram": concern.contact_telegram_chat, "sms": concern.contact_phone}.get(
        channel, concern.contact_email.lower()
    )
    # A digest, not the address: it may end up in an idempotency key, which erasure does not touch.
    return hashlib.sha256(f"{channel}:{address}".encode()).hexdigest()[:24]


def _notify_submitter(
    *, concern: Concern, purpose: str, event: ConcernEvent, extra: dict | None = None, key: str = ""
) -> None:
    """Queue a message to the submitter if they gave a contact and consented; else do nothing."""
    if not concern.can_be_contacted:
        return
    channel = _submitter_channel(concern)
    message_queue(
        idempotency_key=key or f"concern:{concern.pk}:{purpose}:{event.pk}",
        purpose=purpose,
        channel=channel,
        language=concern.language,
        recipient_name=concern.contact_name,
        to_phone=concern.contact_phone if channel != "email" else "",
        to_email=concern.contact_email if channel == "email" else "",
        to_telegram_chat=concern.contact_telegram_chat,
        forum=concern.forum,
        context={
            "concern_id": concern.pk,
            "tracking_code": concern.display_code,
            "track_url": concern_track_url(concern=concern, language=concern.language),
            "public_response": concern.public_response,
            # A chat has room for the answer itself; an SMS gives the link to it.
            "response_in_message": channel == "telegram",
            "closing_reason": concern.closing_reason,
            **(extra or {}),
        },
    )


def _notify_group(*, concern: Concern, purpose: str, event: ConcernEvent, extra: dict | None = None) -> None:
    """Tell every submitter of the concern's duplicate group, once per person, each with their own code.

    A person who raised the same concern twice (one phone, one chat, one email) gets one message.
    """
    reached: set[str] = set()
    for member in group_members(concern=concern):
        if not member.can_be_contacted:
            continue
        address = _submitter_address(member)
        if address in reached:
            continue
        reached.add(address)
        _notify_submitter(
            concern=member, purpose=purpose, event=event, extra=extra, key=f"concern:{member.pk}:{purpose}:{event.pk}"
        )


def group_members(*, concern: Concern) -> list[Concern]:
    """Return the concerns of the duplicate group (the primary first, then its duplicates by arrival)."""
    primary_id = concern.duplicate_of_id or concern.pk
    members = Concern.objects.filter(Q(pk=primary_id) | Q(duplicate_of_id=primary_id))
    return sorted(members, key=lambda member: (member.pk != primary_id, member.received_at, member.pk))


@transaction.atomic
def concern_submit(
    *,
    category: str,
    description: str,
    province=None,
    forum=None,
    session=None,
    sector: str = "",
    role: str = "",
    gender: str = "",
    age_group: str = "",
    difficulty_seeing: str = "",
    difficulty_hearing: str = "",
    difficulty_walking: str = "",
    difficulty_remembering: str = "",
    difficulty_self_care: str = "",
    difficulty_communicating: str = "",
    channel: str = Concern.Channel.WEB,
    language: str = "km",
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    consent_to_contact: bool = False,
    contact_telegram_chat: str = "",
    sensitive: bool = False,
    attachment=None,
    attachment_type: str = "",
    recorded_by=None,
    received_at: datetime | None = None,
) -> Concern:
    """Record a new concern with a fresh tracking code and its service-level dates.

    An anonymous concern keeps no name or contact, whatever was passed. The tracking code is unique in the
    database; on the (astronomically rare) collision a new one is drawn, a few times at most.
    """
    if anonymous:
        contact_name = contact_phone = contact_email = ""
        consent_to_contact = False
    received_at = received_at or timezone.now()
    concern = Concern(
        category=category,
        description=description,
        province=province,
        forum=forum,
        session=session,
        sector=sector,
        role=role,
        gender=gender,
        age_group=age_group,
        difficulty_seeing=difficulty_seeing,
        difficulty_hearing=difficulty_hearing,
        difficulty_walking=difficulty_walking,
        difficulty_remembering=difficulty_remembering,
        difficulty_self_care=difficulty_self_care,
        difficulty_communicating=difficulty_communicating,
        channel=channel,
        language=language if language in ("km", "en") else "km",
        anonymous=anonymous,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        consent_to_contact=consent_to_contact,
        contact_telegram_chat=contact_telegram_chat,
        sensitive=sensitive,
        attachment_type=attachment_type if attachment else "",
        recorded_by=recorded_by,
        received_at=received_at,
        priority=Concern.Priority.HIGH if sensitive else Concern.Priority.NORMAL,
        **concern_due_dates(received_at=received_at, sensitive=sensitive),
    )
    if attachment:
        concern.attachment = attachment
    concern.tracking_code = code_generate()
    concern.full_clean(exclude=["tracking_code", "attachment"])
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                concern.save()
            break
        except IntegrityError:
            taken = Concern.objects.filter(tracking_code=concern.tracking_code).exists()
            if attempt == TRACKING_CODE_ATTEMPTS - 1 or not taken:
                raise
            concern.pk = None
            concern.tracking_code = code_generate()
    _event(concern=concern, kind=ConcernEvent.Kind.SUBMITTED, actor=recorded_by, to_status=Status.NEW)
    logger.info("concern %s submitted via %s", concern.pk, concern.channel)
    return concern


def _locked(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def concern_transition(
    *,
    concern: Concern,
    to_status: str,
    actor,
    note: str = "",
    public_response: str = "",
    publishable: bool = False,
    closing_reason: str = "",
    notify: bool = True,
) -> Concern:
    """Move a concern along its lifecycle and tell the submitter when that is news to them.

    new → acknowledged → under review → responded → closed; closed → under review reopens. A response
    needs the public answer, closing needs a reason, reopening needs a note; anything else is refused.
    A duplicate follows its primary: the change is made there and reaches every submitter of the group.
    """
    concern = _locked(concern)
    if concern.duplicate_of_id:
        raise ConcernTransitionError(
            _("This concern is the same as %(code)s: answer it there, and the answer reaches both.")
            % {"code": concern.duplicate_of.display_code}
        )
    source = concern.status
    if (source, to_status) not in TRANSITIONS:
        target_label = dict(Status.choices).get(to_status, to_status)
        raise ConcernTransitionError(
            _("A concern that is “%(status)s” cannot be moved to “%(target)s”.")
            % {"status": concern.get_status_display(), "target": target_label}
        )
    now = timezone.now()
    purpose = ""
    kind = ConcernEvent.Kind.STATUS
    text = note.strip()
    if to_status == Status.ACKNOWLEDGED:
        concern.acknowledged_at = now
        purpose = "concern_acknowledged"
    elif to_status == Status.RESPONDED:
        if not public_response.strip():
            raise ConcernTransitionError({"public_response": _("Write the answer the submitter will read.")})
        concern.public_response = public_response.strip()
        concern.response_publishable = publishable and not concern.sensitive
        concern.responded_at = concern.responded_at or now
        kind, text = ConcernEvent.Kind.RESPONSE, concern.public_response
        purpose = "concern_responded"
    elif to_status == Status.CLOSED:
        if closing_reason not in Concern.ClosingReason.values:
            raise ConcernTransitionError({"closing_reason": _("Choose why the concern is closed.")})
        concern.closing_reason = closing_reason
        concern.closed_at = now
        # A new closing earns a new "was it resolved?" question; the previous answer stays on the timeline.
        concern.resolution_check_sent_at = None
        concern.resolution_answer = ""
        concern.resolution_comment = ""
        purpose = "concern_closed"
    elif source == Status.CLOSED:
        if not text:
            raise ConcernTransitionError({"note": _("Say why the concern is reopened.")})
        kind = ConcernEvent.Kind.REOPENED
        concern.closing_reason = ""
        concern.closed_at = None
    concern.status = to_status
    concern.save()
    event = _event(concern=concern, kind=kind, actor=actor, text=text, from_status=source, to_status=to_status)
    for duplicate in concern.duplicates.select_for_update():
        _duplicate_follow(duplicate=duplicate, primary=concern, kind=kind, actor=actor, text=text)
    if purpose and notify:
        _notify_group(concern=concern, purpose=purpose, event=event)
    return concern


# The primary's lifecycle, copied onto each of its duplicates so that each submitter's tracking page reads it.
GROUP_FIELDS = (
    "status",
    "public_response",
    "acknowledged_at",
    "responded_at",
    "closed_at",
    "closing_reason",
)


def _duplicate_follow(*, duplicate: Concern, primary: Concern, kind: str = "", actor=None, text: str = "") -> None:
    source = duplicate.status
    for name in GROUP_FIELDS:
        setattr(duplicate, name, getattr(primary, name))
    if primary.status == Status.CLOSED and source != Status.CLOSED:
        duplicate.resolution_check_sent_at = None
        duplicate.resolution_answer = ""
        duplicate.satisfaction = None
        duplicate.resolution_comment = ""
    # One answer is published once: on the primary, which counts how many raised it.
    duplicate.response_publishable = False
    duplicate.save()
    if kind and source != duplicate.status:
        _event(concern=duplicate, kind=kind, actor=actor, text=text, from_status=source, to_status=duplicate.status)


STEPS = (Status.NEW, Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.RESPONDED, Status.CLOSED)


@transaction.atomic
def concern_update(
    *,
    concern: Concern,
    actor,
    category: str,
    assignee,
    priority: int,
    status: str,
    public_response: str = "",
    publishable: bool = False,
    closing_reason: str = "",
    note: str = "",
) -> Concern:
    """Apply the officer's one form: category, assignee, priority, status and the public answer in one save.

    A status further along the lifecycle is reached step by step, each step on the timeline and checked by
    concern_transition (the answer for "responded", the reason for "closed", a note to reopen); the submitter
    hears of the answer and the closing, not of the steps in between. Any refusal saves nothing.
    """
    concern = _locked(concern)
    if category != concern.category:
        if category not in Concern.Category.values:
            raise ValidationError({"category": _("Choose a category.")})
        labels = dict(Concern.Category.choices)
        text = f"{labels.get(concern.category, concern.category)} → {labels[category]}"
        concern.category = category
        concern.save(update_fields=["category", "updated_at"])
        _event(concern=concern, kind=ConcernEvent.Kind.CATEGORY, actor=actor, text=text)
    if getattr(assignee, "pk", None) != concern.assignee_id:
        concern = concern_assign(concern=concern, assignee=assignee, actor=actor)
    if priority != concern.priority:
        concern = concern_set_priority(concern=concern, priority=priority, actor=actor)
    answer = public_response.strip()
    if status == concern.status:
        if answer and answer != concern.public_response:
            if concern.status != Status.RESPONDED:
                raise ConcernTransitionError(
                    {"public_response": _("Choose the status “Responded” to send this answer.")}
                )
            concern = _answer_correct(concern=concern, answer=answer, publishable=publishable, actor=actor)
        if note.strip():
            concern_add_note(concern=concern, text=note, actor=actor)
        return concern
    if concern.status == Status.CLOSED or status not in STEPS or STEPS.index(status) < STEPS.index(concern.status):
        steps = [status]
    else:
        steps = list(STEPS[STEPS.index(concern.status) + 1 : STEPS.index(status) + 1])
    for step in steps:
        last = step == steps[-1]
        concern = concern_transition(
            concern=concern,
            to_status=step,
            actor=actor,
            note=note if last else "",
            public_response=public_response,
            publishable=publishable,
            closing_reason=closing_reason,
            notify=last or step == Status.RESPONDED,
        )
    return concern


def _answer_correct(*, concern: Concern, answer: str, publishable: bool, actor) -> Concern:
    """Replace the answer already sent: a corrected answer is news to every submitter of the group."""
    if concern.duplicate_of_id:
        raise ConcernTransitionError(
            {"public_response": _("This concern is the same as another one: answer it there.")}
        )
    concern.public_response = answer
    concern.response_publishable = publishable and not concern.sensitive
    concern.save(update_fields=["public_response", "response_publishable", "updated_at"])
    event = _event(concern=concern, kind=ConcernEvent.Kind.RESPONSE, actor=actor, text=answer)
    for duplicate in concern.duplicates.select_for_update():
        _duplicate_follow(duplicate=duplicate, primary=concern)
    _notify_group(concern=concern, purpose="concern_responded", event=event)
    return concern


@transaction.atomic
def concern_assign(*, concern: Concern, assignee, actor) -> Concern:
    """Give the concern to a staff member (or to nobody)."""
    concern = _locked(concern)
    if assignee is not None and not assignee.has_perm("feedback.review_concerns"):
        raise ValidationError({"assignee": _("Only NSSF staff can be assigned a concern.")})
    reassigning = assignee is not None and assignee.pk != getattr(actor, "pk", None)
    if concern.sensitive and reassigning and not actor.has_perm("feedback.supervise_concerns"):
        raise ValidationError({"assignee": _("Only a supervisor assigns a sensitive concern to someone else.")})
    previous = concern.assignee_id
    concern.assignee = assignee
    concern.save(update_fields=["assignee", "updated_at"])
    name = assignee.get_full_name() if assignee else _("nobody")
    event = _event(concern=concern, kind=ConcernEvent.Kind.ASSIGNED, actor=actor, text=name)
    if assignee is not None and assignee.pk != previous and assignee.pk != getattr(actor, "pk", None):
        _notify_assignee(concern=concern, assignee=assignee, event=event)
    return concern


CONCERN_ASSIGNED = "concern_assigned"


def _notify_assignee(*, concern: Concern, assignee, event: ConcernEvent) -> None:
    """Tell a staff member, in their own language, that a concern is now theirs (by email: staff have one)."""
    if not assignee.email:
        return
    language = assignee.language if assignee.language in ("km", "en") else "km"
    with translation.override(language):
        category = str(concern.get_category_display())
        priority = str(concern.get_priority_display())
    message_queue(
        idempotency_key=f"{CONCERN_ASSIGNED}:{concern.pk}:{event.pk}",
        purpose=CONCERN_ASSIGNED,
        channel=Message.Channel.EMAIL,
        language=language,
        recipient_name=assignee.get_full_name(),
        to_email=assignee.email,
        context={
            "tracking_code": concern.display_code,
            "category": category,
            "priority": priority,
            "sensitive": concern.sensitive,
            "next_due": concern.resolve_due.isoformat(),
            "concern_url": absolute_url("feedback:concern_detail", language=language, code=concern.tracking_code),
        },
    )


@transaction.atomic
def concern_set_priority(*, concern: Concern, priority: int, actor) -> Concern:
    concern = _locked(concern)
    if priority not in Concern.Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    concern.priority = priority
    concern.save(update_fields=["priority", "updated_at"])
    _event(concern=concern, kind=ConcernEvent.Kind.PRIORITY, actor=actor, text=str(concern.get_priority_display()))
    return concern


@transaction.atomic
def concern_add_note(*, concern: Concern, text: str, actor) -> ConcernEvent:
    """Add an internal note to the timeline (never shown to the submitter or the public)."""
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    return _event(concern=concern, kind=ConcernEvent.Kind.NOTE, actor=actor, text=text.strip())


@transaction.atomic
def concern_link(*, concern: Concern, other_code: str, duplicate: bool, actor) -> Concern:
    """Link a related concern, or mark this one a duplicate of another (found by its tracking code)."""
    other = Concern.objects.filter(tracking_code=code_normalise(other_code)).first()
    if other is None or other.pk == concern.pk:
        raise ValidationError({"other_code": _("No other concern has this tracking code.")})
    if duplicate:
        return concern_mark_duplicate(concern=concern, primary=other, actor=actor)
    concern = _locked(concern)
    concern.related.add(other)
    label = _("Duplicate of %(code)s") if duplicate else _("Related to %(code)s")
    _event(concern=concern, kind=ConcernEvent.Kind.LINKED, actor=actor, text=label % {"code": other.display_code})
    return concern


@transaction.atomic
def concern_mark_duplicate(*, concern: Concern, primary: Concern, actor) -> Concern:
    """Mark `concern` as the same as `primary`, in one action: from now on the group is answered as one.

    The group has one primary (an earlier concern's own primary when that one is itself a duplicate); this
    concern's own duplicates move with it. Each takes the primary's status and answer, and a submitter who has
    not yet read the answer is sent it now.
    """
    primary = _locked(primary)
    if primary.duplicate_of_id:
        primary = Concern.objects.select_for_update().get(pk=primary.duplicate_of_id)
    concern = _locked(concern)
    if primary.pk == concern.pk:
        raise ValidationError({"other_code": _("A concern cannot be the same as itself.")})
    if concern.duplicate_of_id == primary.pk:
        raise ValidationError({"other_code": _("This concern is already marked the same as that one.")})
    members = [concern, *concern.duplicates.select_for_update()]
    for member in members:
        answered_before = member.public_response == primary.public_response and bool(member.responded_at)
        member.duplicate_of = primary
        member.save(update_fields=["duplicate_of", "updated_at"])
        member.related.add(primary)
        text = _("Same as %(code)s") % {"code": primary.display_code}
        event = _event(concern=member, kind=ConcernEvent.Kind.DUPLICATE, actor=actor, text=text)
        _duplicate_follow(duplicate=member, primary=primary)
        if primary.public_response and not answered_before:
            _notify_submitter(concern=member, purpose="concern_responded", event=event)
    raised = Concern.objects.filter(duplicate_of=primary).count() + 1
    text = _("%(code)s is the same concern: raised %(n)s times.") % {"code": concern.display_code, "n": raised}
    _event(concern=primary, kind=ConcernEvent.Kind.DUPLICATE, actor=actor, text=text)
    concern.refresh_from_db()
    return concern


@transaction.atomic
def concern_flag_policy(*, concern: Concern, flagged: bool, actor) -> Concern:
    """Flag (or unflag) the concern as a policy issue to raise at the national forum."""
    concern = _locked(concern)
    concern.policy_issue = flagged
    concern.save(update_fields=["policy_issue", "updated_at"])
    text = _("Flagged as a policy issue for the national forum.") if flagged else _("Policy issue flag removed.")
    _event(concern=concern, kind=ConcernEvent.Kind.POLICY, actor=actor, text=text)
    return concern


@transaction.atomic
def concern_interim_notice(*, concern: Concern, resolve_due: date, text: str, actor) -> Concern:
    """Record an interim notice: why resolving takes longer, and the new date it is promised by."""
    concern = _locked(concern)
    if not concern.is_open:
        raise ValidationError(_("A closed concern needs no interim notice."))
    if resolve_due <= timezone.localdate():
        raise ValidationError({"resolve_due": _("The new date must be in the future.")})
    if not text.strip():
        raise ValidationError({"text": _("Explain why more time is needed.")})
    concern.resolve_due = resolve_due
    concern.save(update_fields=["resolve_due", "updated_at"])
    event = _event(concern=concern, kind=ConcernEvent.Kind.INTERIM, actor=actor, text=text.strip())
    # The submitter is owed the new date as much as the answer itself.
    _notify_submitter(
        concern=concern, purpose="concern_interim", event=event, extra={"resolve_due": resolve_due.isoformat()}
    )
    return concern


def concern_personal_data_viewed(*, concern: Concern, actor, attachment: bool = False) -> None:
    """Write to the audit trail that `actor` saw the contact details (or opened the attachment)."""
    action = AuditEntry.Action.VIEW_ATTACHMENT if attachment else AuditEntry.Action.VIEW_CONTACT
    _audit(concern=concern, actor=actor, action=action)


@transaction.atomic
def concern_resolution_answer(
    *, concern: Concern, answer: str, satisfaction: int | None = None, comment: str = "", appeal: bool = False
) -> Concern:
    """Record the submitter's answer to "was it resolved?", with a 1 to 5 rating and a comment.

    "Not resolved" or "partly" within FEEDBACK_REOPEN_WINDOW_DAYS of closing reopens the concern (its whole
    duplicate group); later, or when the person asks for it (`appeal`), it becomes an appeal to supervisors.
    """
    concern = _locked(concern)
    if concern.status != Status.CLOSED or concern.resolution_answer:
        raise ValidationError(_("This question has already been answered. Thank you."))
    if answer not in Concern.Resolution.values:
        raise ValidationError({"answer": _("Choose yes, partly or no.")})
    if satisfaction is not None and satisfaction not in Concern.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose a rating from 1 to 5.")})
    concern.resolution_answer = answer
    concern.satisfaction = satisfaction
    concern.resolution_comment = comment.strip()
    concern.save(update_fields=["resolution_answer", "satisfaction", "resolution_comment", "updated_at"])
    rating = f" ({satisfaction}/5)" if satisfaction else ""
    text = f"{concern.get_resolution_answer_display()}{rating}. {concern.resolution_comment}".strip()
    _event(concern=concern, kind=ConcernEvent.Kind.RESOLUTION, actor=None, text=text)
    if answer == Concern.Resolution.YES:
        return concern
    window_ends = concern.closed_at + timedelta(days=settings.FEEDBACK_REOPEN_WINDOW_DAYS)
    if appeal or timezone.now() > window_ends:
        reason = concern.resolution_comment or str(concern.get_resolution_answer_display())
        appeal_open(concern=concern, reason=reason, actor=None)
        concern.refresh_from_db()
        return concern
    note = (
        _("The submitter says the concern was not resolved.")
        if answer == Concern.Resolution.NO
        else _("The submitter says the concern was only partly resolved.")
    )
    concern_transition(concern=concern.primary, to_status=Status.UNDER_REVIEW, actor=None, note=note)
    concern.refresh_from_db()
    return concern


# Appeals ------------------------------------------------------------------------------------------------

APPEAL_OPENED = "concern_appeal_opened"
APPEAL_DECIDED = "concern_appeal_decided"


def external_route() -> dict:
    """Return the contact details of the external route (the social security regulator), from settings."""
    return dict(settings.FEEDBACK_EXTERNAL_ROUTE)


@transaction.atomic
def appeal_open(*, concern: Concern, reason: str, actor=None) -> Appeal:
    """Escalate a concern to supervisors: by its submitter (`actor` None) or by a staff member.

    The appeal has its own clock, FEEDBACK_APPEAL_DAYS working days; the submitter is told the date.
    """
    concern = _locked(concern)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the concern should go to the supervisors.")})
    if concern.appeals.filter(status=Appeal.Status.OPEN).exists():
        raise ValidationError(_("An appeal on this concern is already open: the supervisors will answer it."))
    now = timezone.now()
    appeal = Appeal(
        concern=concern,
        reason=reason.strip(),
        by_submitter=actor is None,
        raised_by=actor,
        opened_at=now,
        due=add_working_days(timezone.localdate(now), settings.FEEDBACK_APPEAL_DAYS),
    )
    appeal.full_clean()
    appeal.save()
    event = _event(concern=concern, kind=ConcernEvent.Kind.APPEAL, actor=actor, text=appeal.reason)
    _notify_submitter(concern=concern, purpose=APPEAL_OPENED, event=event, extra={"appeal_due": appeal.due.isoformat()})
    return appeal


@transaction.atomic
def appeal_close(*, appeal: Appeal, outcome: str, outcome_text: str, actor) -> Appeal:
    """Record the supervisors' decision and tell the person; unresolved, name the external route to them."""
    if not actor.has_perm("feedback.supervise_concerns"):
        raise ValidationError(_("Only a supervisor decides an appeal."))
    appeal = Appeal.objects.select_for_update().select_related("concern").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError(_("This appeal has already been decided."))
    if outcome not in Appeal.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if not outcome_text.strip():
        raise ValidationError({"outcome_text": _("Write the decision the person will read.")})
    appeal.status = Appeal.Status.CLOSED
    appeal.outcome = outcome
    appeal.outcome_text = outcome_text.strip()
    appeal.closed_at = timezone.now()
    appeal.closed_by = actor
    appeal.save()
    text = f"{appeal.get_outcome_display()}: {appeal.outcome_text}"
    event = _event(concern=appeal.concern, kind=ConcernEvent.Kind.APPEAL_CLOSED, actor=actor, text=text)
    unresolved = outcome == Appeal.Outcome.NOT_RESOLVED
    extra = {"appeal_resolved": not unresolved, "decision": appeal.outcome_text}
    if unresolved:
        extra.update({f"external_{key}": value for key, value in external_route().items()})
    _notify_submitter(concern=appeal.concern, purpose=APPEAL_DECIDED, event=event, extra=extra)
    return appeal


def concern_resolution_checks_queue(*, now: datetime | None = None) -> int:
    """Ask submitters of concerns closed 14+ days ago whether it was resolved; return how many were asked.

    Each concern is asked once per closing (the `resolution_check_sent_at` guard), so running twice is safe.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.FEEDBACK_RESOLUTION_CHECK_DAYS)
    due = Concern.objects.filter(
        Q(anonymous=False, consent_to_contact=True) | ~Q(contact_telegram_chat=""),
        status=Status.CLOSED,
        closed_at__lte=cutoff,
        resolution_check_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    asked = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            concern = Concern.objects.select_for_update().get(pk=pk)
            if concern.resolution_check_sent_at is not None or not concern.can_be_contacted:
                continue
            concern.resolution_check_sent_at = now
            concern.save(update_fields=["resolution_check_sent_at", "updated_at"])
            event = _event(concern=concern, kind=ConcernEvent.Kind.RESOLUTION_CHECK, actor=None)
            token = concern_resolution_token(concern=concern)
            # One question per person and closing of the group, however many of its concerns they raised.
            closing = f"{concern.primary.pk}:{concern.closed_at:%Y%m%d%H%M%S}:{_submitter_address(concern)}"
            _notify_submitter(
                concern=concern,
                purpose="concern_resolution_check",
                event=event,
                key=f"concern_resolution_check:{closing}",
                extra={
                    "resolution_url": absolute_url(
                        "feedback:concern_resolution", language=concern.language, token=token
                    ),
                    # In a Telegram chat the person answers with a button (feedback.telegram reads it).
                    "reply_markup": resolution_buttons(concern=concern),
                },
            )
            asked += 1
    return asked


# Staff digest ---------------------------------------------------------------------------------------

STAFF_DIGEST = "staff_digest"
DIGEST_HOUR = 8


def _staff_language(user) -> str:
    return user.language if getattr(user, "language", "") in ("km", "en") else "en"


def staff_digest_queue(*, now: datetime | None = None) -> int:
    """Queue the daily digest of new and overdue concerns to each NSSF staff member; return how many.

    Once per person and local day, from 8:00 Phnom Penh time; nothing when there is nothing to report.
    """
    now = now or timezone.now()
    local_now = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    if local_now.hour < DIGEST_HOUR:
        return 0
    digest = selectors.concerns_for_digest(since=now - timedelta(days=1))
    counts = {key: digest[key].count() for key in ("new", "overdue")}
    if not any(counts.values()):
        return 0
    day = local_now.date().isoformat()
    messages = [
        Message(
            idempotency_key=f"{STAFF_DIGEST}:{user.pk}:{day}",
            purpose=STAFF_DIGEST,
            channel=Message.Channel.EMAIL,
            # Each staff member reads it in the language of their account.
            language=_staff_language(user),
            recipient_name=user.get_full_name(),
            to_email=user.email,
            # Tomorrow's digest supersedes today's: one still queued then has nothing left to say.
            expires_at=now + timedelta(days=1),
            context={
                "new": counts["new"],
                "overdue": counts["overdue"],
                "queue_url": absolute_url("feedback:queue", language=_staff_language(user)),
                "day": day,
            },
        )
        for user in users_in_roles(roles=[NSSF_STAFF, NSSF_SUPERVISORS]).exclude(email="")
    ]
    return messages_queue_bulk(messages=messages)


# SMS in ------------------------------------------------------------------------------------------

CONCERN_STATUS = "concern_status"


def concern_status_reply(*, phone: str, text: str, language: str) -> bool:
    """Answer a tracking code texted to the portal with the concern's status; return whether it was one.

    The code is the key, as on the web tracking page: whoever holds it may read the status, nothing more.
    """
    code = code_normalise(text)
    if len(code) != CODE_LENGTH:
        return False
    concern = Concern.objects.filter(tracking_code=code).only("pk", "tracking_code", "status", "language").first()
    if concern is None:
        return False
    language = concern.language or language
    with translation.override(language):
        status = str(concern.get_status_display())
    message_queue(
        idempotency_key=f"{CONCERN_STATUS}:{concern.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        purpose=CONCERN_STATUS,
        channel=Message.Channel.SMS,
        language=language,
        to_phone=phone,
        context={
            # Named, so erasing the concern's contact erases this reply's address too.
            "concern_id": concern.pk,
            "tracking_code": concern.display_code,
            "status": status,
            "track_url": concern_track_url(concern=concern, language=language),
        },
    )
    return True


def resolution_buttons(*, concern: Concern) -> dict:
    """Return the Yes / Partly / No buttons that answer "was it resolved?" in the concern's Telegram chat."""
    with translation.override(concern.language):
        return {
            "inline_keyboard": [
                [
                    {"text": str(answer.label), "callback_data": f"resolved:{concern.pk}:{answer.value}"}
                    for answer in (Concern.Resolution.YES, Concern.Resolution.PARTLY, Concern.Resolution.NO)
                ]
            ]
        }


CONCERN_RECEIVED = "concern_received"


def concern_from_sms(*, phone: str, text: str, language: str) -> Concern | None:
    """Record a concern texted to the portal's number and reply with its tracking code; None if too short.

    The text is the concern; staff set its category when they read it. The number that sent it is the
    contact (a person texting NSSF expects an answer there), and the reply fits two SMS parts.
    """
    if len(text) < Concern.DESCRIPTION_MIN:
        return None
    concern = concern_submit(
        category=Concern.Category.OTHER,
        description=text[: Concern.DESCRIPTION_MAX],
        channel=Concern.Channel.SMS,
        language=language,
        contact_phone=phone,
        consent_to_contact=True,
    )
    message_queue(
        idempotency_key=f"{CONCERN_RECEIVED}:{concern.pk}",
        purpose=CONCERN_RECEIVED,
        channel=Message.Channel.SMS,
        language=concern.language,
        to_phone=phone,
        context={"concern_id": concern.pk, "tracking_code": concern.display_code},
    )
    return concern


# Concerns received by hotline, on paper, by letter or in person ---------------------------------------

# The channels staff record a concern from, on someone's behalf.
INTAKE_CHANNELS = (
    Concern.Channel.HOTLINE,
    Concern.Channel.PAPER,
    Concern.Channel.LETTER,
    Concern.Channel.IN_PERSON,
)
INTAKE_MAX_AGE_DAYS = 365


@transaction.atomic
def concern_intake(
    *,
    channel: str,
    received_on: date,
    recorded_by,
    attachments: list[tuple[object, str]] = (),
    **fields,
) -> Concern:
    """Record a concern that reached NSSF by the hotline, on paper, by letter or in person.

    The service clock starts on the day it was received, not when it is typed in. Contact details are kept
    only with the person's recorded consent. `attachments` are (file, content type) pairs already checked by
    content (feedback.attachments); each is stored privately.
    """
    if channel not in INTAKE_CHANNELS:
        raise ValidationError({"channel": _("Choose how the concern reached NSSF.")})
    today = timezone.localdate()
    if received_on > today:
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if received_on < today - timedelta(days=INTAKE_MAX_AGE_DAYS):
        raise ValidationError({"received_on": _("The date received is more than a year ago. Check the date.")})
    contact = [fields.get(name) for name in ("contact_name", "contact_phone", "contact_email")]
    if any(contact) and not fields.get("consent_to_contact"):
        raise ValidationError(
            {"consent_to_contact": _("Keep contact details only when the person agreed to be contacted.")}
        )
    if received_on == today:
        received_at = timezone.now()
    else:
        # The hour is not known; the start of the working day keeps the date right in Phnom Penh time.
        received_at = timezone.make_aware(datetime.combine(received_on, datetime.min.time().replace(hour=8)))
    concern = concern_submit(channel=channel, received_at=received_at, recorded_by=recorded_by, **fields)
    for upload, content_type in attachments:
        ConcernAttachment.objects.create(
            concern=concern, file=upload, content_type=content_type, uploaded_by=recorded_by
        )
    return concern
