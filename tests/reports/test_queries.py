"""Each dashboard and report runs the same number of queries with 3 forums as with 30, 100 rows as 10,000."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import people
from events.models import Province
from feedback.models import Concern
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

STATUSES = [Registration.Status.CONFIRMED] * 3 + [Registration.Status.WAITING, Registration.Status.CANCELLED]


def _registrations(forum, count, start=0):
    provinces = list(Province.objects.values_list("pk", flat=True))
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            forum=forum,
            code=f"Q{start + n:09d}",
            full_name=f"Bulk {n}",
            phone=f"+8559{start + n:08d}",
            gender=people.Gender.values[n % 4],
            age_group=people.AgeGroup.values[n % 7],
            role=people.Role.values[n % 11],
            sector=people.Sector.values[n % 9],
            province_id=provinces[n % len(provinces)],
            difficulty_walking=people.Difficulty.values[n % 5],
            status=STATUSES[n % 5],
            checked_in_at=now if n % 2 else None,
        )
        for n in range(count)
    )
    Registration.objects.filter(forum=forum).update(created_at=now - timedelta(days=1))


def _concerns(forum, count):
    template = ConcernFactory.build(forum=forum)
    fields = {f.attname: getattr(template, f.attname) for f in Concern._meta.concrete_fields if not f.generated}
    fields.pop("id")
    now = timezone.now()
    Concern.objects.bulk_create(
        Concern(
            **{
                **fields,
                "tracking_code": f"Q{n:09d}",
                "category": Concern.Category.values[n % 13],
                "status": Concern.Status.values[n % 4],
                "received_at": now - timedelta(days=n % 40),
                "acknowledged_at": now if n % 2 else None,
                "responded_at": now if n % 3 else None,
            }
        )
        for n in range(count)
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries)


def test_forum_dashboard_and_report_queries_do_not_grow_with_rows(client, programme_officer):
    client.force_login(programme_officer)
    forum = ForumFactory()
    _registrations(forum, 100)
    _concerns(forum, 100)
    urls = [reverse(name, kwargs={"slug": forum.slug}) for name in ("reports:forum_dashboard", "reports:forum_report")]
    small = [_count(client, url) for url in urls]

    _registrations(forum, 9_900, start=100)

    assert [_count(client, url) for url in urls] == small


def test_series_dashboard_and_report_queries_do_not_grow_with_forums(client, organizer):
    client.force_login(organizer)
    first = ForumFactory()
    for forum in [first, *ForumFactory.create_batch(2, series=first.series)]:
        RegistrationFactory(forum=forum)
    urls = [
        reverse(name, kwargs={"slug": first.series.slug})
        for name in ("reports:series_dashboard", "reports:series_report")
    ]
    small = [_count(client, url) for url in urls]

    for forum in ForumFactory.create_batch(27, series=first.series):
        RegistrationFactory(forum=forum)
        ConcernFactory(forum=forum)

    assert [_count(client, url) for url in urls] == small


def test_desk_dashboard_and_export_queries_do_not_grow_with_rows(client, nssf_supervisor):
    client.force_login(nssf_supervisor)
    forum = ForumFactory()
    _concerns(forum, 100)
    urls = [reverse("reports:desk_dashboard"), reverse("reports:concerns_csv"), reverse("reports:concerns_xlsx")]
    small = [_count(client, url) for url in urls]

    Concern.objects.all().delete()
    _concerns(ForumFactory(), 10_000)

    assert [_count(client, url) for url in urls] == small
