"""Figures for the dashboards and reports, every one counted in the database in a fixed number of queries.

Breakdowns by the shared vocabulary of people (events.people) are read in one UNION ALL query per page, so a
forum with 100,000 registrations or a series of 30 forums costs the same number of queries as a small one.
Nothing here returns a name, a phone, an email, an NSSF number or a concern's text.
"""

import functools
import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events import people
from events.models import Forum, ForumSeries, Province, Speaker
from feedback.calendar import holidays_between, is_working_day
from feedback.models import Appeal, Concern, ConcernTally, NonWorkingDay
from feedback.selectors import concerns_visible_q, overdue_q
from participants.models import Registration, RegistrationTally
from participants.selectors import seat_target_progress
from reports.figures import SMALL_NUMBER, Cell, Table, hide_column, share, suppress, suppress_counts, table_from_counts

RStatus = Registration.Status
CStatus = Concern.Status

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


TOTAL_COUNTS = ("total", "confirmed", "waiting", "cancelled", "registered", "attended")
TOTAL_COUNTS += ("women_registered", "women_attended")
WOMAN = people.Gender.WOMAN.value
# The counts of registrations a tally row adds up to (RegistrationTally: one row per answer, status, check-in).
TALLY_SUMS = {
    "total": Sum("count", default=0),
    "confirmed": Sum("count", filter=Q(status=RStatus.CONFIRMED), default=0),
    "waiting": Sum("count", filter=Q(status=RStatus.WAITING), default=0),
    "cancelled": Sum("count", filter=Q(status=RStatus.CANCELLED), default=0),
    "registered": Sum("count", filter=~Q(status=RStatus.CANCELLED), default=0),
    "attended": Sum("count", filter=Q(status=RStatus.CONFIRMED, checked_in=True), default=0),
}


def registration_rows(*, forums, by_forum: bool = False) -> list[dict]:
    """Return the registrations of `forums` counted by each person dimension, in total (dimension "total") and by
    the local day they registered (dimension "day"), per forum if `by_forum` (one query, read from the tallies).

    Each row is {dimension, key, (forum_id), *TOTAL_COUNTS}; a key nobody has now (every count 0) is left out.
    """
    group = ("dimension", "key", "forum_id") if by_forum else ("dimension", "key")
    rows = list(
        RegistrationTally.objects.filter(forum__in=forums)
        .order_by()
        .values(*group)
        .annotate(**TALLY_SUMS)
        .filter(total__gt=0)
    )
    women = {row.get("forum_id"): row for row in rows if row["dimension"] == "gender" and row["key"] == WOMAN}
    days: dict = {}
    counted = []
    for row in rows:
        if row["dimension"] == "total":
            woman = women.get(row.get("forum_id"), {})
            row["women_registered"] = woman.get("registered", 0)
            row["women_attended"] = woman.get("attended", 0)
        if row["dimension"] != "hour":
            counted.append(row)
            continue
        # The tallies count by hour in UTC, so that they never depend on the time zone: days are local ones.
        hour = datetime.fromisoformat(f"{row['key']}:00+00:00")
        day = {"dimension": "day", "key": timezone.localdate(hour).isoformat(), "forum_id": row.get("forum_id")}
        into = days.setdefault((day["key"], day["forum_id"]), {**day, **dict.fromkeys(TALLY_SUMS, 0)})
        for name in TALLY_SUMS:
            into[name] += row[name]
    return counted + list(days.values())


def _over_time(rows) -> list[tuple[date, int]]:
    """Return (day, registrations so far) for every day someone registered (cancellations left out), after
    (the day before the first, 0): the line starts from nothing, and a forum filled in one day still has one."""
    running, points = 0, []
    for row in sorted((row for row in rows if row["dimension"] == "day"), key=lambda row: str(row["key"])):
        running += row["registered"]
        if row["registered"]:
            points.append((date.fromisoformat(str(row["key"])[:10]), running))
    if points:
        points.insert(0, (points[0][0] - timedelta(days=1), 0))
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
    rows = registration_rows(forums=[forum])
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


# How the series dashboard groups concerns: {grouping: what its keys are made of}.
CONCERN_GROUPINGS = {
    "forum": ("forum_id",),
    "province_category": ("province_id", "category"),
    "sector_gender": ("sector", "gender"),
}


