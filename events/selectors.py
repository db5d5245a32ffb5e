"""Reads for forums, with their relations loaded so that pages run a fixed number of queries."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from events.models import AgendaItem, Forum, ForumSeries

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


def forum_public_detail(*, slug: str) -> Forum:
    """Return a public forum with its agenda and speakers; raises Forum.DoesNotExist for drafts."""
    agenda = AgendaItem.objects.prefetch_related("speakers").order_by("starts_at", "pk")
    return forums_public().prefetch_related(Prefetch("agenda_items", queryset=agenda)).get(slug=slug)


def forums_for_organizers(*, status: str = "", series=None, q: str = "") -> QuerySet[Forum]:
    """Return every forum, drafts included, for the organizers' list, optionally narrowed."""
    forums = Forum.objects.select_related("series", "host_province").order_by("-starts_at")
    if status:
        forums = forums.filter(status=status)
    if series is not None:
        forums = forums.filter(series=series)
    if q:
        forums = forums.filter(
            Q(title__icontains=q) | Q(venue_name__icontains=q) | Q(host_province__name_en__icontains=q)
        )
    return forums
