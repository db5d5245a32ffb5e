"""Participants at scale: registration under the forum lock, the organizer list, check-in, exports.

Creates a throwaway database (test_<name>, like the test runner), seeds the demo data plus
`--participants` synthetic registrations in the benchmark forum, then times each operation.
Prints figures only; nothing is asserted.

    .venv/bin/python bench/bench_participants.py --participants 100000
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
os.environ["DEBUG"] = "false"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402


def _timed(fn, n):
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return samples


def _row(name, samples, unit="ms"):
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    print(f"{name:<34}{len(samples):>6}{p50 * 1000:>10.1f}{p95 * 1000:>10.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.contrib.auth.models import Group

        import events.demo
        from accounts.roles import ORGANIZERS
        from events import people
        from events.models import Province
        from participants import services
        from participants.demo import BENCHMARK_SLUG
        from participants.models import Registration
        from tests.accounts.factories import UserFactory

        # seed_demo writes demo passwords to var/; the throwaway database must not overwrite them.
        events.demo.CREDENTIALS_FILE = Path(tempfile.mkdtemp()) / "demo-credentials.json"
        start = time.perf_counter()
        call_command("seed_demo", participants=args.participants, stdout=io.StringIO())
        seeded = time.perf_counter() - start
        forum = Registration.objects.filter(forum__slug=BENCHMARK_SLUG).first().forum
        organizer = UserFactory()
        organizer.groups.add(Group.objects.get(name=ORGANIZERS))
        province = Province.objects.first()
        codes = list(Registration.objects.filter(forum=forum).values_list("code", flat=True)[: args.requests])
        base = f"/en/manage/forums/{forum.slug}"

        def register(i):
            data = {
                "full_name": f"Bench {i}",
                "gender": "woman",
                "age_group": "25_34",
                **dict.fromkeys(people.DIFFICULTY_FIELDS, "none"),
                "role": "workers_rep",
                "sector": "garment",
                "province": province,
                "phone": f"+85597{i:07d}",
                "reminder_channel": "sms",
                "preferred_language": "km",
            }
            services.registration_create(forum=forum, data=data, walk_in=True)

        with override_settings(DEBUG=False):
            client = Client()
            client.force_login(organizer)
            print(f"database: {connection.vendor}; {args.participants} registrations seeded in {seeded:.1f} s")
            print(f"{'operation':<34}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}")
            _row("registration (locked forum row)", _timed(register, args.requests))
            _row("list, first page", _timed(lambda i: client.get(f"{base}/participants/"), args.requests))
            _row(
                "list, filtered and searched",
                _timed(lambda i: client.get(f"{base}/participants/?gender=woman&q=Sok&page=2"), args.requests),
            )
            _row("check-in search", _timed(lambda i: client.get(f"{base}/check-in/?q=Chan"), args.requests))
            _row(
                "check-in by code",
                _timed(lambda i: client.post(f"{base}/check-in/", {"code": codes[i]}), len(codes)),
            )

            def export(i):
                response = client.get(f"{base}/participants/export.csv")
                # Read the whole stream: the export's cost is in producing every row.
                return sum(len(chunk) for chunk in response.streaming_content)

            _row(f"CSV export, {Registration.objects.filter(forum=forum).count()} rows", _timed(export, 3))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
