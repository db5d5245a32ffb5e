"""Reads for forums, with their relations loaded so that pages run a fixed number of queries."""

from dataclasses import dataclass
from itertools import chain

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import AgendaItem, Forum, ForumRecord, ForumSeries, Material
from forum_portal.khmer import khmer_normalise

# The status of a registration that holds a seat. Events sits below participants and cannot import its model;
# the reverse relation `registrations` and this value are all it needs (a participants test checks they agree).
SEAT_HOLDING_STATUS = "confirmed"


def _with_seats_left(forums: QuerySet[Forum]) -> QuerySet[Forum]:
    """Annotate `seats_left` (capacity minus confirmed registrations, never below 0) in the same query."""
    confirmed = (
        Forum.objects.filter(pk=OuterRef("pk"), registrations__status=SEAT_HOLDING_STATUS)
        .order_by()
        .values("pk")
        .annotate(n=Count("registrations"))
        .values("n")
    )
    taken = Coalesce(Subquery(confirmed, output_field=IntegerField()), Value(0))
    return forums.annotate(seats_left=Greatest(F("capacity") - taken, Value(0)))


def forums_public() -> QuerySet[Forum]:
    """Return the forums the public may see, with what list pages show."""
    return _with_seats_left(
        Forum.objects.filter(status__in=Forum.PUBLIC_STATUSES)
        .select_related("series", "host_province")
        .prefetch_related("covered_provinces")
    )


def forums_upcoming() -> QuerySet[Forum]:
    return forums_public().filter(ends_at__gt=timezone.now()).exclude(status=Forum.Status.CANCELLED)


def series_current() -> ForumSeries | None:
    """Return the series of the next forum, or else the latest series that has public forums."""
    upcoming = forums_upcoming().order_by("starts_at").first()
    if upcoming is not None:
        return upcoming.series
    return ForumSeries.objects.filter(forums__status__in=Forum.PUBLIC_STATUSES).order_by("-year").first()


def forums_past(*, series: ForumSeries | None = None) -> QuerySet[Forum]:
    forums = forums_public().filter(ends_at__lte=timezone.now()).order_by("-starts_at")
    return forums.filter(series=series) if series is not None else forums