def concerns_grouped_tallied(*, forum_keys) -> dict:
    """Return the concerns of the forums `forum_keys` counted per forum, per province and category, and per sector
    and gender: {grouping: {key: count}}, keys as tuples of CONCERN_GROUPINGS' columns (None for no forum or
    province). One query, over the tallies."""
    dimensions = {"total": "forum", "province_category": "province_category", "sector_gender": "sector_gender"}
    rows = (
        ConcernTally.objects.filter(forum_key__in=forum_keys, dimension__in=dimensions, count__gt=0)
        .values_list("forum_key", "dimension", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    grouped: dict = {name: {} for name in CONCERN_GROUPINGS}
    for forum_key, dimension, key, number in rows:
        if dimension == "total":
            grouped["forum"][(forum_key or None,)] = number
            continue
        first, _colon, second = key.partition(":")
        if dimension == "province_category":
            first = int(first) if first else None
        key = (first, second)
        grouped[dimensions[dimension]][key] = grouped[dimensions[dimension]].get(key, 0) + number
    return grouped


def who_raised_what(*, registered: dict, raised: dict, exact: bool) -> Table:
    """Return a table of sector and gender: participants (`registered`) and the concerns they raised (`raised`),
    each {(sector, gender): count}."""
    counts: dict = {}
    for column, numbers in enumerate((registered, raised)):
        for key, number in numbers.items():
            if number:
                counts.setdefault(tuple(value or "" for value in key), [0, 0])[column] += number
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


def province_challenges(*, grouped: dict, exact: bool, top: int = 3) -> dict:
    """Return concerns by province and category (from concerns_grouped_tallied's `grouped`) and the top
    categories of each province."""
    categories = dict(Concern.Category.choices)
    provinces = province_labels()
    by_province: dict = {}
    for (province_id, category), number in grouped["province_category"].items():
        by_province.setdefault(str(province_id or ""), {})[category] = number
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
    rows = registration_rows(forums=forums, by_forum=True)
    grouped = concerns_grouped_tallied(forum_keys=[forum.pk for forum in forums])
    concern_counts = {forum_id: number for (forum_id,), number in grouped["forum"].items()}
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
    registered_profiles: dict = {}
    for row in rows:
        if row["dimension"] == "sector_gender" and row["forum_id"] in forum_ids:
            key = tuple(row["key"].partition(":")[::2])
            registered_profiles[key] = registered_profiles.get(key, 0) + row["registered"]
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
        "challenges": province_challenges(grouped=grouped, exact=exact),
        "who": who_raised_what(registered=registered_profiles, raised=grouped["sector_gender"], exact=exact),
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


def _quantiles(counts: dict[int, int]) -> tuple:
    """Return the continuous median and 90th percentile of the values `counts` holds {value: how many times}, as
    PERCENTILE_CONT computes them: a walk over the distinct values (a few dozen working days), not over rows."""
    total = sum(counts.values())
    if not total:
        return None, None
    ordered = sorted((value, number) for value, number in counts.items() if number)

    def nth(index):
        seen = 0
        for value, number in ordered:
            seen += number
            if index < seen:
                return value
        return ordered[-1][0]

    def at(fraction):
        position = fraction * (total - 1)
        low = int(position)
        low_value, high_value = nth(low), nth(min(low + 1, total - 1))
        return low_value + (high_value - low_value) * (position - low)

    return at(0.5), at(0.9)


def _working_days_python(start, end, holidays: set) -> int:
    first, last = timezone.localdate(start), timezone.localdate(end)
    return sum(1 for n in range(1, (last - first).days + 1) if is_working_day(first + timedelta(days=n), holidays))


@functools.cache
def _fixed_utc_offset(zone_name: str) -> timedelta | None:
    """Return the zone's offset from UTC if it never changed from 2000 to 2050 (Cambodia's +07:00), else None.

    A fixed offset turns a timestamp into a local date far faster than a named zone, whose rules PostgreSQL
    looks up for every value: at 100,000 concerns and four dates each, that lookup was most of the desk's time.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    offsets = {
        datetime(year, month, 15, tzinfo=UTC).astimezone(zone).utcoffset()
        for year in range(2000, 2051)
        for month in range(1, 13)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _local_date_sql(column: str) -> tuple[str, list]:
    """Return SQL for the local date (settings.TIME_ZONE) of the timestamp `column`, and its parameters."""
    offset = _fixed_utc_offset(settings.TIME_ZONE)
    if offset is None:
        return f"({column} AT TIME ZONE %s)::date", [settings.TIME_ZONE]
    return f"({column} AT TIME ZONE %s::interval)::date", [f"{offset.total_seconds():+.0f} seconds"]


def _day_number(column: str) -> str:
    """Return SQL numbering the date in `column` by working days since MONDAY (weekends, holidays skipped).

    The working days after one date up to and including another are the difference of their numbers. The
    holidays are the database's copy of the calendar (NonWorkingDay), read once per query as a sorted array
    (an uncorrelated subquery), and each date's place among them is found by binary search (WIDTH_BUCKET).
    """
    days = f"({column} - DATE '{MONDAY.isoformat()}' + 1)"
    table = connection.ops.quote_name(NonWorkingDay._meta.db_table)
    holidays = f"(SELECT array_agg(off.date ORDER BY off.date) FROM {table} AS off)"  # noqa: S608 (a quoted name)
    return f"(5 * ({days} / 7) + LEAST({days} %% 7, 5) - COALESCE(WIDTH_BUCKET({column}, {holidays}), 0))"


def _desk_figures_postgresql(concerns: QuerySet[Concern], *, today: date, counts: dict, averages: dict) -> dict:
    """Count `counts`, average `averages` and measure the three clocks over `concerns` in one pass.

    The innermost query is Django's (filters and conditions); the next turns the four timestamps into local
    dates once per row (OFFSET 0 keeps PostgreSQL from folding it into the outer query, which would convert
    them again for every use); the outer one counts, and takes the median and 90th percentile of each clock's
    working days in one sort (PERCENTILE_CONT of an array).
    """
    columns = {
        "received": F("received_at"),
        **{name: F(done) for name, (done, _due) in CLOCKS.items()},
        **{f"{name}_promised": F(due) for name, (_done, due) in CLOCKS.items()},
        **{f"count_{key}": ExpressionWrapper(test, output_field=BooleanField()) for key, test in counts.items()},
        **{f"average_{key}": F(field) for key, field in averages.items()},
    }
    base_sql, base_params = concerns.order_by().values(**columns).query.sql_with_params()
    quoted = connection.ops.quote_name
    dated, dated_params = [], []
    for name in ("received", *CLOCKS):
        sql, params = _local_date_sql(f"base.{quoted(name)}")
        dated.append(f"{sql} AS {quoted(f'{name}_on')}")
        dated_params += params
    passed = [f"base.{quoted(name)}" for name in columns if name != "received" and name not in CLOCKS]
    selected, selected_params = [], []
    for name in CLOCKS:
        done, due = quoted(f"{name}_on"), quoted(f"{name}_promised")
        selected += [
            f"COUNT(*) FILTER (WHERE {done} IS NOT NULL)",
            f"COUNT(*) FILTER (WHERE {done} <= {due})",
            f"COUNT(*) FILTER (WHERE {done} IS NULL AND {due} < %s)",
        ]
        selected_params.append(today)
    selected += [f"COUNT(*) FILTER (WHERE {quoted(f'count_{key}')})" for key in counts]
    selected += [f"AVG({quoted(f'average_{key}')})" for key in averages]
    for name in CLOCKS:
        # A step recorded before the concern was received (an edited date) took no working days, not fewer; a
        # step not taken stays NULL, which the percentile leaves out (GREATEST alone would make it 0).
        done = quoted(f"{name}_on")
        took = f"{_day_number(done)} - {_day_number(quoted('received_on'))}"
        working = f"CASE WHEN {done} IS NOT NULL THEN GREATEST({took}, 0) END"
        selected.append(f"PERCENTILE_CONT(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {working})")
    # Quoted names and constants only; every value is a parameter.
    sql = (
        f"SELECT {', '.join(selected)} FROM ("  # noqa: S608
        f"SELECT {', '.join(dated + passed)} FROM ({base_sql}) AS base OFFSET 0) AS dated"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*selected_params, *dated_params, *base_params))
        record = list(cursor.fetchone())
    figures = {}
    for name in CLOCKS:
        figures[f"{name}_done"], figures[f"{name}_on_time"], figures[f"{name}_late_open"] = record[:3]
        del record[:3]
    for key in (*counts, *averages):
        figures[key] = record.pop(0)
    for name in CLOCKS:
        figures[f"{name}_median"], figures[f"{name}_p90"] = record.pop(0) or (None, None)
    return figures


def _desk_figures(concerns: QuerySet[Concern], *, today: date, counts: dict, averages: dict) -> dict:
    """Return, over `concerns`, the clocks' counts and percentiles (CLOCKS) and the given counts and averages.

    On time means done by the date first promised; an open concern past that date counts against the rate until
    it is done (so neglect cannot improve it). An interim notice moves the date told to the person, not this one.
    One query on PostgreSQL; on SQLite, which has no PERCENTILE_CONT, the same continuous percentiles come from
    the durations themselves.
    """
    concerns = _with_first_due(concerns).order_by()
    if connection.vendor == "postgresql":
        return _desk_figures_postgresql(concerns, today=today, counts=counts, averages=averages)
    conditions = {}
    for name, (done, due) in CLOCKS.items():
        conditions[f"{name}_done"] = Q(**{f"{done}__isnull": False})
        conditions[f"{name}_on_time"] = Q(**{f"{done}__date__lte": F(due)})
        conditions[f"{name}_late_open"] = Q(**{f"{done}__isnull": True, f"{due}__lt": today})
    figures = concerns.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in {**conditions, **counts}.items()},
        **{key: Avg(field) for key, field in averages.items()},
    )
    rows = list(concerns.values_list("received_at", *(done for done, _due in CLOCKS.values())))
    first = min((row[0] for row in rows), default=timezone.now())
    holidays = holidays_between(timezone.localdate(first), today + timedelta(days=1))
    for index, name in enumerate(CLOCKS, start=1):
        values = Counter(_working_days_python(row[0], row[index], holidays) for row in rows if row[index] is not None)
        figures[f"{name}_median"], figures[f"{name}_p90"] = _quantiles(values)
    return figures


def _clocks(figures: dict) -> list[dict]:
    """Return, per clock, the median and 90th percentile of working days and the on-time rate."""
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


def _resolution_counts() -> dict:
    Resolution = Concern.Resolution
    return {
        "asked": Q(status=CStatus.CLOSED, resolution_check_sent_at__isnull=False),
        "yes": Q(resolution_answer=Resolution.YES),
        "partly": Q(resolution_answer=Resolution.PARTLY),
        "no": Q(resolution_answer=Resolution.NO),
        "rated": Q(satisfaction__isnull=False),
        **{f"rated_{n}": Q(satisfaction=n) for n in range(1, 6)},
    }


def desk_resolution_figures(*, concerns: QuerySet[Concern], counted: dict | None = None) -> dict:
    """Return the answers submitters gave to "was it resolved?", their satisfaction, and the appeals (one query
    for the appeals, and one for the answers unless `counted` holds them already, as desk_dashboard's does).

    Asked once per closing, 14 days after; `asked` counts the closed concerns whose question went out. An appeal
    is decided on time when it closed on or before its decide-by date.
    """
    Resolution = Concern.Resolution
    if counted is None:
        counted = concerns.order_by().aggregate(
            **{key: Count("pk", filter=condition) for key, condition in _resolution_counts().items()},
            satisfaction_mean=Avg("satisfaction"),
        )
    figures = {key: counted[key] for key in (*_resolution_counts(), "satisfaction_mean")}
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
# Filters the tallies do not hold: with one of them, the desk counts the concerns themselves.
LIVE_FILTERS = ("province", "category", "received_from", "received_to")


def _desk_tallies(*, filters: dict) -> QuerySet[ConcernTally] | None:
    """Return the tallies of the concerns `filters` selects (all, a series' or a forum's), or None when a filter
    the tallies do not hold (province, category, dates) needs the concerns themselves."""
    if any(filters.get(key) not in (None, "") for key in LIVE_FILTERS):
        return None
    tallies = ConcernTally.objects.all()
    if filters.get("series") not in (None, ""):
        tallies = tallies.filter(forum_key__in=Forum.objects.filter(series=filters["series"]).values("pk"))
    if filters.get("forum") not in (None, ""):
        tallies = tallies.filter(forum_key=getattr(filters["forum"], "pk", filters["forum"]))
    return tallies


def _desk_figures_tallied(tallies: QuerySet[ConcernTally], *, today: date) -> tuple[list[dict], dict]:
    """Return the desk's breakdown rows and figures, as _union_by_dimension and _desk_figures give them, from the
    tallies, in one query; "overdue" counts the concerns that are not sensitive.

    Dated dimensions are summed into "late" (before `today`) and "later"; totals per forum give the forum
    breakdown. Percentiles come from the count of each number of working days.
    """
    late = Case(When(key__lt=today.isoformat(), then=Value("late")), default=Value("later"))
    bucket = Case(
        When(dimension__in=ConcernTally.DATED, then=late),
        When(dimension="total", then=Cast("forum_key", CharField())),
        default=F("key"),
    )
    counted: dict = {}
    summed = tallies.order_by().annotate(bucket=bucket).values_list("dimension", "bucket").annotate(n=Sum("count"))
    for dimension, key, number in summed:
        if number:
            counted.setdefault(dimension, {})[key] = number
    rows = [
        {"dimension": dimension, "key": key, "n": number}
        for dimension in CONCERN_DIMENSIONS
        if dimension != "forum"
        for key, number in counted.get(dimension, {}).items()
    ]
    rows += [
        {"dimension": "forum", "key": "" if key == "0" else key, "n": n} for key, n in counted.get("total", {}).items()
    ]
    figures: dict = {}
    for name in CLOCKS:
        days = {int(key): number for key, number in counted.get(f"{name}_days", {}).items()}
        figures[f"{name}_done"] = sum(days.values())
        figures[f"{name}_on_time"] = counted.get(f"{name}_on_time", {}).get("", 0)
        figures[f"{name}_late_open"] = counted.get(f"{name}_open_due", {}).get("late", 0)
        figures[f"{name}_median"], figures[f"{name}_p90"] = _quantiles(days)
    answers = counted.get("resolution", {})
    rated = {int(key): number for key, number in counted.get("satisfaction", {}).items()}
    figures.update(
        asked=counted.get("asked", {}).get("", 0),
        **{answer.value: answers.get(answer.value, 0) for answer in Concern.Resolution},
        rated=sum(rated.values()),
        **{f"rated_{n}": rated.get(n, 0) for n in range(1, 6)},
        overdue=counted.get("overdue_from", {}).get("late", 0),
    )
    figures["satisfaction_mean"] = (
        sum(n * number for n, number in rated.items()) / figures["rated"] if figures["rated"] else None
    )
    return rows, figures


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
    # Only the concerns `user` may open are listed and counted as overdue (never a sensitive one for others).
    may_list = concerns_visible_q(user=user)
    if not user.has_perm("feedback.review_concerns"):
        may_list &= Q(sensitive=False)
    tallies = _desk_tallies(filters=filters)
    if tallies is None:
        rows = _union_by_dimension(concerns, CONCERN_DIMENSIONS, {"n": None})
        figures = _desk_figures(
            concerns,
            today=timezone.localdate(now),
            counts={**_resolution_counts(), "overdue": may_list & overdue_q(now=now)},
            averages={"satisfaction_mean": "satisfaction"},
        )
    else:
        rows, figures = _desk_figures_tallied(tallies, today=timezone.localdate(now))
        # The tallies count the overdue concerns that are not sensitive; the few sensitive ones `user` may open
        # are counted here (a partial index holds them).
        figures["overdue"] += concerns.filter(Q(sensitive=True) & may_list & overdue_q(now=now)).count()
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
    overdue = concerns.filter(may_list & overdue_q(now=now))
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
    resolution = desk_resolution_figures(concerns=concerns, counted=figures)
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
        "clocks": _clocks(figures),
        "overdue": overdue_rows,
        "overdue_count": figures["overdue"],
        "staff": staff,
        "resolution": resolution,
    }


# Post-forum report -----------------------------------------------------------------------------------------------


def forum_for_report(*, slug: str) -> Forum:
    return Forum.objects.select_related("series", "host_province").prefetch_related("covered_provinces").get(slug=slug)


def agenda_as_held(*, forum: Forum) -> list:
    """Return the agenda with its speakers (two queries)."""
    return list(forum.agenda_items.prefetch_related("speakers").order_by("starts_at", "pk"))
