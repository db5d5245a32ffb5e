"""Reads for concerns: the staff queue, one concern's page, the public figures. Figures come from the database."""

import base64
import binascii
import json
from datetime import datetime, timedelta
from statistics import median

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS
from accounts.selectors import users_in_roles
from feedback.models import NEXT_DUE, Appeal, Concern, ConcernEvent
from forum_portal.codes import code_normalise
from forum_portal.khmer import khmer_normalise
from forum_portal.small_numbers import Cell, hide_column, share_shown

Status = Concern.Status

SORTS = {
    "next_due": ("next_due", "pk"),
    "newest": ("-received_at", "-pk"),
    "oldest": ("received_at", "pk"),
    "due": ("resolve_due", "pk"),
    "priority": ("-priority", "received_at", "pk"),
    # Within a status the longest waiting first: the order of the (status, received_at) index.
    "status": ("status", "received_at", "pk"),
}
# What the submitter and the public may read of a timeline; internal notes and assignments stay inside.
PUBLIC_EVENT_KINDS = (
    ConcernEvent.Kind.SUBMITTED,
    ConcernEvent.Kind.STATUS,
    ConcernEvent.Kind.REOPENED,
    ConcernEvent.Kind.RESPONSE,
    ConcernEvent.Kind.INTERIM,
)


