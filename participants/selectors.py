"""Reads for registrations: lists with their relations, figures aggregated in the database."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from events import people
from events.models import Forum, Province
from forum_portal.codes import LENGTH as CODE_LENGTH
from forum_portal.codes import code_normalise
from forum_portal.khmer import digits_ascii, name_clean, name_order
from participants.models import (
    Certificate,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    RegistrationTally,
    SeatTarget,
)
from participants.models import Registration as R

Status = R.Status


def registration_closed_reason(*, forum: Forum) -> str | None:
    """Return why a person cannot register for `forum` now (and when they can), or None if they can."""
    if forum.registration_is_open:
        return None
    now = timezone.now()
    if forum.status == Forum.Status.CANCELLED:
        return _("This forum has been cancelled, so registration is closed.")
    if forum.status == Forum.Status.DRAFT:
        return _("This forum is not published yet.")
    if forum.status == Forum.Status.PUBLISHED and now < forum.registration_opens_at:
        return _("Registration opens on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(forum.registration_opens_at), "DATETIME_FORMAT")
        }
    return _("Registration closed on %(date)s.") % {
        "date": formats.date_format(
            timezone.localtime(min(forum.registration_closes_at, max(now, forum.registration_opens_at))),
            "DATETIME_FORMAT",
        )
    }


def registration_find_duplicate(
    *, forum: Forum, phone: str, email: str = "", nssf_number: str = "", exclude_pk: int | None = None
) -> R | None:
    """Return an active registration for `forum` with the same phone, email or NSSF number, if any."""
    match = Q(phone=phone) if phone else Q(pk__in=[])  # no phone (a shared one, allowed) matches nothing
    if email:
        match |= Q(email=email.lower())  # stored lower-cased, so the partial unique index serves this
    if nssf_number:
        match |= Q(nssf_number=nssf_number)
    found = R.objects.filter(match, forum=forum).exclude(status=Status.CANCELLED)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def registration_waiting_position(*, registration: R) -> int | None:
    """Return the 1-based place of a waiting registration in its forum's queue, or None if not waiting."""
    if registration.status != Status.WAITING:
        return None
    same_rank = Q(waiting_first=registration.waiting_first) & (
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    # Those put first on the list (a cancellation undone) go ahead of everyone else who waits.
    ahead_rank = Q(waiting_first=True) if not registration.waiting_first else Q(pk__in=[])
    ahead = R.objects.filter(forum_id=registration.forum_id, status=Status.WAITING).filter(same_rank | ahead_rank)
    return ahead.count() + 1


def _forum_counts(*, forum: Forum) -> dict:
    """Count the forum's registrations every way its pages need, in one index-only scan.

    Counting `status` (not `id`) keeps the scan on registration_counts_idx: 100,000 registrations take tens of
    milliseconds instead of reading every row twice.
    """
    confirmed = Q(status=Status.CONFIRMED)
    checked_in = Q(checked_in_at__isnull=False)
    return R.objects.filter(forum=forum).aggregate(
        total=Count("status"),
        confirmed=Count("status", filter=confirmed),
        waiting=Count("status", filter=Q(status=Status.WAITING)),
        cancelled=Count("status", filter=Q(status=Status.CANCELLED)),
        checked_in_any=Count("status", filter=checked_in),
        checked_in=Count("status", filter=confirmed & checked_in),
        checked_in_women=Count("status", filter=confirmed & checked_in & Q(gender=R.Gender.WOMAN)),
        checked_in_men=Count("status", filter=confirmed & checked_in & Q(gender=R.Gender.MAN)),
        confirmed_women=Count("status", filter=confirmed & Q(gender=R.Gender.WOMAN)),
        women=Count("status", filter=Q(gender=R.Gender.WOMAN)),
        men=Count("status", filter=Q(gender=R.Gender.MAN)),
    )


def _seat_counts(counts: dict, forum: Forum) -> dict:
    seats = {
        key: counts[key]
        for key in ("confirmed", "waiting", "checked_in", "checked_in_women", "checked_in_men", "confirmed_women")
    }
    seats["seats_left"] = max(forum.capacity - seats["confirmed"], 0)
    seats["checked_in_other"] = seats["checked_in"] - seats["checked_in_women"] - seats["checked_in_men"]
    return seats


def forum_seat_counts(*, forum: Forum) -> dict:
    """Return confirmed, waiting and checked-in counts and the seats left, in one query."""
    return _seat_counts(_forum_counts(forum=forum), forum)


def registration_list_figures(*, forum: Forum, queryset: QuerySet[R], filtered: bool) -> tuple[dict, dict]:
    """Return the forum's seat counts and the totals of the participant list (`queryset`, the filtered list).

    Unfiltered, both come from one count of the forum; filtered, the totals take one more query.
    """
    counts = _forum_counts(forum=forum)
    if filtered:
        totals = registration_totals(queryset=queryset)
    else:
        totals = {
            **{key: counts[key] for key in ("total", "confirmed", "waiting", "cancelled", "women", "men")},
            "checked_in": counts["checked_in_any"],
        }
    return _seat_counts(counts, forum), totals


FILTER_FIELDS = ("status", "role", "gender", "sector")


def registrations_for_manage(*, forum: Forum, filters: dict | None = None) -> QuerySet[R]:
    """Return the registrations of `forum` matching the organizer's filters, with what the list shows.

    `filters` may hold status, role, gender, sector (choice values), province (a Province), checked_in
    ("yes"/"no") and q (a name, phone or code fragment).
    """
    filters = filters or {}
    found = R.objects.filter(forum=forum).select_related("province", "district").order_by("created_at", "pk")
    for name in FILTER_FIELDS:
        if filters.get(name):
            found = found.filter(**{name: filters[name]})
    if filters.get("province"):
        found = found.filter(province=filters["province"])
    if filters.get("checked_in") == "yes":
        found = found.filter(checked_in_at__isnull=False)
    elif filters.get("checked_in") == "no":
        found = found.filter(checked_in_at__isnull=True)
    if filters.get("q"):
        found = found.filter(registration_search_q(filters["q"]))
    return found


def registration_search_q(text: str) -> Q:
    """Return a condition matching a name, a phone number (as written locally or in E.164) or a code."""
    text = name_clean(text)
    match = Q(full_name__icontains=text)
    code = code_normalise(text)
    if code:
        match |= Q(code=code)
    digits = "".join(ch for ch in digits_ascii(text) if ch in "0123456789")
    if len(digits) >= 6:
        # 012 345 678 is stored as +85512345678: compare without the trunk zero.
        match |= Q(phone__contains=digits.removeprefix("0"))
    return match


def registration_totals(*, queryset: QuerySet[R]) -> dict:
    """Return the figures of a filtered set of registrations, aggregated in one query."""
    return queryset.order_by().aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        women=Count("pk", filter=Q(gender=R.Gender.WOMAN)),
        men=Count("pk", filter=Q(gender=R.Gender.MAN)),
    )


