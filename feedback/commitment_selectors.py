"""Reads for commitments: the public list and page, staff lists, the figures of a forum or a series.

Public reads carry no personal data: who raised a linked concern is only ever counted.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from feedback.models import Commitment, CommitmentCategory, CommitmentMilestone, CommitmentUpdate, Concern

Status = Commitment.Status
# Numbers longer than a bigint holds, or names longer than a slug, are refused before the database sees them.
MAX_ID_DIGITS = 18
MAX_SLUG_LENGTH = 80


def _with_lists(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.select_related("responsible_staff").prefetch_related(
        "category_rows", Prefetch("forums", to_attr="forum_list"), Prefetch("provinces", to_attr="province_list")
    )


def commitments_filtered(*, filters: dict | None = None) -> QuerySet[Commitment]:
    """Return commitments by series, forum, status, category and province, newest first, with their lists."""
    filters = filters or {}
    commitments = Commitment.objects.all()
    if filters.get("series"):
        commitments = commitments.filter(
            Exists(Commitment.forums.through.objects.filter(commitment=OuterRef("pk"), forum__series=filters["series"]))
        )
    if filters.get("forum"):
        commitments = commitments.filter(
            Exists(Commitment.forums.through.objects.filter(commitment=OuterRef("pk"), forum=filters["forum"]))
        )
    if filters.get("province"):
        commitments = commitments.filter(
            Exists(Commitment.provinces.through.objects.filter(commitment=OuterRef("pk"), province=filters["province"]))
        )
    if filters.get("category"):
        commitments = commitments.filter(
            Exists(CommitmentCategory.objects.filter(commitment=OuterRef("pk"), category=filters["category"]))
        )
    if filters.get("status"):
        commitments = commitments.filter(status=filters["status"])
    return _with_lists(commitments).order_by("-created_at", "-pk")


def commitment_by_key(*, key: str) -> Commitment | None:
    """Return the commitment named by its number or its short name, with its public lists, or None."""
    if len(key) > (MAX_ID_DIGITS if key.isdigit() else MAX_SLUG_LENGTH):
        return None
    lookup = Q(pk=int(key)) if key.isdigit() else Q(slug=key)
    updates = CommitmentUpdate.objects.select_related("milestone").order_by("-created_at", "-pk")
    milestones = CommitmentMilestone.objects.order_by("due_date", "pk")
    return (
        _with_lists(Commitment.objects.filter(lookup))
        .prefetch_related(Prefetch("updates", queryset=updates), Prefetch("milestones", queryset=milestones))
        .first()
    )


def commitment_reach(*, commitment: Commitment) -> dict:
    """Return how many workers raised the concerns it answers, and in how many provinces (counts only)."""
    return Concern.objects.filter(commitments=commitment).aggregate(
        workers=Count("pk"), provinces=Count("province", distinct=True)
    )


def commitment_linked_concerns(*, commitment: Commitment) -> QuerySet[Concern]:
    """Return the linked concerns for staff: codes, categories, provinces (their page shows the rest)."""
    return commitment.concerns.select_related("province").only(
        "pk", "tracking_code", "category", "status", "province__name_en", "province__name_km", "received_at"
    )


def commitments_figures(*, commitments: QuerySet[Commitment]) -> dict:
    """Return the ISAF indicator for a set of commitments: the share done or on track, in one query.

    On track: in progress or planned, and not past its due date. Dropped commitments count against it.
    """
    today = timezone.localdate()
    not_late = Q(due_date__isnull=True) | Q(due_date__gte=today)
    figures = commitments.order_by().aggregate(
        total=Count("pk", distinct=True),
        done=Count("pk", filter=Q(status=Status.DONE), distinct=True),
        on_track=Count("pk", filter=Q(status__in=(Status.PLANNED, Status.IN_PROGRESS)) & not_late, distinct=True),
        dropped=Count("pk", filter=Q(status=Status.DROPPED), distinct=True),
    )
    total = figures["total"]
    figures["done_or_on_track"] = figures["done"] + figures["on_track"]
    figures["share"] = round(100 * figures["done_or_on_track"] / total) if total else None
    return figures


def forum_commitments(*, forum) -> QuerySet[Commitment]:
    return _with_lists(Commitment.objects.filter(forums=forum)).order_by("-created_at", "-pk")


def series_commitments(*, series, public_statuses) -> QuerySet[Commitment]:
    made_there = Commitment.forums.through.objects.filter(
        commitment=OuterRef("pk"), forum__series=series, forum__status__in=public_statuses
    )
    return _with_lists(Commitment.objects.filter(Exists(made_there))).order_by("-created_at", "-pk")
