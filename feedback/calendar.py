"""Working days in Cambodia: weekends and public holidays are skipped.

Service levels for concerns are counted in working days, as grievance mechanisms are judged by them. The
public holidays of any year come from the `holidays` package's Cambodian calendar, so the clock keeps working
in years nobody seeded; the administrator's table (PublicHoliday) adds the days the government announces late
(a bridge day) and removes the ones it cancels or moves.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_calendars
from django.conf import settings

SATURDAY = 5


@lru_cache(maxsize=256)
def _calendar_year(year: int, language: str) -> tuple[tuple[date, str], ...]:
    # Lunar dates (Pchum Ben, Visak Bochea) cost a computation each time: a year is worked out once.
    return tuple(sorted(holiday_calendars.Cambodia(years=year, language=language).items()))


def _calendar_holidays(years: range, *, language: str = "en_US") -> dict[date, str]:
    return {day: name for year in years for day, name in _calendar_year(year, language)}


def holidays_between(start: date, end: date) -> set[date]:
    """Return the public holidays from `start` to `end` inclusive: the calendar's, with the table's changes.

    One query for the administrator's additions and removals.
    """
    from feedback.models import PublicHoliday

    days = {day for day in _calendar_holidays(range(start.year, end.year + 1)) if start <= day <= end}
    for day, kind in PublicHoliday.objects.filter(date__range=(start, end)).values_list("date", "kind"):
        if kind == PublicHoliday.Kind.REMOVAL:
            days.discard(day)
        else:
            days.add(day)
    return days


def holiday_names(year: int, *, language: str = "km") -> dict[date, str]:
    """Return the public holidays of `year` with their names in `language` (km or en), table changes applied."""
    from feedback.models import PublicHoliday

    names = _calendar_holidays(range(year, year + 1), language="km" if language == "km" else "en_US")
    for row in PublicHoliday.objects.filter(date__year=year):
        if row.kind == PublicHoliday.Kind.REMOVAL:
            names.pop(row.date, None)
        else:
            names[row.date] = (row.name_km if language == "km" else "") or row.name_en
    return dict(sorted(names.items()))


# The years the database knows the non-working days of (NonWorkingDay): its working-day counts hold within them.
CALENDAR_YEARS = range(2000, 2061)


def non_working_weekdays() -> set[date]:
    """Return the weekdays of CALENDAR_YEARS that are public holidays (the calendar's, with the table's changes)."""
    days = holidays_between(date(CALENDAR_YEARS[0], 1, 1), date(CALENDAR_YEARS[-1], 12, 31))
    return {day for day in days if day.weekday() < SATURDAY}


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, *, holidays: set[date] | None = None) -> date:
    """Return the date `days` working days after `start` (the start day itself is not counted).

    Holidays come from the calendar and the table unless given; a generous window covers long holiday runs.
    """
    if holidays is None:
        holidays = holidays_between(start, start + timedelta(days=days * 2 + 30))
    day, remaining = start, days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def service_promises() -> dict[str, int]:
    """Return the working days NSSF promises to acknowledge, answer and resolve a concern in (from settings)."""
    return {
        "acknowledge": settings.FEEDBACK_SLA_ACKNOWLEDGE_DAYS,
        "answer": settings.FEEDBACK_SLA_RESPONSE_DAYS,
        "resolve": settings.FEEDBACK_SLA_RESOLVE_DAYS,
    }