class PercentileMedian(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def overdue_q(*, now: datetime | None = None) -> Q:
    """Return the condition "a service-level date has passed and its step is not done yet"."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    before_answer = (Status.NEW, Status.ACKNOWLEDGED, Status.UNDER_REVIEW)
    return (
        Q(status=Status.NEW, acknowledge_due__lt=today)
        | Q(status=Status.NEW, sensitive=True, triage_due__lt=now)
        | Q(status__in=before_answer, response_due__lt=today)
        | Q(status__in=Concern.OPEN_STATUSES, resolve_due__lt=today)
    )


def concerns_visible_q(*, user) -> Q:
    """Return the condition "`user` may open this concern": sensitive ones only for their assignee and supervisors."""
    if user.has_perm("feedback.supervise_concerns"):
        return Q()
    return Q(sensitive=False) | Q(assignee=user)


def concerns_visible_to(*, user) -> QuerySet[Concern]:
    """Return the concerns `user` may open: sensitive ones only for their assignee and supervisors."""
    return Concern.objects.filter(concerns_visible_q(user=user))


def staff_members() -> QuerySet:
    """Return the active NSSF staff and supervisors: who may be assigned a concern."""
    return users_in_roles(roles=[NSSF_STAFF, NSSF_SUPERVISORS]).order_by("full_name", "email")


SEARCH_MAX_TERMS = 6


def _search(concerns: QuerySet[Concern], text: str) -> QuerySet[Concern]:
    """Keep the concerns whose description (or tracking code) contains every word of `text`, in any order.

    Plain substring matching, not a full-text index: Khmer is written without spaces between words, so a
    word-splitting parser finds nothing inside a Khmer sentence, while a substring does. It is the same on
    PostgreSQL and SQLite, and at 100,000 concerns it costs about a quarter of to_tsvector per row.
    """
    for term in khmer_normalise(text).split()[:SEARCH_MAX_TERMS]:
        condition = Q(description__icontains=term)
        code = code_normalise(term)
        if len(code) >= 4:
            condition |= Q(tracking_code__icontains=code)
        concerns = concerns.filter(condition)
    return concerns


def raised_count():
    """How many times a concern was raised: itself and the concerns marked the same as it."""
    duplicates = (
        Concern.objects.filter(duplicate_of=OuterRef("pk"))
        .order_by()
        .values("duplicate_of")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(duplicates), Value(0)) + 1


# The officer's saved views of the queue; each but "all" shows open concerns only, due soonest first.
QUEUE_VIEWS = ("open", "mine", "unassigned", "overdue", "all")


def queue_sort(filters: dict) -> str:
    if filters.get("sort") in SORTS:
        return filters["sort"]
    return "newest" if filters.get("view") == "all" else "next_due"


def concerns_queue(*, user, filters: dict | None = None, now: datetime | None = None) -> QuerySet[Concern]:
    """Return the review queue for `user`, filtered, searched and sorted, with what each row shows.

    The default view is every open concern, the one due soonest first; chosen statuses replace "open".
    """
    filters = filters or {}
    view = filters.get("view") or "open"
    concerns = concerns_visible_to(user=user)
    if filters.get("status"):
        concerns = concerns.filter(status__in=filters["status"])
    elif view != "all":
        concerns = concerns.filter(status__in=Concern.OPEN_STATUSES)
    if view == "mine":
        concerns = concerns.filter(assignee=user)
    elif view == "unassigned":
        concerns = concerns.filter(assignee__isnull=True)
    for key, lookup in (
        ("series", "forum__series"),
        ("forum", "forum"),
        ("province", "province"),
        ("category", "category"),
        ("priority", "priority"),
        ("assignee", "assignee"),
    ):
        if filters.get(key) not in (None, ""):
            concerns = concerns.filter(**{lookup: filters[key]})
    if filters.get("overdue") or view == "overdue":
        concerns = concerns.filter(overdue_q(now=now))
    if filters.get("policy_issue"):
        concerns = concerns.filter(policy_issue=True)
    if filters.get("q"):
        concerns = _search(concerns, filters["q"])
    return (
        concerns.select_related("forum", "province", "assignee")
        .annotate(
            is_overdue=ExpressionWrapper(overdue_q(now=now), output_field=BooleanField()),
            raised=raised_count(),
            next_due=NEXT_DUE,
        )
        .order_by(*SORTS[queue_sort(filters)])
    )


COUNT_CAP = 1000


def count_capped(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count at most `cap` rows and say whether there are more: an exact count of 100,000 rows is slow."""
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def keyset_page(queryset: QuerySet, *, ordering: tuple[str, ...], after: str = "", size: int = 50) -> dict:
    """Return one page of `queryset` after the row the cursor `after` names, and the cursor of the next page.

    Keyset pagination: the page starts where the last one ended, by the ordering's values, so page 2,000 costs
    what page 1 does (no OFFSET) and a row arriving meanwhile shifts nothing. A cursor that does not parse
    starts from the first page.
    """
    position = _cursor_parse(queryset.model, ordering, after)
    if position is not None:
        queryset = queryset.filter(_after_q(ordering, position))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cursor = _cursor_make(ordering, rows[-1]) if more else ""
    return {"rows": rows, "next_cursor": cursor, "first": position is None}


def _field_of(model, name: str):
    name = name.lstrip("-")
    if name == "next_due":
        return NEXT_DUE.output_field
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


class _CursorEncoder(DjangoJSONEncoder):
    def default(self, o):
        # Whole microseconds: DjangoJSONEncoder keeps milliseconds only, and a cursor must name its row exactly.
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _cursor_make(ordering: tuple[str, ...], row) -> str:
    values = [getattr(row, name.lstrip("-")) for name in ordering]
    raw = json.dumps(values, cls=_CursorEncoder).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_parse(model, ordering: tuple[str, ...], cursor: str) -> list | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(ordering):
            return None
        return [_field_of(model, name).to_python(value) for name, value in zip(ordering, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, ValidationError, UnicodeDecodeError):
        return None


def _after_q(ordering: tuple[str, ...], values: list) -> Q:
    """The rows after `values` in `ordering`: (a > x) or (a = x and b > y) or ..., descending fields reversed."""
    after, equal = Q(pk__in=[]), Q()
    for name, value in zip(ordering, values, strict=True):
        field, descending = name.lstrip("-"), name.startswith("-")
        after |= equal & Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{field: value})
    first, descending = ordering[0].lstrip("-"), ordering[0].startswith("-")
    # The redundant bound on the first field lets the database walk its index from the cursor on.
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & after


def appeals_queue(*, status: str = Appeal.Status.OPEN) -> QuerySet[Appeal]:
    """Return the appeals for supervisors: open ones by their decide-by date, the overdue first."""
    return (
        Appeal.objects.filter(status=status)
        .select_related("concern", "concern__assignee", "raised_by", "closed_by")
        .order_by("due", "pk")
    )


def concern_counts(*, concerns: QuerySet[Concern], now: datetime | None = None) -> dict:
    """Return counts by status, the overdue count and the on-time rate of `concerns`, in one query.

    On-time rate = closed on time / (closed + open and overdue): an open overdue concern keeps counting
    against the rate until it is closed, so neglect cannot improve the figure.
    """
    overdue = overdue_q(now=now)
    figures = concerns.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        closed_on_time=Count("pk", filter=Q(status=Status.CLOSED, closed_at__date__lte=F("resolve_due"))),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in Status.values},
    )
    denominator = figures["closed"] + figures["overdue"]
    figures["on_time_rate"] = round(100 * figures["closed_on_time"] / denominator) if denominator else None
    figures["by_status"] = [(label, figures[f"status_{value}"]) for value, label in Status.choices]
    return figures


