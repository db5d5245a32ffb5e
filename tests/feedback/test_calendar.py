from datetime import date, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from feedback.calendar import add_working_days, holiday_names, holidays_between, service_promises
from feedback.models import PublicHoliday
from feedback.services import concern_due_dates
from tests.feedback.factories import ConcernFactory


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


# The clock in years nobody seeded: the holidays package's Cambodian calendar, the table's changes on top ----------


@pytest.fixture
def no_seeded_table(db):
    PublicHoliday.objects.all().delete()
    assert not PublicHoliday.objects.exists()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Khmer New Year 2027: Wednesday 14 to Friday 16 April.
        (date(2027, 4, 13), 1, date(2027, 4, 19)),
        # Pchum Ben 2027: Wednesday 29 September to Friday 1 October.
        (date(2027, 9, 28), 1, date(2027, 10, 4)),
        # Constitution Day (Friday 24 September 2027), then Pchum Ben: 27, 28 September, 4, 5, 6 October.
        (date(2027, 9, 23), 5, date(2027, 10, 6)),
        # Khmer New Year 2028: Thursday 13 to Saturday 15 April.
        (date(2028, 4, 12), 1, date(2028, 4, 17)),
        # Pchum Ben 2028: Sunday 17 to Tuesday 19 September.
        (date(2028, 9, 15), 1, date(2028, 9, 20)),
        (date(2028, 9, 15), 2, date(2028, 9, 21)),
    ],
)
def test_add_working_days_skips_new_year_and_pchum_ben_without_a_table(no_seeded_table, start, days, expected):
    assert add_working_days(start, days) == expected


def test_holidays_between_reads_the_calendar_for_any_year(no_seeded_table):
    days = holidays_between(date(2028, 4, 1), date(2028, 4, 30))
    assert days == {date(2028, 4, 13), date(2028, 4, 14), date(2028, 4, 15)}


def test_table_removal_makes_a_calendar_holiday_a_working_day(no_seeded_table):
    PublicHoliday.objects.create(date=date(2027, 4, 14), kind=PublicHoliday.Kind.REMOVAL, name_en="Moved")
    # Tuesday 13 April + 1: the 14th is worked this year.
    assert add_working_days(date(2027, 4, 13), 1) == date(2027, 4, 14)
    assert date(2027, 4, 14) not in holidays_between(date(2027, 4, 1), date(2027, 4, 30))


def test_table_addition_adds_a_day_off(no_seeded_table):
    PublicHoliday.objects.create(date=date(2027, 4, 19), name_en="Bridge day", name_km="ថ្ងៃឈប់សម្រាកបន្ថែម")
    assert add_working_days(date(2027, 4, 13), 1) == date(2027, 4, 20)
    assert holiday_names(2027, language="km")[date(2027, 4, 19)] == "ថ្ងៃឈប់សម្រាកបន្ថែម"
    assert holiday_names(2027, language="en")[date(2027, 4, 19)] == "Bridge day"


def test_holiday_names_in_khmer_and_english(no_seeded_table):
    khmer = holiday_names(2028, language="km")
    english = holiday_names(2028, language="en")
    assert "ចូលឆ្នាំ" in khmer[date(2028, 4, 13)]
    assert "ភ្ផុំបិណ្ឌ" in khmer[date(2028, 9, 18)]
    assert "New Year" in english[date(2028, 4, 13)]
    assert set(khmer) == set(english)


def test_concern_due_dates_across_khmer_new_year_2027(no_seeded_table, settings):
    settings.FEEDBACK_SLA_ACKNOWLEDGE_DAYS = 2
    settings.FEEDBACK_SLA_RESPONSE_DAYS = 10
    received = datetime(2027, 4, 12, 9, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))  # Monday
    due = concern_due_dates(received_at=received, sensitive=False)
    # Tuesday 13, then (after 14-16 April) Monday 19 is the second working day.
    assert due["acknowledge_due"] == date(2027, 4, 19)
    # 13, 19-23, 26-29: ten working days end on Thursday 29 April.
    assert due["response_due"] == date(2027, 4, 29)


def test_service_promises_come_from_settings(settings):
    settings.FEEDBACK_SLA_ACKNOWLEDGE_DAYS = 3
    settings.FEEDBACK_SLA_RESPONSE_DAYS = 12
    settings.FEEDBACK_SLA_RESOLVE_DAYS = 40
    assert service_promises() == {"acknowledge": 3, "answer": 12, "resolve": 40}


def test_submitted_page_shows_the_promised_days_from_settings(client, settings, db):
    settings.FEEDBACK_SLA_ACKNOWLEDGE_DAYS = 3
    settings.FEEDBACK_SLA_RESPONSE_DAYS = 12
    concern = ConcernFactory()
    session = client.session
    session["feedback_submitted_code"] = concern.tracking_code
    session.save()
    response = client.get(reverse("feedback:concern_submitted"))
    text = response.content.decode()
    assert "within 3 working days and answers within 12 working days" in text
    assert "within 2 working days" not in text
