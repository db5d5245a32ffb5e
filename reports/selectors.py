"""Figures for the dashboards and reports, every one counted in the database in a fixed number of queries.

Breakdowns by the shared vocabulary of people (events.people) are read in one UNION ALL query per page, so a
forum with 100,000 registrations or a series of 30 forums costs the same number of queries as a small one.
Nothing here returns a name, a phone, an email, an NSSF number or a concern's text.
"""

from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events import people
from events.models import Forum, ForumSeries, Province, Speaker
from feedback.calendar import holidays_between, is_working_day
from feedback.models import Appeal, Concern, PublicHoliday
from feedback.selectors import concerns_visible_to, overdue_q
from participants.models import Registration
from participants.selectors import seat_target_progress
from reports.figures import SMALL_NUMBER, Cell, Table, hide_column, share, suppress, suppress_counts, table_from_counts

RStatus = Registration.Status
CStatus = Concern.Status
REGISTERED = ~Q(status=RStatus.CANCELLED)
ATTENDED = Q(status=RStatus.CONFIRMED, checked_in_at__isnull=False)

PERSON_DIMENSIONS = ("gender", "age_group", "disability", "role", "sector", "province")
CONCERN_DIMENSIONS = ("category", "province", "forum", "sector", "channel", "gender", "status")


def exact_figures_allowed(user) -> bool:
    """Return whether `user` sees small numbers exactly (organizers, NSSF staff); others see "fewer than 3"."""
    return user.has_perm("reports.view_exact_figures")


def _dimension_names() -> dict[str, str]:
    return {
        "gender": _("Gender"),
        "age_group": _("Age group"),
        "disability": _("Disability (Washington Group)"),
        "role": _("Role"),
        "sector": _("Sector"),
        "province": _("Province"),
        "category": _("Category"),
        "forum": _("Forum"),
        "channel": _("Channel"),
        "status": _("Status"),
    }


def province_labels() -> dict[str, str]:
    """Return {province id as text: name in the active language}, in reading order (one query)."""
    return {str(province.pk): province.name for province in Province.objects.by_name()}


def _labels(dimension: str, provinces: dict, forums: dict | None = None) -> dict:
    choices = {
        "gender": people.Gender.choices,
        "age_group": people.AgeGroup.choices,
        "disability": people.DisabilityStatus.choices,
        "role": people.Role.choices,
        "sector": people.Sector.choices,
        "category": Concern.Category.choices,
        "channel": Concern.Channel.choices,
        "status": CStatus.choices,
    }
    if dimension == "province":
        return {**provinces, "": pgettext("province", "Not given")}
    if dimension == "forum":
        return {**(forums or {}), "": _("No forum")}
    labels = {str(value): str(label) for value, label in choices[dimension]}
    if dimension in ("gender", "age_group", "role", "sector", "category", "channel") and "" not in labels:
        labels[""] = pgettext("answer", "Not given")
    return labels


def _union_by_dimension(
    queryset: QuerySet, dimensions, counts: dict, *, also: tuple = (), total: bool = False
) -> list[dict]:
    """Return rows {dimension, key, *also, *counts} grouped by each dimension in turn, in one query.

    `counts` names what to count: {name: a condition, or None for every row}. Dimension values are text, so
    that a province id and a gender share one column. PostgreSQL groups by GROUPING SETS (one pass over the
    rows); other databases by a UNION ALL of one GROUP BY per dimension. With `total`, rows of dimension
    "total" (key "") count everything, per `also`.
    """
    field = {"province": "province_id", "forum": "forum_id"}
    if connection.vendor == "postgresql":
        columns = [field.get(name, name) for name in dimensions]
        rows = _grouping_sets(queryset, columns, counts, also=also, total=total)
        names = dict(zip(columns, dimensions, strict=True))
        for row in rows:
            row["dimension"] = names.get(row["dimension"], row["dimension"])
        return rows
    aggregates = {name: Count("pk", filter=condition) for name, condition in counts.items()}
    keys = {name: Cast(field.get(name, name), CharField()) for name in dimensions}
    if total:
        keys["total"] = Value("", output_field=CharField())
    parts = [
        queryset.order_by()
        .annotate(dimension=Value(name, output_field=CharField()), key=key)
        .values("dimension", "key", *also)
        .annotate(**aggregates)
        for name, key in keys.items()
    ]
    query = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]).order_by()
    rows = list(query)
    for row in rows:
        row["key"] = row["key"] or ""
    return rows