def concern_for_staff(*, user, code: str) -> Concern:
    """Return one concern with its timeline and links; raises Concern.DoesNotExist if `user` may not open it."""
    events = ConcernEvent.objects.select_related("actor").order_by("created_at", "pk")
    appeals = Appeal.objects.select_related("raised_by", "closed_by").order_by("-opened_at", "-pk")
    return (
        concerns_visible_to(user=user)
        .select_related("forum__series", "province", "assignee", "recorded_by", "session", "duplicate_of")
        .prefetch_related(
            Prefetch("events", queryset=events),
            "related",
            Prefetch("appeals", queryset=appeals),
            Prefetch("duplicates", queryset=Concern.objects.order_by("received_at", "pk")),
        )
        .annotate(is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()), raised=raised_count())
        .get(tracking_code=code_normalise(code))
    )


def concern_for_tracking(*, code: str) -> Concern | None:
    """Return the concern a submitter tracks, with only its public timeline, or None."""
    events = ConcernEvent.objects.filter(kind__in=PUBLIC_EVENT_KINDS).order_by("created_at", "pk")
    appeals = Appeal.objects.order_by("-opened_at", "-pk")
    return (
        Concern.objects.select_related("forum")
        .prefetch_related(
            Prefetch("events", queryset=events, to_attr="public_events"),
            Prefetch("appeals", queryset=appeals, to_attr="public_appeals"),
        )
        .filter(tracking_code=code_normalise(code))
        .first()
    )


