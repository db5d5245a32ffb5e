"""Public and organizer pages against a bare Django view, through the full middleware stack.

Creates a throwaway database (test_<name>, like the test runner), loads the demo forums plus
`--forums` synthetic ones, then times `--requests` GETs per page with Django's test client (in
process: no network, so the figures compare the portal's own work with the framework's floor).
Prints requests per second and p50/p95 latency per page and the ratio to the bare view.

    .venv/bin/python bench/bench_pages.py --forums 200 --requests 300
"""

import argparse
import os
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
os.environ["DEBUG"] = "false"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *import_module("forum_portal.urls").urlpatterns]


def _time(client, url, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--forums", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    # No setup_test_environment(): it instruments template rendering and would inflate the figures.
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from events.demo import seed_forums
        from tests.events.factories import AgendaItemFactory, ForumFactory

        forums = seed_forums()
        for forum in ForumFactory.create_batch(args.forums):
            AgendaItemFactory.create_batch(5, forum=forum)
        detail = forums[3].slug

        pages = {
            "bare view": "/bench/bare/",
            "home": "/en/",
            "forum list": "/en/forums/",
            "forum detail": f"/en/forums/{detail}/",
            "healthz": "/healthz",
        }
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            client = Client()
            for url in pages.values():
                _time(client, url, 20)  # warm-up
            results = {name: _time(client, url, args.requests) for name, url in pages.items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    base = statistics.median(results["bare view"])
    print(f"database: {connection.vendor}; {args.forums + 6} forums; {args.requests} requests per page")
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'x bare':>9}")
    for name, samples in results.items():
        samples.sort()
        p50 = statistics.median(samples)
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"{name:<14}{1 / statistics.mean(samples):>9.0f}{p50 * 1000:>9.2f}{p95 * 1000:>9.2f}{p50 / base:>9.1f}")


if __name__ == "__main__":
    main()
