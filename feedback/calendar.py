"""Working days in Cambodia: weekends and the public holidays the administrator maintains are skipped.

Service levels for concerns are counted in working days, as grievance mechanisms are judged by them.
"""

from datetime import date, timedelta

SATURDAY = 5


def holidays_between(start: date, end: date) -> set[date]:
    """Return the public holidays from `start` to `end` inclusive (one query)."""
    from feedback.models import PublicHoliday

    return set(PublicHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, *, holidays: set[date] | None = None) -> date:
    """Return the date `days` working days after `start` (the start day itself is not counted).

    Holidays are read from the database unless given; a generous window covers long holiday runs.
    """
    if holidays is None:
        holidays = holidays_between(start, start + timedelta(days=days * 2 + 30))
    day, remaining = start, days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day
