"""Benchmark: the officer's concern queue at 100,000 concerns, every saved view, filters and word search.

Run with `.venv/bin/python bench/bench_queue.py [concerns]`. It works in a throwaway database of its own
(`bench_<name>` for PostgreSQL, in memory for SQLite) created and destroyed through Django's test-database
machinery, so it never touches real data. It prints p50/p95 latency per request (the whole Django response, as
a staff member gets it) and the number of queries; it asserts nothing.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402 - the environment above must be set first

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402

CONCERNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
SAMPLES = 20
TEXTS = [
    "My maternity allowance has not been paid after three months.",
    "The hospital asked me to pay for the delivery although I have an NSSF card.",
    "My employer deducts contributions but I am not registered with NSSF.",
    "ខ្ញុំមិនទាន់បានទទួលប្រាក់ឧបត្ថម្ភមាតុភាពទេ។",
    "មន្ទីរពេទ្យបានសុំឱ្យខ្ញុំបង់ប្រាក់ ទោះបីខ្ញុំមានកាត ប.ស.ស. ក៏ដោយ។",
    "Late pension payment for my husband who retired last year.",
]


def _seed(count: int):
    from django.utils import timezone

    from accounts.roles import NSSF_STAFF
    from events.models import Province
    from feedback.models import Concern
    from forum_portal.codes import code_generate
    from tests.accounts.factories import UserFactory

    staff = UserFactory(two_factor=True)
    from django.contrib.auth.models import Group

    staff.groups.add(Group.objects.get(name=NSSF_STAFF))
    provinces = list(Province.objects.all())
    categories = Concern.Category.values
    statuses = Concern.Status.values
    now = timezone.now()
    batch = []
    for n in range(count):
        received = now - timedelta(minutes=7 * n)
        day = timezone.localdate(received)
        status = statuses[n % len(statuses)]
        batch.append(
            Concern(
                tracking_code=code_generate(),
                category=categories[n % len(categories)],
                description=f"{TEXTS[n % len(TEXTS)]} ({n})",
                province=provinces[n % len(provinces)],
                status=status,
                closing_reason="resolved" if status == "closed" else "",
                priority=1 + n % 4,
                assignee=staff if n % 5 == 0 else None,
                received_at=received,
                acknowledge_due=day + timedelta(days=2),
                response_due=day + timedelta(days=14),
                resolve_due=day + timedelta(days=42),
            )
        )
        if len(batch) == 5000:
            Concern.objects.bulk_create(batch)
            batch = []
    Concern.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_concern") if connection.vendor == "postgresql" else None
    return staff


def _time(client, url: str, params: dict) -> tuple[float, float, int]:
    samples = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    samples.sort()
    sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(captured), sql_ms


def main() -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    print(f"bench_queue: {CONCERNS} concerns, database {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    staff = _seed(CONCERNS)
    print(f"  seeded in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(staff)
    with translation.override("en"):
        url = reverse("feedback:queue")
    deep = {}
    cases = [
        ("default", {}),
        ("mine", {"view": "mine"}),
        ("unassigned", {"view": "unassigned"}),
        ("overdue", {"view": "overdue"}),
        ("all newest", {"view": "all"}),
        ("statuses", {"status": ["new", "closed"]}),
        ("category", {"category": "pension", "view": "all"}),
        ("priority sort", {"sort": "priority", "view": "all"}),
        ("word", {"q": "husband", "view": "all"}),
        ("Khmer word", {"q": "ឧបត្ថម្ភ", "view": "all"}),
        ("rare word", {"q": "(99999)", "view": "all"}),
    ]
    print(f"{'case':<16}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL ms':>9}")
    for name, params in cases:
        p50, p95, queries, sql_ms = _time(client, url, params)
        print(f"{name:<16}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{queries:>9}{sql_ms:>9.1f}")
    # Page 200 of the default view, reached by following the "Next" cursors.
    params = {}
    for _ in range(200):
        response = client.get(url, params)
        deep = {"after": response.context["next_cursor"]}
        params = deep
    p50, p95, queries, sql_ms = _time(client, url, deep)
    print(f"{'page 200':<16}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{queries:>9}{sql_ms:>9.1f}")
    if os.environ.get("BENCH_EXPLAIN"):
        from feedback import selectors

        for name, params in cases:
            filters = {"view": params.get("view", ""), "q": params.get("q", ""), "sort": params.get("sort", "")}
            concerns = selectors.concerns_queue(user=staff, filters=filters)
            ordering = selectors.SORTS[selectors.queue_sort(filters)]
            print(name, concerns.order_by(*ordering)[:51].explain(analyze=True).splitlines()[:6])


if __name__ == "__main__":
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