def forum_preview_detail(*, forum: Forum) -> Forum:
    """Return `forum`, whatever its status, loaded as its public page needs it: what the public will see."""
    agenda = AgendaItem.objects.prefetch_related("speakers").order_by("starts_at", "pk")
    public_materials = Material.objects.filter(forum=OuterRef("pk"), visibility=Material.Visibility.PUBLIC)
    return (
        Forum.objects.select_related("series", "host_province", "record")
        .annotate(has_public_materials=Exists(public_materials))
        .prefetch_related(Prefetch("agenda_items", queryset=agenda), "covered_provinces")
        .get(pk=forum.pk)
    )


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to check before a forum is published; `required` ones keep it from being published."""

    key: str
    label: str
    ok: bool
    detail: str
    required: bool = False


def forum_publish_checklist(*, forum: Forum) -> list[ChecklistItem]:
    """Return what an organizer checks before publishing: date, venue, provinces, capacity, window, agenda.

    Two queries (covered provinces, agenda items). The covered provinces and the agenda are required (the
    publish service refuses without them); the rest warn of a forum that would mislead its visitors.
    """
    now = timezone.now()
    provinces = list(forum.covered_provinces.order_by("name_en"))
    agenda_count = forum.agenda_items.count()
    date = formats.date_format(timezone.localtime(forum.starts_at), "DATE_FORMAT")
    window_ok = forum.registration_opens_at < forum.registration_closes_at <= forum.starts_at and (
        forum.registration_closes_at > now
    )
    return [
        ChecklistItem("date", _("Date"), forum.starts_at > now, date if forum.starts_at > now else _("in the past")),
        ChecklistItem(
            "venue",
            _("Venue"),
            bool(forum.venue_name.strip() and forum.venue_address.strip()),
            ", ".join(part for part in (forum.venue_name, forum.venue_address) if part.strip()) or _("missing"),
        ),
        ChecklistItem(
            "provinces",
            _("Covered provinces"),
            bool(provinces),
            ", ".join(province.name for province in provinces) or _("none chosen"),
            required=True,
        ),
        ChecklistItem(
            "capacity",
            _("Capacity"),
            forum.capacity > 0,
            ngettext("%(count)d seat", "%(count)d seats", forum.capacity) % {"count": forum.capacity},
        ),
        ChecklistItem(
            "registration",
            _("Registration window"),
            window_ok,
            _("%(opens)s to %(closes)s")
            % {
                "opens": formats.date_format(timezone.localtime(forum.registration_opens_at), "DATE_FORMAT"),
                "closes": formats.date_format(timezone.localtime(forum.registration_closes_at), "DATE_FORMAT"),
            },
        ),
        ChecklistItem(
            "agenda",
            _("Agenda"),
            agenda_count > 0,
            ngettext("%(count)d item", "%(count)d items", agenda_count) % {"count": agenda_count},
            required=True,
        ),
    ]


def forum_public_detail(*, slug: str) -> Forum:
    """Return a public forum with its agenda, speakers and record; raises Forum.DoesNotExist for drafts.

    `has_public_materials` says whether `forum_record_public` has anything to fetch.
    """
    agenda = AgendaItem.objects.prefetch_related("speakers").order_by("starts_at", "pk")
    public_materials = Material.objects.filter(forum=OuterRef("pk"), visibility=Material.Visibility.PUBLIC)
    return (
        forums_public()
        .select_related("record")
        .annotate(has_public_materials=Exists(public_materials))
        .prefetch_related(Prefetch("agenda_items", queryset=agenda))
        .get(slug=slug)
    )


def forums_for_organizers(*, status: str = "", series=None, q: str = "") -> QuerySet[Forum]:
    """Return every forum, drafts included, for the organizers' list, optionally narrowed."""
    forums = Forum.objects.select_related("series", "host_province").order_by("-starts_at")
    if status:
        forums = forums.filter(status=status)
    if series is not None:
        forums = forums.filter(series=series)
    if q := khmer_normalise(q).strip():
        # Both languages of the title and venue, whichever page the organizer searches from.
        forums = forums.filter(
            Q(title_km__icontains=q)
            | Q(title_en__icontains=q)
            | Q(venue_name_km__icontains=q)
            | Q(venue_name_en__icontains=q)
            | Q(host_province__name_en__icontains=q)
            | Q(host_province__name_km__icontains=q)
        )
    return forums


def materials_in_agenda_order(*, forum: Forum, public_only: bool = True) -> QuerySet[Material]:
    """Return the forum's materials in agenda order (by start time), then those of the whole forum.

    Within an agenda item, or the forum, materials keep the order they were added in.
    """
    materials = Material.objects.filter(forum=forum).select_related("agenda_item")
    if public_only:
        materials = materials.filter(visibility=Material.Visibility.PUBLIC)
    return materials.order_by(
        F("agenda_item__starts_at").asc(nulls_last=True), F("agenda_item_id").asc(nulls_last=True), "pk"
    )


@dataclass(frozen=True)
class PublicRecord:
    """The public part of a forum's record, arranged for its page."""

    record: ForumRecord | None
    forum_level: list[Material]
    photos: list[Material]
    has_files: bool


def forum_record_public(*, forum: Forum) -> PublicRecord:
    """Return the forum's record, its own public materials and its photos; give each agenda item its public
    materials as `public_materials`.

    The forum comes from `forum_public_detail`: its record is joined, its agenda prefetched, and it knows whether
    it has any public materials (`has_public_materials`). One query fetches them; without any, none is run.
    """
    record = getattr(forum, "record", None)
    if not getattr(forum, "has_public_materials", True):
        return PublicRecord(record=record, forum_level=[], photos=[], has_files=False)
    by_item: dict[int, list[Material]] = {}
    forum_level, photos = [], []
    for material in materials_in_agenda_order(forum=forum):
        if material.kind == Material.Kind.PHOTO:
            photos.append(material)
        elif material.agenda_item_id is None:
            forum_level.append(material)
        else:
            by_item.setdefault(material.agenda_item_id, []).append(material)
    for item in forum.agenda_items.all():
        item.public_materials = by_item.get(item.pk, [])
    has_files = bool(photos) or any(
        material.kind == Material.Kind.FILE for material in [*forum_level, *chain.from_iterable(by_item.values())]
    )
    return PublicRecord(record=record, forum_level=forum_level, photos=photos, has_files=has_files)