def _median_days_to_respond(concerns: QuerySet[Concern]) -> float | None:
    responded = concerns.filter(responded_at__isnull=False).order_by()
    duration = ExpressionWrapper(F("responded_at") - F("received_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        seconds = responded.aggregate(median=PercentileMedian(EpochSeconds(duration)))["median"]
        return round(seconds / 86400, 1) if seconds is not None else None
    durations = list(responded.annotate(duration=duration).values_list("duration", flat=True))
    return round(median(durations).total_seconds() / 86400, 1) if durations else None


def accountability_figures(*, concerns: QuerySet[Concern]) -> dict:
    """Return the public figures for a set of concerns: counts, shares, median days to respond.

    No personal data and no free text: only aggregates.
    """
    concerns = concerns.order_by()
    figures = concerns.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        resolved=Count("pk", filter=Q(status=Status.CLOSED, closing_reason=Concern.ClosingReason.RESOLVED)),
    )
    total = figures["total"]
    for key in ("acknowledged", "responded", "resolved"):
        figures[f"{key}_share"] = round(100 * figures[key] / total) if total else 0
    labels = dict(Concern.Category.choices)
    figures["by_category"] = [
        (labels.get(row["category"], row["category"]), row["n"])
        for row in concerns.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    ]
    figures["by_province"] = list(
        concerns.values("province__name_en", "province__name_km")
        .annotate(n=Count("pk"))
        .order_by("-n", "province__name_en")
    )
    figures["median_days_to_respond"] = _median_days_to_respond(concerns)
    return figures


def accountability_figures_public(*, concerns: QuerySet[Concern]) -> dict:
    """Return `accountability_figures` with the small-number rule applied, for the public pages.

    Counts of one or two are None ("fewer than 3"), with one more count hidden in a column where a single hidden
    one could be worked out from the total; a share is None when it would reveal such a count.
    """
    figures = accountability_figures(concerns=concerns)
    total = figures["total"]
    for key in ("acknowledged", "responded", "resolved"):
        figures[f"{key}_share"] = share_shown(figures[key], total)
    categories = [Cell(n) for _label, n in figures["by_category"]]
    provinces = [Cell(row["n"]) for row in figures["by_province"]]
    category_total, province_total = Cell(total), Cell(total)
    hide_column(categories, category_total)
    hide_column(provinces, province_total)
    figures["total"] = None if category_total.hidden or province_total.hidden else total
    labels = [label for label, _n in figures["by_category"]]
    figures["by_category"] = [(label, cell.shown) for label, cell in zip(labels, categories, strict=True)]
    figures["by_province"] = [
        {**row, "n": cell.shown} for row, cell in zip(figures["by_province"], provinces, strict=True)
    ]
    for key in ("acknowledged", "responded", "resolved"):
        del figures[key]  # only their shares, small-number safe, reach the page
    figures["small_numbers_hidden"] = True
    return figures


def publishable_responses(*, concerns: QuerySet[Concern], limit: int = 50) -> list[dict]:
    """Return the responses staff marked publishable (never of sensitive concerns): category, date, text only."""
    labels = dict(Concern.Category.choices)
    rows = (
        concerns.filter(response_publishable=True, sensitive=False, responded_at__isnull=False)
        .exclude(public_response="")
        .annotate(raised=raised_count())
        .order_by("-responded_at")
        .values("category", "public_response", "responded_at", "raised")[:limit]
    )
    return [{**row, "category_label": labels.get(row["category"], row["category"])} for row in rows]


def forum_concern_statistics(*, forum) -> dict:
    """Return counts for a forum's organizers: by status and by category, no contacts, no text."""
    concerns = Concern.objects.filter(forum=forum)
    return {**concern_counts(concerns=concerns), **accountability_figures(concerns=concerns)}


def forums_for_recording(*, limit: int = 6) -> list:
    """Return the forums nearest today (past or coming), where staff most likely record concerns."""
    from events.models import Forum

    now = timezone.now()
    recent = Forum.objects.exclude(status=Forum.Status.CANCELLED).filter(starts_at__lte=now + timedelta(days=7))
    return list(recent.order_by("-starts_at").only("slug", "title", "starts_at")[:limit])


def concerns_for_digest(*, since: datetime) -> dict:
    """Return the concerns for the daily staff digest.

    "new": queryset of concerns received since `since` (any status); "overdue": queryset of open concerns
    past a service-level date now. Both are plain querysets: call `.count()` or iterate.
    """
    return {
        "new": Concern.objects.filter(received_at__gte=since).select_related("forum", "province"),
        "overdue": Concern.objects.filter(overdue_q()).select_related("forum", "province"),
    }


def concern_recorded_by(*, user, code: str) -> Concern | None:
    """Return a concern `user` may open, or one they recorded themselves (even a sensitive one), or None."""
    visible = concerns_visible_to(user=user) | Concern.objects.filter(recorded_by=user)
    return visible.select_related("province").filter(tracking_code=code_normalise(code)).first()
