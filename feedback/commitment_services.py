"""Writes for commitments: making them, updating their status and progress, milestones, followers, CSV.

Each change writes a public timeline entry (CommitmentUpdate). A status change or a milestone reached is news:
every follower hears it once, in their language, on their channel, through the outbox (one idempotency key
per change and person).
"""

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from feedback.models import (
    Commitment,
    CommitmentCategory,
    CommitmentFollower,
    CommitmentMilestone,
    CommitmentUpdate,
    Concern,
)
from forum_portal.codes import code_normalise
from forum_portal.links import absolute_url
from notifications.models import TelegramChat
from notifications.services import message_queue

logger = logging.getLogger(__name__)

Status = Commitment.Status
COMMITMENT_STATUS = "commitment_status"
COMMITMENT_MILESTONE = "commitment_milestone"
# The descriptive fields staff edit on the commitment's form; status and progress change through updates.
DESCRIPTIVE_FIELDS = (
    "slug",
    "title_km",
    "title_en",
    "description_km",
    "description_en",
    "institution",
    "institution_name_km",
    "institution_name_en",
    "responsible_unit_km",
    "responsible_unit_en",
    "responsible_staff",
    "due_date",
)


def _set_relations(commitment: Commitment, *, forums, provinces, categories) -> None:
    commitment.forums.set(forums)
    commitment.provinces.set(provinces)
    wanted = set(categories)
    unknown = wanted - set(Concern.Category.values)
    if unknown:
        raise ValidationError({"categories": _("Choose categories from the list.")})
    commitment.category_rows.exclude(category__in=wanted).delete()
    existing = set(commitment.category_rows.values_list("category", flat=True))
    CommitmentCategory.objects.bulk_create(
        [CommitmentCategory(commitment=commitment, category=value) for value in sorted(wanted - existing)]
    )


def _clean_texts(fields: dict) -> dict:
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()}
    if "slug" in cleaned:
        cleaned["slug"] = slugify(cleaned["slug"] or "") or None
        if cleaned["slug"] and cleaned["slug"].isdigit():
            raise ValidationError({"slug": _("The short name needs at least one letter.")})
    if not cleaned.get("title_km"):
        # Khmer first: the English title may follow, the Khmer one is what most readers read.
        raise ValidationError({"title_km": _("Give the commitment its title in Khmer.")})
    return cleaned


@transaction.atomic
def commitment_create(
    *, actor, forums=(), provinces=(), categories=(), status: str = Status.PLANNED, progress: int = 0, **fields
) -> Commitment:
    """Record a new commitment with its forums, provinces and categories; the timeline starts with it."""
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    commitment = Commitment(**_clean_texts(fields), created_by=actor, status=status, progress=progress)
    if status == Status.DONE:
        commitment.progress = 100
    commitment.full_clean(exclude=["forums", "provinces", "concerns"])
    commitment.save()
    _set_relations(commitment, forums=forums, provinces=provinces, categories=categories)
    CommitmentUpdate.objects.create(
        commitment=commitment, kind=CommitmentUpdate.Kind.CREATED, to_status=status, progress=commitment.progress
    )
    logger.info("commitment %s created", commitment.pk)
    return commitment


