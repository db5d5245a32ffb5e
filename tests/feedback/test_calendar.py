from datetime import date
from importlib import import_module

import pytest
from django.apps import apps as global_apps

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
def test_holiday_migration_seeds_the_current_year():
    # Run the data migration's function itself: a transactional test elsewhere may have flushed its rows.
    seed = import_module("feedback.migrations.0002_seed_public_holidays").seed
    PublicHoliday.objects.all().delete()
    seed(global_apps, None)
    seed(global_apps, None)  # idempotent
    year = date.today().year
    seeded = list(PublicHoliday.objects.filter(date__year=year).values_list("date", flat=True))
    assert {date(year, 1, 1), date(year, 4, 14), date(year, 5, 1), date(year, 11, 9)} <= set(seeded)
    assert len(seeded) == len(set(seeded)) >= 14
