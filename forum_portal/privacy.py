"""The retention periods the privacy notices promise and the erasure code keeps: one source for both."""

import calendar
from datetime import datetime

from django.conf import settings


def months_before(moment: datetime, months: int) -> datetime:
    """Return `moment` moved back `months` calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_periods() -> dict[str, int]:
    """Return the retention periods in months, as the privacy notices show them."""
    return {
        "registration_months": settings.PRIVACY_REGISTRATION_RETENTION_MONTHS,
        "concern_contact_months": settings.PRIVACY_CONCERN_CONTACT_RETENTION_MONTHS,
    }