@transaction.atomic
def commitment_edit(*, commitment: Commitment, actor, forums, provinces, categories, **fields) -> Commitment:
    """Change what a commitment says and whom it concerns (not its status: see commitment_update)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    for key, value in _clean_texts(fields).items():
        if key not in DESCRIPTIVE_FIELDS:
            raise TypeError(f"unexpected field: {key}")
        setattr(commitment, key, value)
    commitment.full_clean(exclude=["forums", "provinces", "concerns"])
    commitment.save()
    _set_relations(commitment, forums=forums, provinces=provinces, categories=categories)
    return commitment


def _validate_change(commitment: Commitment, *, status: str, progress: int | None, reason: str) -> int:
    """Return the progress the change leaves; raise ValidationError for a change that cannot be."""
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status: planned, in progress, done or dropped.")})
    if progress is None:
        progress = 100 if status == Status.DONE else commitment.progress
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a number from 0 to 100.")})
    if status == Status.DONE and progress != 100:
        raise ValidationError({"progress": _("A commitment marked done must have progress 100.")})
    if status == Status.DROPPED and not reason and not (commitment.dropped_reason_km or commitment.dropped_reason_en):
        raise ValidationError({"dropped_reason_km": _("Say why the commitment is dropped.")})
    return progress


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    actor,
    status: str | None = None,
    progress: int | None = None,
    text_km: str = "",
    text_en: str = "",
    dropped_reason_km: str = "",
    dropped_reason_en: str = "",
) -> CommitmentUpdate | None:
    """Change a commitment's status or progress, or post news on its timeline; tell followers of a new status.

    Return the timeline entry, or None when nothing changed and nothing was said.
    """
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    status = status or commitment.status
    text_km, text_en = text_km.strip(), text_en.strip()
    reason_km, reason_en = dropped_reason_km.strip(), dropped_reason_en.strip()
    progress = _validate_change(commitment, status=status, progress=progress, reason=reason_km or reason_en)
    source, old_progress = commitment.status, commitment.progress
    status_changed = status != source
    if not status_changed and progress == old_progress and not (text_km or text_en):
        return None
    commitment.status, commitment.progress = status, progress
    if status == Status.DROPPED and (reason_km or reason_en):
        commitment.dropped_reason_km, commitment.dropped_reason_en = reason_km, reason_en
    commitment.save()
    if status_changed:
        kind = CommitmentUpdate.Kind.STATUS
    elif progress != old_progress:
        kind = CommitmentUpdate.Kind.PROGRESS
    else:
        kind = CommitmentUpdate.Kind.NOTE
    update = CommitmentUpdate.objects.create(
        commitment=commitment,
        kind=kind,
        text_km=text_km or (reason_km if status_changed and status == Status.DROPPED else ""),
        text_en=text_en or (reason_en if status_changed and status == Status.DROPPED else ""),
        from_status=source if status_changed else "",
        to_status=status if status_changed else "",
        progress=progress,
        author=actor,
    )
    if status_changed:
        commitment_followers_notify(commitment=commitment, update=update)
    return update


@transaction.atomic
def commitment_milestone_add(
    *, commitment: Commitment, actor, title_km: str = "", title_en: str = "", due_date: date | None = None
) -> CommitmentMilestone:
    """Add a dated step to a commitment."""
    title_km, title_en = title_km.strip(), title_en.strip()
    if not title_km:
        raise ValidationError({"title_km": _("Give the milestone its title in Khmer.")})
    milestone = CommitmentMilestone(commitment=commitment, title_km=title_km, title_en=title_en, due_date=due_date)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def commitment_milestone_reach(
    *, milestone: CommitmentMilestone, actor, reached_on: date | None = None
) -> CommitmentUpdate:
    """Mark a milestone reached: a timeline entry, and a message to every follower (once)."""
    milestone = CommitmentMilestone.objects.select_for_update().select_related("commitment").get(pk=milestone.pk)
    if milestone.reached_on is not None:
        raise ValidationError(_("This milestone was already reached."))
    reached_on = reached_on or timezone.localdate()
    if reached_on > timezone.localdate():
        raise ValidationError({"reached_on": _("A milestone cannot be reached in the future.")})
    milestone.reached_on = reached_on
    milestone.save(update_fields=["reached_on"])
    commitment = milestone.commitment
    update = CommitmentUpdate.objects.create(
        commitment=commitment,
        kind=CommitmentUpdate.Kind.MILESTONE,
        milestone=milestone,
        progress=commitment.progress,
        author=actor,
    )
    commitment_followers_notify(commitment=commitment, update=update)
    return update


@transaction.atomic
def commitment_concerns_link(*, commitment: Commitment, codes: list[str], actor) -> int:
    """Link the concerns with these tracking codes to the commitment; return how many were new links.

    Any unknown code refuses the whole list, so that a typing mistake is not half applied.
    """
    normalised = {code_normalise(code) for code in codes if code.strip()}
    if not normalised:
        raise ValidationError({"codes": _("Give at least one tracking code.")})
    found = dict(Concern.objects.filter(tracking_code__in=normalised).values_list("tracking_code", "pk"))
    missing = sorted(normalised - set(found))
    if missing:
        raise ValidationError(
            {"codes": _("No concern has these tracking codes: %(codes)s.") % {"codes": ", ".join(missing)}}
        )
    already = set(commitment.concerns.filter(pk__in=found.values()).values_list("pk", flat=True))
    commitment.concerns.add(*found.values())
    return len(set(found.values()) - already)


@transaction.atomic
def commitment_follow(
    *, commitment: Commitment, channel: str, language: str, consent: bool, phone: str = "", email: str = ""
) -> CommitmentFollower:
    """Record that someone wants to hear about this commitment; asking again changes channel and language."""
    if not consent:
        raise ValidationError({"consent": _("We can only send you news if you agree to it.")})
    if channel not in CommitmentFollower.Channel.values:
        raise ValidationError({"channel": _("Choose how to receive the news.")})
    if channel == CommitmentFollower.Channel.EMAIL:
        if not email:
            raise ValidationError({"email": _("Give the email address to send the news to.")})
        lookup = {"email": email.lower()}
    else:
        if not phone:
            raise ValidationError({"phone": _("Give the phone number to send the news to.")})
        lookup = {"phone": phone}
    follower, _created = CommitmentFollower.objects.update_or_create(
        commitment=commitment,
        **lookup,
        defaults={"channel": channel, "language": language if language in ("km", "en") else "km", "consent": True},
    )
    return follower


# Messages to followers ---------------------------------------------------------------------------------


@dataclass
class _Recipient:
    key: str
    channel: str
    language: str
    name: str = ""
    phone: str = ""
    email: str = ""
    telegram_chat: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def address(self) -> tuple[str, str]:
        return ("telegram", self.telegram_chat) if self.telegram_chat else ("phone", self.phone or self.email)


def _recipients(commitment: Commitment) -> list[_Recipient]:
    """Return who hears of a change: those who asked, then submitters of linked concerns who can be reached.

    A person on both lists (same phone, email or chat) is told once.
    """
    recipients: list[_Recipient] = []
    followers = list(commitment.followers.filter(consent=True).order_by("pk"))
    chats = dict(
        TelegramChat.objects.filter(
            phone__in=[f.phone for f in followers if f.channel == CommitmentFollower.Channel.TELEGRAM]
        ).values_list("phone", "chat_id")
    )
    for follower in followers:
        chat = chats.get(follower.phone, "") if follower.channel == CommitmentFollower.Channel.TELEGRAM else ""
        channel = "telegram" if chat else "email" if follower.channel == CommitmentFollower.Channel.EMAIL else "sms"
        recipients.append(
            _Recipient(
                key=f"f{follower.pk}",
                channel=channel,
                language=follower.language,
                phone=follower.phone if channel != "email" else "",
                email=follower.email if channel == "email" else "",
                telegram_chat=chat,
                # Named, so forgetting the follower (feedback.retention) erases this message's address too.
                extra={"follower_id": follower.pk},
            )
        )
    reachable = Q(anonymous=False, consent_to_contact=True) & (~Q(contact_phone="") | ~Q(contact_email=""))
    concerns = commitment.concerns.filter(reachable | ~Q(contact_telegram_chat="")).order_by("pk")
    for concern in concerns:
        channel = "telegram" if concern.contact_telegram_chat else "sms" if concern.contact_phone else "email"
        recipients.append(
            _Recipient(
                key=f"c{concern.pk}",
                channel=channel,
                language=concern.language,
                name=concern.contact_name,
                phone=concern.contact_phone if channel != "email" else "",
                email=concern.contact_email if channel == "email" else "",
                telegram_chat=concern.contact_telegram_chat,
                # Named, so erasing the concern's contact erases this message's address too.
                extra={"concern_id": concern.pk},
            )
        )
    unique, seen = [], set()
    for recipient in recipients:
        if recipient.address not in seen:
            seen.add(recipient.address)
            unique.append(recipient)
    return unique


def commitment_followers_notify(*, commitment: Commitment, update: CommitmentUpdate) -> int:
    """Queue one message per follower about this change (a status or a milestone); return how many.

    The key names the change and the person, so running it again for the same change sends nothing more.
    """
    if update.kind not in CommitmentUpdate.NEWS_KINDS:
        return 0
    purpose = COMMITMENT_MILESTONE if update.kind == CommitmentUpdate.Kind.MILESTONE else COMMITMENT_STATUS
    key = commitment.slug or str(commitment.pk)
    forum = commitment.forums.order_by("-starts_at").first()
    count = 0
    for recipient in _recipients(commitment):
        with translation.override(recipient.language):
            context = {
                "commitment_id": commitment.pk,
                "title": commitment.title,
                "status": str(commitment.get_status_display()),
                "progress": commitment.progress,
                "milestone": update.milestone.title if update.milestone else "",
                "url": absolute_url("feedback:commitment_detail", language=recipient.language, key=key),
                **recipient.extra,
            }
        message_queue(
            idempotency_key=f"commitment:{commitment.pk}:update:{update.pk}:{recipient.key}",
            purpose=purpose,
            channel=recipient.channel,
            language=recipient.language,
            recipient_name=recipient.name,
            to_phone=recipient.phone,
            to_email=recipient.email,
            to_telegram_chat=recipient.telegram_chat,
            forum=forum,
            context=context,
        )
        count += 1
    return count


# Bulk CSV ----------------------------------------------------------------------------------------------

CSV_REQUIRED = ("commitment", "status", "progress")
CSV_OPTIONAL = ("note_km", "note_en", "dropped_reason_km", "dropped_reason_en")
CSV_MAX_ROWS = 1000
CSV_MAX_BYTES = 1024 * 1024


@dataclass
class CsvRow:
    number: int
    key: str
    commitment: Commitment | None = None
    status: str = ""
    progress: int | None = None
    texts: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcome: str = ""


@dataclass
class CsvReport:
    rows: list[CsvRow]
    errors: list[str]
    applied: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)


def _read_csv(data: bytes) -> tuple[list[dict], list[str]]:
    if len(data) > CSV_MAX_BYTES:
        return [], [_("The file is larger than 1 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Save the file as CSV in UTF-8 and upload it again.")]
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_REQUIRED if name not in headers]
    if missing:
        return [], [_("The file needs the columns: %(columns)s.") % {"columns": ", ".join(CSV_REQUIRED)}]
    reader.fieldnames = headers
    try:
        rows = [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except csv.Error:
        return [], [_("The file is not a readable CSV file.")]
    if not rows:
        return [], [_("The file has no rows.")]
    if len(rows) > CSV_MAX_ROWS:
        return [], [_("Upload at most %(count)s rows at a time.") % {"count": CSV_MAX_ROWS}]
    return rows, []


def _commitments_by_key(keys: list[str]) -> dict[str, Commitment]:
    ids = [int(key) for key in keys if key.isdigit() and len(key) <= 18]
    slugs = [key for key in keys if key and not key.isdigit()]
    found = Commitment.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs))
    return {key: c for c in found for key in (str(c.pk), c.slug) if key}


def commitments_csv_check(*, data: bytes) -> CsvReport:
    """Read and check a CSV of status and progress updates; change nothing. Each row carries its errors."""
    raw_rows, errors = _read_csv(data)
    if errors:
        return CsvReport(rows=[], errors=errors)
    by_key = _commitments_by_key([row.get("commitment", "") for row in raw_rows])
    labels = {str(label).lower(): value for value, label in Status.choices}
    rows, seen = [], set()
    for number, raw in enumerate(raw_rows, start=2):
        row = CsvRow(number=number, key=raw.get("commitment", ""))
        row.commitment = by_key.get(row.key)
        status = raw.get("status", "").lower()
        row.status = labels.get(status, status.replace(" ", "_"))
        row.texts = {name: raw.get(name, "") for name in CSV_OPTIONAL}
        if row.commitment is None:
            row.errors.append(_("No commitment has the number or short name “%(key)s”.") % {"key": row.key})
        elif row.commitment.pk in seen:
            row.errors.append(_("This commitment is already on an earlier row."))
        else:
            seen.add(row.commitment.pk)
        progress = raw.get("progress", "").rstrip("%").strip()
        if progress:
            try:
                row.progress = int(progress)
            except ValueError:
                row.errors.append(_("Progress is a number from 0 to 100."))
        if row.commitment is not None and not row.errors:
            reason = row.texts["dropped_reason_km"] or row.texts["dropped_reason_en"]
            try:
                _validate_change(row.commitment, status=row.status, progress=row.progress, reason=reason)
            except ValidationError as error:
                row.errors.extend(message for messages in error.message_dict.values() for message in messages)
        rows.append(row)
    return CsvReport(rows=rows, errors=[])


@transaction.atomic
def commitments_csv_apply(*, data: bytes, actor) -> CsvReport:
    """Apply a CSV of status and progress updates, all rows or none; return the per-row report.

    A file with any invalid row changes nothing; the report says what is wrong on which row.
    """
    report = commitments_csv_check(data=data)
    if not report.valid:
        return report
    for row in report.rows:
        update = commitment_update(
            commitment=row.commitment,
            actor=actor,
            status=row.status,
            progress=row.progress,
            text_km=row.texts["note_km"],
            text_en=row.texts["note_en"],
            dropped_reason_km=row.texts["dropped_reason_km"],
            dropped_reason_en=row.texts["dropped_reason_en"],
        )
        row.outcome = "changed" if update is not None else "unchanged"
    report.applied = True
    return report