def _grouping_sets(queryset: QuerySet, columns: list[str], counts: dict, *, also: tuple, total: bool) -> list[dict]:
    """Count `queryset` grouped by each of `columns` (with `also`) in one pass, by PostgreSQL's GROUPING SETS."""
    flags = {
        f"count_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in counts.items()
        if condition is not None
    }
    base = queryset.order_by().values(*columns, *also, **flags)
    base_sql, params = base.query.sql_with_params()
    quoted = connection.ops.quote_name
    grouping = ", ".join(f"GROUPING({quoted(column)})" for column in columns)
    keys = ", ".join(f"{quoted(column)}::text" for column in columns)
    extra = "".join(f", {quoted(column)}" for column in also)
    aggregates = ", ".join(
        f"COUNT(*) FILTER (WHERE {quoted(f'count_{name}')})" if condition is not None else "COUNT(*)"
        for name, condition in counts.items()
    )
    sets = ", ".join(f"({', '.join(quoted(c) for c in (*also, column))})" for column in columns)
    if total:
        sets += f", ({', '.join(quoted(c) for c in also)})"
    sql = (
        f"SELECT {grouping}, {keys}{extra}, {aggregates} FROM ({base_sql}) AS base "  # noqa: S608 (names quoted)
        f"GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    width = len(columns)
    rows = []
    for record in fetched:
        grouped = record[:width]
        if 0 in grouped:  # the one column this row is grouped by (GROUPING() is 0 for it)
            index = grouped.index(0)
            row = {"dimension": columns[index], "key": record[width + index] or ""}
        else:
            row = {"dimension": "total", "key": ""}
        row.update(zip(also, record[2 * width : 2 * width + len(also)], strict=True))
        row.update(zip(counts, record[2 * width + len(also) :], strict=True))
        rows.append(row)
    return rows


def _tables(rows, *, dimensions, columns: list[str], values: list[str], labels_for, exact: bool) -> list[Table]:
    names = _dimension_names()
    tables = []
    for dimension in dimensions:
        counts = {row["key"]: [row[value] for value in values] for row in rows if row["dimension"] == dimension}
        labels = labels_for(dimension)
        # An unasked answer (blank) is listed only when someone gave it: registrations always answer.
        labels = {key: label for key, label in labels.items() if key or key in counts}
        table = table_from_counts(title=names[dimension], columns=columns, counts=counts, labels=labels, slug=dimension)
        tables.append(table if exact else suppress(table))
    return tables


# Forum dashboard -------------------------------------------------------------------------------------------------


TOTAL_COUNTS = {
    "total": None,
    "confirmed": Q(status=RStatus.CONFIRMED),
    "waiting": Q(status=RStatus.WAITING),
    "cancelled": Q(status=RStatus.CANCELLED),
    "registered": REGISTERED,
    "attended": ATTENDED,
    "women_registered": REGISTERED & Q(gender=people.Gender.WOMAN),
    "women_attended": ATTENDED & Q(gender=people.Gender.WOMAN),
}


def registration_rows(*, registrations: QuerySet[Registration], also: tuple = (), by_day: bool = False) -> list:
    """Return the registrations counted by each person dimension, in total (dimension "total") and, if asked,
    by the day they registered (dimension "day"), per `also`: one pass over the rows on PostgreSQL."""
    dimensions = [*PERSON_DIMENSIONS, "day"] if by_day else list(PERSON_DIMENSIONS)
    queryset = registrations.annotate(day=TruncDate("created_at")) if by_day else registrations
    return _union_by_dimension(queryset, dimensions, TOTAL_COUNTS, also=also, total=True)


def _over_time(rows) -> list[tuple[date, int]]:
    """Return (day, registrations so far) for every day someone registered (cancellations left out)."""
    running, points = 0, []
    for row in sorted((row for row in rows if row["dimension"] == "day"), key=lambda row: str(row["key"])):
        running += row["registered"]
        if row["registered"]:
            points.append((date.fromisoformat(str(row["key"])[:10]), running))
    return points


def _totals_for_reader(figures: dict, *, exact: bool) -> dict:
    """Add the rates, and hide small counts (and the rates that would give them back) for readers who must not."""
    shown = dict(figures)
    if not exact:
        shown.update(suppress_counts(figures))
        # Confirmed, waiting and cancelled add up to the total: hide a second one where one would give it back.
        cells = [Cell(figures[key]) for key in ("confirmed", "waiting", "cancelled")]
        total = Cell(figures["total"])
        hide_column(cells, total)
        for key, cell in zip(("confirmed", "waiting", "cancelled"), cells, strict=True):
            shown[key] = cell.shown
        shown["total"] = total.shown
    shown["attendance_rate"] = share(shown["attended"], shown["confirmed"])
    for women, whole in (("women_attended", "attended"), ("women_registered", "registered")):
        # With the whole shown, a share gives back the others (men, "prefer not to say"): hide it when they are few.
        others = figures[whole] - figures[women]
        small = not exact and 0 < others < SMALL_NUMBER
        shown[f"{women}_share"] = None if small else share(shown[women], shown[whole])
    return shown


def speaker_shares(*, forums) -> dict:
    """Return the speakers of `forums`' agendas: how many, how many women, how many of known gender (one query)."""
    return Speaker.objects.filter(agenda_items__forum__in=forums).aggregate(
        total=Count("pk", distinct=True),
        women=Count("pk", filter=Q(gender=people.Gender.WOMAN), distinct=True),
        known=Count("pk", filter=~Q(gender=""), distinct=True),
    )


def concerns_by_category_and_status(*, concerns: QuerySet[Concern], exact: bool) -> Table:
    """Return the concerns as a table: one row per category, one column per status (one query)."""
    statuses = list(CStatus.values)
    counts: dict = {}
    for row in concerns.order_by().values("category", "status").annotate(n=Count("pk")):
        counts.setdefault(row["category"], [0] * len(statuses))[statuses.index(row["status"])] = row["n"]
    labels = {value: str(label) for value, label in Concern.Category.choices if value in counts}
    table = table_from_counts(
        title=_("Concerns by category and status"),
        columns=[str(label) for label in CStatus.labels],
        counts=counts,
        labels=labels,
        slug="concerns",
    )
    return table if exact else suppress(table)


def forum_dashboard(*, forum: Forum, user) -> dict:
    """Return every figure of one forum's dashboard and report, for `user` (small numbers hidden if they must be)."""
    exact = exact_figures_allowed(user)
    registrations = Registration.objects.filter(forum=forum)
    rows = registration_rows(registrations=registrations, by_day=True)
    counted = next((row for row in rows if row["dimension"] == "total"), dict.fromkeys(TOTAL_COUNTS, 0))
    totals = _totals_for_reader({key: counted[key] for key in TOTAL_COUNTS}, exact=exact)
    provinces = province_labels()
    breakdowns = _tables(
        rows,
        dimensions=PERSON_DIMENSIONS,
        columns=[_("Registered"), _("Attended")],
        values=["registered", "attended"],
        labels_for=lambda dimension: _labels(dimension, provinces),
        exact=exact,
    )
    speakers = speaker_shares(forums=[forum])
    targets = seat_target_progress(forum=forum)
    if not exact:
        for target in targets:
            target.update(
                {key: value for key, value in suppress_counts(target).items() if key in ("confirmed", "checked_in")}
            )
    concerns = Concern.objects.filter(forum=forum)
    return {
        "exact": exact,
        "totals": totals,
        "over_time": _over_time(rows),
        "breakdowns": breakdowns,
        "speakers": {**speakers, "women_share": share(speakers["women"], speakers["known"])},
        "targets": targets,
        "concerns": concerns_by_category_and_status(concerns=concerns, exact=exact),
        "concerns_total": concerns.count(),
    }


# Series dashboard ------------------------------------------------------------------------------------------------


def series_forums(*, series: ForumSeries) -> list[Forum]:
    return list(series.forums.exclude(status=Forum.Status.CANCELLED).select_related("host_province"))


def profiles_by_sector_and_gender(*, registrations: QuerySet, concerns: QuerySet) -> list[tuple]:
    """Return (source, sector, gender, people) for registrations and concerns side by side: who raised what.

    One UNION ALL query; the source is "registrations" or "concerns".
    """

    def part(queryset, source):
        return (
            queryset.order_by()
            .values("sector", "gender")
            .annotate(source=Value(source, output_field=CharField()), people=Count("pk"))
            .values_list("source", "sector", "gender", "people")
        )

    return list(
        part(registrations, "registrations")
        .union(part(concerns, "concerns"), all=True)
        .order_by("source", "sector", "gender")
    )


def who_raised_what(*, registrations: QuerySet, concerns: QuerySet, exact: bool) -> Table:
    """Return a table of sector and gender: participants, concerns raised, and concerns per 100 participants."""
    rows = profiles_by_sector_and_gender(registrations=registrations, concerns=concerns)
    counts: dict = {}
    for source, sector, gender, number in rows:
        counts.setdefault((sector, gender), [0, 0])[0 if source == "registrations" else 1] = number
    sectors = dict(people.Sector.choices)
    genders = dict(people.Gender.choices)
    labels = {}
    for sector, gender in sorted(counts):
        labels[(sector, gender)] = _("%(sector)s, %(gender)s") % {
            "sector": sectors.get(sector) or pgettext("answer", "Not given"),
            "gender": genders.get(gender) or pgettext("answer", "Not given"),
        }
    table = table_from_counts(
        title=_("Who raised what: participants and concerns by sector and gender"),
        columns=[_("Participants"), _("Concerns")],
        counts=counts,
        labels=labels,
        slug="who",
    )
    return table if exact else suppress(table)


def province_challenges(*, concerns: QuerySet[Concern], exact: bool, top: int = 3) -> dict:
    """Return concerns by province and category (one query) and the top categories of each province."""
    categories = dict(Concern.Category.choices)
    provinces = province_labels()
    by_province: dict = {}
    for row in concerns.order_by().values("province_id", "category").annotate(n=Count("pk")):
        by_province.setdefault(str(row["province_id"] or ""), {})[row["category"]] = row["n"]
    used = [value for value in Concern.Category.values if any(value in cats for cats in by_province.values())]
    counts = {key: [cats.get(category, 0) for category in used] for key, cats in by_province.items()}
    labels = {key: label for key, label in _labels("province", provinces).items() if key in counts}
    table = table_from_counts(
        title=_("Concerns by province and category"),
        columns=[str(categories[value]) for value in used],
        counts=counts,
        labels=labels,
        slug="province-category",
    )
    if not exact:
        suppress(table)
    tops = []
    for row in table.rows:
        ranked = sorted(
            ((cell.value, index) for index, cell in enumerate(row.cells) if cell.value and not cell.hidden),
            key=lambda pair: (-pair[0], pair[1]),
        )[:top]
        tops.append({"province": row.label, "categories": [(table.columns[index], n) for n, index in ranked]})
    return {"table": table, "tops": tops}


def series_dashboard(*, series: ForumSeries, user) -> dict:
    """Return the series' figures: per forum side by side and in total, challenges by province, who raised what."""
    exact = exact_figures_allowed(user)
    forums = series_forums(series=series)
    registrations = Registration.objects.filter(forum__series=series).exclude(forum__status=Forum.Status.CANCELLED)
    concerns = Concern.objects.filter(forum__series=series).exclude(forum__status=Forum.Status.CANCELLED)
    rows = registration_rows(registrations=registrations, also=("forum_id",))
    concern_counts = dict(concerns.order_by().values_list("forum_id").annotate(n=Count("pk")))
    empty = dict.fromkeys(TOTAL_COUNTS, 0)
    by_forum = {row["forum_id"]: row for row in rows if row["dimension"] == "total"}
    overall = {key: sum(row[key] for row in by_forum.values()) for key in TOTAL_COUNTS}
    per_forum = []
    for forum in forums:
        counted = by_forum.get(forum.pk, empty)
        concern_count = concern_counts.get(forum.pk, 0)
        per_forum.append(
            {
                "forum": forum,
                "figures": _totals_for_reader({key: counted[key] for key in TOTAL_COUNTS}, exact=exact),
                "concerns": concern_count if exact else suppress_counts({"n": concern_count})["n"],
            }
        )
    provinces = province_labels()
    forum_ids = [forum.pk for forum in forums]
    side_by_side = []
    names = _dimension_names()
    for dimension in PERSON_DIMENSIONS:
        counts: dict = {}
        for row in rows:
            if row["dimension"] == dimension and row["forum_id"] in forum_ids:
                cells = counts.setdefault(row["key"], [0] * (len(forums) + 1))
                cells[forum_ids.index(row["forum_id"])] = row["registered"]
                cells[-1] += row["registered"]
        labels = {key: label for key, label in _labels(dimension, provinces).items() if key or key in counts}
        table = table_from_counts(
            title=names[dimension],
            columns=[forum.title for forum in forums] + [_("Total")],
            counts=counts,
            labels=labels,
            slug=dimension,
        )
        side_by_side.append(table if exact else suppress(table))
    return {
        "exact": exact,
        "forums": forums,
        "per_forum": per_forum,
        "totals": _totals_for_reader(overall, exact=exact),
        "concerns_total": sum(concern_counts.values()),
        "breakdowns": side_by_side,
        "challenges": province_challenges(concerns=concerns, exact=exact),
        "who": who_raised_what(registrations=registrations.filter(REGISTERED), concerns=concerns, exact=exact),
    }


# Concern desk ----------------------------------------------------------------------------------------------------

# 2000-01-03 was a Monday: days are numbered from it to count weekdays with integer arithmetic.
MONDAY = date(2000, 1, 3)


CLOCKS = {
    # name: (done at, promised by)
    "acknowledge": ("acknowledged_at", "acknowledge_due"),
    "answer": ("responded_at", "response_due"),
    "resolve": ("closed_at", "first_due_resolve"),
}


def _with_first_due(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    # Concerns recorded before the first promise was kept have only one date: their current one.
    return concerns.annotate(first_due_resolve=Coalesce("first_resolve_due", "resolve_due"))


def _round(value):
    return round(value, 1) if value is not None else None


def _quantiles(values: list[int]) -> tuple:
    """Return the continuous median and 90th percentile of `values`, as PERCENTILE_CONT computes them."""
    if not values:
        return None, None
    ordered = sorted(values)

    def at(fraction):
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return at(0.5), at(0.9)


def _working_days_python(start, end, holidays: set) -> int:
    first, last = timezone.localdate(start), timezone.localdate(end)
    return sum(1 for n in range(1, (last - first).days + 1) if is_working_day(first + timedelta(days=n), holidays))


def _day_number(column: str, holidays: str) -> str:
    """Return SQL numbering the local date in `column` by working days since MONDAY (weekends, holidays skipped).

    The working days after one date up to and including another are the difference of their numbers.
    """
    days = f"({column} - DATE '{MONDAY.isoformat()}' + 1)"
    return f"(5 * ({days} / 7) + LEAST({days} %% 7, 5) - WIDTH_BUCKET({column}, {holidays}))"


def _clock_percentiles(concerns: QuerySet[Concern], conditions: dict) -> dict:
    """Count `conditions` and take the working days' percentiles of each clock in one pass (PostgreSQL).

    The local dates are computed once per row in a derived table (OFFSET 0 keeps PostgreSQL from folding it
    into the outer query, which would compute them again for every use); each date is then numbered by working
    days, and the median and 90th percentile of one clock share their sort.
    """
    holidays = sorted(day for day in PublicHoliday.objects.values_list("date", flat=True) if day.weekday() < 5)
    columns = {"received_day": TruncDate("received_at")}
    columns.update({f"{name}_day": TruncDate(done) for name, (done, _due) in CLOCKS.items()})
    columns.update(
        {key: ExpressionWrapper(condition, output_field=BooleanField()) for key, condition in conditions.items()}
    )
    base_sql, params = concerns.values(**columns).query.sql_with_params()
    quoted = connection.ops.quote_name
    received = _day_number(f"base.{quoted('received_day')}", "%s::date[]")
    selected = [f"COUNT(*) FILTER (WHERE base.{quoted(key)})" for key in conditions]
    for name in CLOCKS:
        done = _day_number(f"base.{quoted(f'{name}_day')}", "%s::date[]")
        for fraction in (0.5, 0.9):
            selected.append(f"PERCENTILE_CONT({fraction}) WITHIN GROUP (ORDER BY {done} - {received})")
    # Quoted names and constants only; every value is a parameter.
    sql = f"SELECT {', '.join(selected)} FROM ({base_sql} OFFSET 0) AS base"  # noqa: S608
    with connection.cursor() as cursor:
        # The holidays of each day number come first in the text, then the derived table's own parameters.
        cursor.execute(sql, (*([holidays] * (4 * len(CLOCKS))), *params))
        record = cursor.fetchone()
    names = [*conditions, *(f"{name}_{which}" for name in CLOCKS for which in ("median", "p90"))]
    return dict(zip(names, record, strict=True))


def _clock_figures(concerns: QuerySet[Concern], *, today: date) -> list[dict]:
    """Return, per clock, the median and 90th percentile of working days and the on-time rate (one query).

    On time means done by the date first promised; an open concern past that date counts against the rate until
    it is done (so neglect cannot improve it). An interim notice moves the date told to the person, not this one.
    """
    concerns = _with_first_due(concerns).order_by()
    conditions = {}
    for name, (done, due) in CLOCKS.items():
        conditions[f"{name}_done"] = Q(**{f"{done}__isnull": False})
        conditions[f"{name}_on_time"] = Q(**{f"{done}__date__lte": F(due)})
        conditions[f"{name}_late_open"] = Q(**{f"{done}__isnull": True, f"{due}__lt": today})
    if connection.vendor == "postgresql":
        figures = _clock_percentiles(concerns, conditions)
    else:
        figures = concerns.aggregate(**{key: Count("pk", filter=condition) for key, condition in conditions.items()})
        # SQLite has no PERCENTILE_CONT: the same continuous percentiles, from the durations themselves.
        rows = list(concerns.values_list("received_at", *(done for done, _due in CLOCKS.values())))
        first = min((row[0] for row in rows), default=timezone.now())
        holidays = holidays_between(timezone.localdate(first), today + timedelta(days=1))
        for index, name in enumerate(CLOCKS, start=1):
            values = [_working_days_python(row[0], row[index], holidays) for row in rows if row[index] is not None]
            figures[f"{name}_median"], figures[f"{name}_p90"] = _quantiles(values)
    labels = {"acknowledge": _("Acknowledge"), "answer": _("Answer"), "resolve": _("Resolve")}
    return [
        {
            "name": name,
            "label": labels[name],
            "done": figures[f"{name}_done"],
            "median": _round(figures[f"{name}_median"]),
            "p90": _round(figures[f"{name}_p90"]),
            "on_time": figures[f"{name}_on_time"],
            "measured": figures[f"{name}_done"] + figures[f"{name}_late_open"],
            "on_time_rate": share(figures[f"{name}_on_time"], figures[f"{name}_done"] + figures[f"{name}_late_open"]),
        }
        for name in CLOCKS
    ]


def desk_resolution_figures(*, concerns: QuerySet[Concern]) -> dict:
    """Return the answers submitters gave to "was it resolved?", their satisfaction, and the appeals (two queries).

    Asked once per closing, 14 days after; `asked` counts the closed concerns whose question went out. An appeal
    is decided on time when it closed on or before its decide-by date.
    """
    Resolution = Concern.Resolution
    figures = concerns.order_by().aggregate(
        asked=Count("pk", filter=Q(status=CStatus.CLOSED, resolution_check_sent_at__isnull=False)),
        yes=Count("pk", filter=Q(resolution_answer=Resolution.YES)),
        partly=Count("pk", filter=Q(resolution_answer=Resolution.PARTLY)),
        no=Count("pk", filter=Q(resolution_answer=Resolution.NO)),
        rated=Count("satisfaction"),
        satisfaction_mean=Avg("satisfaction"),
        **{f"rated_{n}": Count("pk", filter=Q(satisfaction=n)) for n in range(1, 6)},
    )
    answered = figures["yes"] + figures["partly"] + figures["no"]
    figures["answered"] = answered
    figures["rows"] = [
        (str(Resolution.YES.label), figures["yes"]),
        (str(Resolution.PARTLY.label), figures["partly"]),
        (str(Resolution.NO.label), figures["no"]),
    ]
    figures["yes_share"] = share(figures["yes"], answered)
    mean = figures.pop("satisfaction_mean")
    figures["satisfaction_mean"] = None if mean is None else round(float(mean), 1)
    figures["satisfaction_rows"] = [(n, figures.pop(f"rated_{n}")) for n in range(1, 6)]
    figures["appeals"] = Appeal.objects.filter(concern__in=concerns.order_by().values("pk")).aggregate(
        opened=Count("pk"),
        open=Count("pk", filter=Q(status=Appeal.Status.OPEN)),
        by_submitter=Count("pk", filter=Q(by_submitter=True)),
        decided=Count("pk", filter=Q(status=Appeal.Status.CLOSED)),
        decided_on_time=Count("pk", filter=Q(status=Appeal.Status.CLOSED, closed_at__date__lte=F("due"))),
        resolved=Count("pk", filter=Q(outcome=Appeal.Outcome.RESOLVED)),
        not_resolved=Count("pk", filter=Q(outcome=Appeal.Outcome.NOT_RESOLVED)),
    )
    figures["appeals"]["on_time_share"] = share(figures["appeals"]["decided_on_time"], figures["appeals"]["decided"])
    return figures


def desk_concerns(*, filters: dict, concerns: QuerySet[Concern] | None = None) -> QuerySet[Concern]:
    """Return the concerns the desk dashboard counts (every concern, unless `concerns` says which), narrowed by
    series, forum, province, category and the received-between dates."""
    concerns = Concern.objects.all() if concerns is None else concerns
    for key, lookup in (
        ("series", "forum__series"),
        ("forum", "forum"),
        ("province", "province"),
        ("category", "category"),
        ("received_from", "received_at__date__gte"),
        ("received_to", "received_at__date__lte"),
    ):
        if filters.get(key) not in (None, ""):
            concerns = concerns.filter(**{lookup: filters[key]})
    return concerns


OVERDUE_LIST_LENGTH = 50


def desk_dashboard(*, user, filters: dict | None = None, now=None) -> dict:
    """Return the concern desk's figures for `user`, in a fixed number of queries.

    Counts include every concern; the overdue list names only the concerns `user` may open (never a sensitive one
    for others), by tracking code and category, never by text; the per-staff figures go to the desk's staff only.
    """
    filters = filters or {}
    now = now or timezone.now()
    exact = exact_figures_allowed(user)
    concerns = desk_concerns(filters=filters)
    provinces = province_labels()
    rows = _union_by_dimension(concerns, CONCERN_DIMENSIONS, {"n": None})
    forum_ids = {row["key"] for row in rows if row["dimension"] == "forum" and row["key"]}
    forums = {str(pk): title for pk, title in Forum.objects.filter(pk__in=forum_ids).values_list("pk", "title")}
    breakdowns = _tables(
        rows,
        dimensions=CONCERN_DIMENSIONS,
        columns=[_("Concerns")],
        values=["n"],
        labels_for=lambda dimension: _labels(dimension, provinces, forums),
        exact=exact,
    )
    total = sum(row["n"] for row in rows if row["dimension"] == "status")
    overdue = desk_concerns(filters=filters, concerns=concerns_visible_to(user=user)).filter(overdue_q(now=now))
    if not user.has_perm("feedback.review_concerns"):
        overdue = overdue.filter(sensitive=False)
    overdue_rows = list(
        overdue.order_by("resolve_due", "pk").values(
            "tracking_code", "category", "status", "received_at", "resolve_due", "forum__title"
        )[:OVERDUE_LIST_LENGTH]
    )
    categories, statuses = dict(Concern.Category.choices), dict(CStatus.choices)
    for row in overdue_rows:
        row["category_label"] = categories.get(row["category"], row["category"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    staff = []
    if user.has_perm("feedback.review_concerns"):
        staff = list(
            concerns.filter(assignee__isnull=False)
            .order_by()
            .values("assignee_id", "assignee__full_name", "assignee__email")
            .annotate(
                assigned=Count("pk"),
                open=Count("pk", filter=Q(status__in=Concern.OPEN_STATUSES)),
                overdue=Count("pk", filter=overdue_q(now=now)),
                closed=Count("pk", filter=Q(status=CStatus.CLOSED)),
            )
            .order_by("assignee__full_name", "assignee__email")
        )
    resolution = desk_resolution_figures(concerns=concerns)
    if not exact:
        answers = suppress_counts({key: resolution[key] for key in ("yes", "partly", "no")})
        resolution.update(answers)
        resolution["rows"] = [(label, suppress_counts({"n": n})["n"]) for label, n in resolution["rows"]]
        resolution["satisfaction_rows"] = [
            (n, suppress_counts({"n": count})["n"]) for n, count in resolution["satisfaction_rows"]
        ]
        if None in answers.values():
            resolution["yes_share"] = None
        appeals = resolution["appeals"]
        appeals.update(suppress_counts({key: value for key, value in appeals.items() if key != "on_time_share"}))
        if None in (appeals["decided"], appeals["decided_on_time"]):
            appeals["on_time_share"] = None
    return {
        "exact": exact,
        "total": total,
        "breakdowns": breakdowns,
        "clocks": _clock_figures(concerns, today=timezone.localdate(now)),
        "overdue": overdue_rows,
        "overdue_count": overdue.count(),
        "staff": staff,
        "resolution": resolution,
    }


# Post-forum report -----------------------------------------------------------------------------------------------


def forum_for_report(*, slug: str) -> Forum:
    return Forum.objects.select_related("series", "host_province").prefetch_related("covered_provinces").get(slug=slug)


def agenda_as_held(*, forum: Forum) -> list:
    """Return the agenda with its speakers (two queries)."""
    return list(forum.agenda_items.prefetch_related("speakers").order_by("starts_at", "pk"))