def seat_target_progress(*, forum: Forum) -> list[dict]:
    """Return each seat target of `forum` with the confirmed and checked-in counts against it (2 or 3 queries)."""
    targets = list(forum.seat_targets.all())
    if not targets:
        return []
    # From the tallies the database keeps (RegistrationTally), not by counting 100,000 rows; a seat target's
    # dimension (gender, role, province) is a tally dimension of the same name.
    counts_by_key = {
        (row["dimension"], row["key"]): row
        for row in RegistrationTally.objects.filter(
            forum=forum, status=Status.CONFIRMED, dimension__in=["total", *SeatTarget.Dimension.values]
        )
        .order_by()
        .values("dimension", "key")
        .annotate(confirmed=Sum("count"), checked_in=Sum("count", filter=Q(checked_in=True), default=0))
    }
    by_code = {}
    if any(target.dimension == SeatTarget.Dimension.PROVINCE for target in targets):
        by_code = {province.code: province for province in Province.objects.all()}
    nobody = {"confirmed": 0, "checked_in": 0}
    total = counts_by_key.get(("total", ""), nobody)
    counts = {"all_confirmed": total["confirmed"], "all_checked_in": total["checked_in"]}
    for target in targets:
        value = target.value
        if target.dimension == SeatTarget.Dimension.PROVINCE:
            value = str(by_code[value].pk) if value in by_code else ""
        row = counts_by_key.get((target.dimension, value), nobody)
        counts[f"c{target.pk}"], counts[f"i{target.pk}"] = row["confirmed"], row["checked_in"]
    provinces = {code: province.name for code, province in by_code.items()}
    labels = {"gender": dict(R.Gender.choices), "role": dict(R.Role.choices), "province": provinces}
    rows = []
    for target in targets:
        confirmed, checked_in = counts[f"c{target.pk}"], counts[f"i{target.pk}"]
        if target.unit == SeatTarget.Unit.PERCENT:
            wanted = -(-target.minimum * counts["all_confirmed"] // 100)  # ceiling, in seats
            wanted_in = -(-target.minimum * counts["all_checked_in"] // 100)
        else:
            wanted = wanted_in = target.minimum
        rows.append(
            {
                "target": target,
                "label": labels[target.dimension].get(target.value, target.value),
                "confirmed": confirmed,
                "checked_in": checked_in,
                "wanted": wanted,
                "wanted_checked_in": wanted_in,
                "met": confirmed >= wanted,
                "met_checked_in": checked_in >= wanted_in,
            }
        )
    return rows


def registrations_roster(*, forum: Forum) -> list[dict]:
    """Return what a check-in device keeps of a forum: each reference code, name and status, nothing more.

    The status is "checked_in" once the person is, else the registration's status; erased people are left out.
    """
    rows = R.objects.filter(forum=forum, anonymised_at__isnull=True).order_by(name_order("full_name"), "pk")
    return [
        {"code": code, "name": name, "status": "checked_in" if checked_in_at else status}
        for code, name, status, checked_in_at in rows.values_list("code", "full_name", "status", "checked_in_at")
    ]


# Certificates and evaluation ------------------------------------------------------------------------

# Figures for fewer people than this are not shown: a cell of one or two could name a person.
SMALL_NUMBER = 3
EVALUATION_DIMENSIONS = ("gender", "age_group", "has_disability", "role", "province")


def certificate_for_code(*, code: str) -> Certificate | None:
    """Return the certificate with this verification code (as typed), with what the public page shows."""
    normalised = code_normalise(code)
    if len(normalised) != CODE_LENGTH:
        return None
    return (
        Certificate.objects.select_related("registration__forum")
        .filter(code=normalised, registration__anonymised_at__isnull=True)
        .first()
    )


def small_number(count: int) -> int | None:
    """Return the count to show, or None for 1 or 2 (shown as "fewer than 3"); 0 is shown as 0."""
    return None if 0 < count < SMALL_NUMBER else count


def _dimension_labels() -> dict[str, dict]:
    return {
        "gender": dict(people.Gender.choices),
        "age_group": dict(people.AgeGroup.choices),
        "has_disability": {True: _("With a disability"), False: _("No disability reported")},
        "role": dict(people.Role.choices),
    }


def _summary(counts: dict[int, int], question: EvaluationQuestion) -> dict:
    """Return n, the mean (rating) or share of yes (yes/no) and the cells, from per-value counts."""
    n = sum(counts.values())
    if question.kind == EvaluationQuestion.Kind.RATING:
        values = range(1, 6)
    elif question.kind == EvaluationQuestion.Kind.YES_NO:
        values = (1, 0)
    else:
        values = range(1, len(question.options("en")) + 1)
    total = sum(value * count for value, count in counts.items())
    shown = n >= SMALL_NUMBER
    # A group of one or two shows nothing at all: even a zero beside a hidden cell would tell their answer.
    cells = [small_number(counts.get(value, 0)) if shown else None for value in values]
    mean = round(total / n, 2) if shown and question.kind == EvaluationQuestion.Kind.RATING else None
    # With the number of answers shown, the share of yes would give back a hidden cell: then it is hidden too.
    share_yes = None
    if shown and question.kind == EvaluationQuestion.Kind.YES_NO and None not in cells:
        share_yes = round(100 * counts.get(1, 0) / n)
    return {"n": small_number(n), "mean": mean, "share_yes": share_yes, "cells": cells}


def evaluation_results(*, evaluation: Evaluation) -> dict:
    """Return the evaluation's figures per question, overall and by gender, age group, disability, role, province.

    Counted in the database in a fixed number of queries, whatever the number of answers: one for the
    questions, one for the response rate, one for the overall counts and one per dimension (after the forum).
    Cells of one or two people are None (shown as "fewer than 3"); a group of fewer than three shows no
    figure at all, and a yes/no share is hidden when it would give back a hidden cell.
    """
    language = get_language()
    questions = list(evaluation.questions.all())
    rates = R.objects.filter(forum_id=evaluation.forum_id).aggregate(
        attended=Count(
            "pk",
            filter=Q(checked_in_at__isnull=False, anonymised_at__isnull=True) & ~Q(status=Status.CANCELLED),
            distinct=True,
        ),
        answered=Count("evaluation_responses", filter=Q(evaluation_responses__moment="after"), distinct=True),
        answered_before=Count("evaluation_responses", filter=Q(evaluation_responses__moment="before"), distinct=True),
    )
    answers = EvaluationAnswer.objects.filter(response__evaluation=evaluation)
    overall: dict = defaultdict(lambda: defaultdict(int))
    for row in answers.values("question_id", "response__moment", "value").annotate(n=Count("pk")).order_by():
        overall[(row["question_id"], row["response__moment"])][row["value"]] = row["n"]
    province_name = (
        "response__registration__province__name_km"
        if language == "km"
        else ("response__registration__province__name_en")
    )
    fields = {dimension: f"response__registration__{dimension}" for dimension in EVALUATION_DIMENSIONS}
    fields["province"] = province_name
    by_group: dict = {dimension: defaultdict(lambda: defaultdict(lambda: defaultdict(int))) for dimension in fields}
    after = answers.filter(response__moment=EvaluationResponse.Moment.AFTER)
    for dimension, field in fields.items():
        rows = after.values("question_id", field, "value").annotate(n=Count("pk")).order_by()
        for row in rows:
            by_group[dimension][row["question_id"]][row[field]][row["value"]] = row["n"]
    labels = _dimension_labels()
    names = {
        "gender": _("Gender"),
        "age_group": _("Age group"),
        "has_disability": _("Disability"),
        "role": _("Role"),
        "province": _("Province"),
    }
    results = []
    for question in questions:
        before = _summary(overall[(question.pk, "before")], question) if question.is_knowledge else None
        after_summary = _summary(overall[(question.pk, "after")], question)
        change = None
        if before and before["mean"] is not None and after_summary["mean"] is not None:
            change = round(after_summary["mean"] - before["mean"], 2)
        elif before and before["share_yes"] is not None and after_summary["share_yes"] is not None:
            change = after_summary["share_yes"] - before["share_yes"]
        groups = [
            {
                "dimension": dimension,
                "label": str(names[dimension]),
                "rows": sorted(
                    (
                        {"label": str(labels.get(dimension, {}).get(key, key)), **_summary(counts, question)}
                        for key, counts in by_group[dimension][question.pk].items()
                    ),
                    key=lambda group: group["label"],
                ),
            }
            for dimension in fields
        ]
        if question.kind == EvaluationQuestion.Kind.RATING:
            headings = [str(value) for value in range(1, 6)]
        elif question.kind == EvaluationQuestion.Kind.YES_NO:
            headings = [str(pgettext("answer", "Yes")), str(pgettext("answer", "No"))]
        else:
            headings = question.options(language)
        results.append(
            {
                "question": question,
                "text": question.text(language),
                "headings": headings,
                "after": after_summary,
                "before": before,
                "change": change,
                "groups": groups,
            }
        )
    attended = rates["attended"]
    share = round(100 * rates["answered"] / attended) if attended else 0
    return {
        "attended": attended,
        "answered": rates["answered"],
        "answered_before": rates["answered_before"],
        "share_answered": share,
        "questions": results,
    }


def evaluation_not_answered(*, evaluation: Evaluation) -> QuerySet[R]:
    """Return the checked-in participants who have not answered after the forum (names only, never answers)."""
    return (
        R.objects.filter(forum_id=evaluation.forum_id, checked_in_at__isnull=False, anonymised_at__isnull=True)
        .exclude(status=Status.CANCELLED)
        .exclude(evaluation_responses__moment=EvaluationResponse.Moment.AFTER)
        .only("pk", "full_name", "code")
        .order_by(name_order("full_name"), "pk")
    )


def evaluation_open_answers(*, evaluation: Evaluation) -> list[str]:
    """Return the open answers, sorted by text so that their order does not tell who wrote which."""
    rows = evaluation.responses.exclude(open_answer="").order_by("open_answer")
    return list(rows.values_list("open_answer", flat=True))
