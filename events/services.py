"""Writes for forums: saving with the agenda, the publishing lifecycle, duplication."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import AgendaItem, Forum, ForumSeries, Speaker
from events.signals import forum_cancelled, forum_changed

Status = Forum.Status

# Allowed lifecycle moves: (action) -> (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((Status.DRAFT,), Status.PUBLISHED),
    "close": ((Status.PUBLISHED,), Status.CLOSED),
    "reopen": ((Status.CLOSED,), Status.PUBLISHED),
    "complete": ((Status.PUBLISHED, Status.CLOSED), Status.COMPLETED),
    "cancel": ((Status.DRAFT, Status.PUBLISHED, Status.CLOSED), Status.CANCELLED),
}


# Forum fields whose change is announced to confirmed participants (through the `forum_changed` signal).
NOTIFIED_FIELDS = ("venue_name", "venue_address", "starts_at", "ends_at")


# Paths under /manage/forums/ that a forum's slug must not shadow.
RESERVED_SLUGS = {"new"}


class ForumTransitionError(ValidationError):
    """The requested lifecycle move is not allowed from the forum's current state."""


def _unique_slug(*, model, title: str, exclude_pk: int | None, fallback: str) -> str:
    base = slugify(title, allow_unicode=False)[:70] or fallback
    if base in RESERVED_SLUGS:
        base = f"{base}-{fallback}"
    taken = set(model.objects.exclude(pk=exclude_pk).filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def forum_unique_slug(*, title: str, exclude_pk: int | None = None) -> str:
    """Return a slug for `title` that no other forum uses (a number is appended on collision)."""
    return _unique_slug(model=Forum, title=title, exclude_pk=exclude_pk, fallback="forum")


@transaction.atomic
def series_save(*, form) -> ForumSeries:
    """Save a forum series from its validated form, making a unique slug from the title if none was given."""
    series = form.save(commit=False)
    if not series.slug:
        series.slug = _unique_slug(model=ForumSeries, title=series.title, exclude_pk=series.pk, fallback="series")
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def forum_save(*, form, agenda_formset) -> Forum:
    """Save a forum from its validated form together with its agenda formset, all or nothing."""
    forum = form.save(commit=False)
    if not forum.slug:
        forum.slug = forum_unique_slug(title=forum.title, exclude_pk=forum.pk)
    forum.full_clean()
    # What participants were told (venue, time), read before saving, so a change can be announced to them.
    before = Forum.objects.filter(pk=forum.pk).values(*NOTIFIED_FIELDS).first() if forum.pk else None
    forum.save()
    if before is not None and any(before[field] != getattr(forum, field) for field in NOTIFIED_FIELDS):
        forum_changed.send(sender=Forum, forum=forum, old=before)
    form.save_m2m()
    agenda_formset.instance = forum
    agenda_formset.save()
    for item_form in agenda_formset.forms:
        item = item_form.instance
        if item.pk and item_form.cleaned_data.get("new_speakers") and not item_form.cleaned_data.get("DELETE"):
            item.speakers.add(
                *(Speaker.objects.get_or_create(**fields)[0] for fields in item_form.cleaned_data["new_speakers"])
            )
    return forum


def _check_publishable(forum: Forum) -> None:
    errors = []
    if not forum.covered_provinces.exists():
        errors.append(_("Choose at least one covered province before publishing."))
    if not forum.agenda_items.exists():
        errors.append(_("Add at least one agenda item before publishing."))
    if errors:
        raise ForumTransitionError(errors)


@transaction.atomic
def forum_transition(*, forum: Forum, action: str) -> Forum:
    """Move a forum through its lifecycle (publish, close, reopen, complete, cancel).

    The forum row is locked so two organizers clicking at once cannot skip a state.
    """
    if action not in TRANSITIONS:
        raise ForumTransitionError(_("Unknown action."))
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    sources, target = TRANSITIONS[action]
    if forum.status not in sources:
        raise ForumTransitionError(
            _("A forum that is “%(status)s” cannot be changed this way.") % {"status": forum.get_status_display()}
        )
    if action == "publish":
        _check_publishable(forum)
    previous, forum.status = forum.status, target
    forum.save(update_fields=["status", "updated_at"])
    if action == "cancel" and previous in (Status.PUBLISHED, Status.CLOSED):
        forum_cancelled.send(sender=Forum, forum=forum)
    return forum


@transaction.atomic
def forum_duplicate(*, forum: Forum) -> Forum:
    """Copy a forum, its covered provinces and its agenda into a new draft: the start of the next one."""
    title = _("Copy of %(title)s") % {"title": forum.title}
    copy = Forum.objects.create(
        series=forum.series,
        title=title[:200],
        slug=forum_unique_slug(title=forum.title),
        kind=forum.kind,
        host_province=forum.host_province,
        venue_name=forum.venue_name,
        venue_address=forum.venue_address,
        starts_at=forum.starts_at,
        ends_at=forum.ends_at,
        capacity=forum.capacity,
        registration_opens_at=forum.registration_opens_at,
        registration_closes_at=forum.registration_closes_at,
        description=forum.description,
        status=Forum.Status.DRAFT,
    )
    copy.covered_provinces.set(forum.covered_provinces.all())
    for item in forum.agenda_items.prefetch_related("speakers"):
        speakers = list(item.speakers.all())
        new_item = AgendaItem.objects.create(
            forum=copy,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            title=item.title,
            session_kind=item.session_kind,
            description=item.description,
        )
        new_item.speakers.set(speakers)
    return copy
