from datetime import date

import pytest

from feedback.calendar import add_working_days
from feedback.models import PublicHoliday


def test_add_working_days_skips_weekend():
    friday = date(2031, 9, 19)
    assert friday.weekday() == 4
    assert add_working_days(friday, 1, holidays=set()) == date(2031, 9, 22)  # Monday
    assert add_working_days(friday, 2, holidays=set()) == date(2031, 9, 23)


def test_add_working_days_from_saturday_starts_monday():
    assert add_working_days(date(2031, 9, 20), 1, holidays=set()) == date(2031, 9, 22)


def test_add_working_days_ten_days_spans_two_weekends():
    assert add_working_days(date(2031, 9, 15), 10, holidays=set()) == date(2031, 9, 29)


def test_add_working_days_skips_given_holidays():
    thursday = date(2031, 9, 18)
    holidays = {date(2031, 9, 19), date(2031, 9, 22)}  # Friday and Monday off
    assert add_working_days(thursday, 1, holidays=holidays) == date(2031, 9, 23)


@pytest.mark.django_db
def test_add_working_days_reads_holiday_table():
    PublicHoliday.objects.create(date=date(2031, 9, 24), name_en="Constitution Day")
    # Tuesday + 2 working days, with Wednesday a holiday: Friday.
    assert add_working_days(date(2031, 9, 23), 2) == date(2031, 9, 26)


@pytest.mark.django_db
def test_holidays_are_seeded_for_the_current_year():
    year = date.today().year
    seeded = set(PublicHoliday.objects.filter(date__year=year).values_list("date", flat=True))
    assert {date(year, 1, 1), date(year, 4, 14), date(year, 5, 1), date(year, 11, 9)} <= seeded
