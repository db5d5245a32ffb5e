"""Dashboards and exports at scale, served by gunicorn with the production settings.

Creates a throwaway database (bench_reports_<name>; `--keep` keeps it, and its data, for the next run), seeds the
demo data plus `--participants` registrations (in one benchmark forum) and `--concerns` concerns with
seed_demo, collects the static files, starts gunicorn (one worker, DJANGO_ENV=production) and times, one
request at a time over HTTP:
- the forum, series and concern-desk dashboards (p50 and p95 of `--requests` requests each, as a programme
  officer, who sees small numbers hidden: the most work);
- the concern CSV and XLSX exports of every concern (every status ticked), as an NSSF supervisor: rows per second
  (of the rows counted in the file) and the worker's peak memory growth (VmHWM from /proc, before and after).
A bare Django view, timed the same way in the same server, and openpyxl writing the export's rows on its own,
show what this machine gives at all. Prints figures only; nothing is asserted.

    .venv/bin/python bench/bench_reports.py --participants 100000 --concerns 100000
"""

import argparse
import http.client
import io
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
os.environ["DEBUG"] = "false"
# The sessions made here must be valid for gunicorn: both sign with this key.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(60)

import django  # noqa: E402 (after the environment it reads)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _get(path: str, session: str, keep=None) -> tuple[int, int]:
    """GET `path` from gunicorn as the session's user; return (status, bytes read), reading the body to its end
    (into the file `keep`, if given)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    conn.request(
        "GET",
        path,
        headers={"Cookie": f"__Secure-sessionid={session}", "X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
    )
    response = conn.getresponse()
    size = 0
    while chunk := response.read(256 * 1024):
        size += len(chunk)
        if keep is not None:
            keep.write(chunk)
    conn.close()
    return response.status, size


def _worker_pid(master: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                return int(entry.name)
    raise SystemExit("gunicorn has no worker")


def _peak_kib(pid: int) -> int:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def _rows_in(body, *, xlsx: bool) -> int:
    """Return how many data rows the exported file `body` holds (its header left out)."""
    import csv

    from openpyxl import load_workbook

    body.seek(0)
    if xlsx:
        # A write-only workbook records no dimensions: its rows are counted by reading them.
        return sum(1 for _row in load_workbook(body, read_only=True).active.iter_rows(values_only=True)) - 1
    return sum(1 for _row in csv.reader(io.TextIOWrapper(body, encoding="utf-8-sig", newline=""))) - 1


def _openpyxl_alone(count: int) -> float:
    """Return the rows per second openpyxl's write-only mode writes, on its own, for rows of the concern export:
    the ceiling of the XLSX export on this machine (no database, no HTTP)."""
    from openpyxl import Workbook

    from feedback.models import Concern
    from reports.exports import concern_columns, concerns_for_export, rows

    columns = concern_columns(with_contacts=True)
    concerns = concerns_for_export(Concern.objects.all())[:count]
    values = [[value if value != "" else None for value in row] for row in rows(concerns, columns)]
    begin = time.perf_counter()
    with tempfile.TemporaryFile() as spool:
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet("concerns")
        for row in values:
            worksheet.append(row)
        workbook.save(spool)
    return len(values) / (time.perf_counter() - begin)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database (and reuse it next time)")
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    # A name of its own, so that a kept benchmark database never meets the test runner's.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_reports_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    server = None
    try:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        import events.demo
        from accounts.roles import NSSF_SUPERVISORS, PROGRAMME_OFFICERS
        from feedback.models import Concern
        from participants.demo import BENCHMARK_SLUG
        from participants.models import Registration
        from tests.accounts.factories import UserFactory

        events.demo.CREDENTIALS_FILE = var_dir / "demo-credentials.json"
        start = time.perf_counter()
        call_command("seed_demo", participants=args.participants, concerns=args.concerns, stdout=io.StringIO())
        seeded = time.perf_counter() - start
        connection.cursor().execute("ANALYZE")
        forum = Registration.objects.filter(forum__slug=BENCHMARK_SLUG).select_related("forum__series").first().forum

        def user(email, role):
            found = get_user_model().objects.filter(email=email).first() or UserFactory(email=email, two_factor=True)
            found.groups.add(Group.objects.get(name=role))
            return found

        sessions = {
            "officer": _session(user("bench-officer@example.org", PROGRAMME_OFFICERS)),
            "supervisor": _session(user("bench-supervisor@example.org", NSSF_SUPERVISORS)),
        }
        registrations = Registration.objects.count()
        series_registrations = Registration.objects.filter(forum__series=forum.series).count()
        concerns = Concern.objects.count()

        env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": "consolemail://",
            "DATABASE_URL": _database_url(),
            "VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            # A bare Django view in the same server: what one request costs on this machine at all.
            "BENCH_BARE_VIEW": "true",
        }
        python = sys.executable
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        gunicorn = str(Path(python).with_name("gunicorn"))
        server = subprocess.Popen(
            [
                gunicorn,
                "forum_portal.wsgi",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                "1",
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(150):
            try:
                if _get("/healthz", "")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        worker = _worker_pid(server.pid)

        print(
            f"database: {connection.vendor}; {registrations} registrations ({series_registrations} in the series,"
            f" {forum.registrations.count()} in the benchmark forum); {concerns} concerns; seeded in {seeded:.0f} s"
        )
        print("gunicorn, 1 worker, DJANGO_ENV=production; one request at a time")
        print(f"{'page':<26}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}")
        pages = {
            "bare view": "/bench/bare/",
            "forum dashboard": f"/en/manage/forums/{forum.slug}/dashboard/",
            "series dashboard": f"/en/manage/series/{forum.series.slug}/dashboard/",
            "concern-desk dashboard": "/en/manage/concerns/dashboard/",
            "desk, one forum": f"/en/manage/concerns/dashboard/?forum={forum.pk}",
            "desk, one province": "/en/manage/concerns/dashboard/?province=1",
        }
        for name, path in pages.items():
            for _ in range(3):
                status, _size = _get(path, sessions["officer"])
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
            samples = []
            for _ in range(args.requests):
                begin = time.perf_counter()
                _get(path, sessions["officer"])
                samples.append(time.perf_counter() - begin)
            p50, p95 = _percentiles(samples)
            print(f"{name:<26}{len(samples):>5}{p50 * 1000:>10.1f}{p95 * 1000:>10.1f}")

        print(f"{'export':<26}{'rows':>8}{'s':>8}{'rows/s':>10}{'MiB':>8}{'peak +MiB':>11}")
        # Every status ticked: all the concerns (the queue's default view, and so the export's, is the open ones).
        every_status = "&".join(f"status={status}" for status in Concern.Status.values)
        for name, path in (
            ("concerns CSV", f"/en/manage/concerns/export.csv?{every_status}"),
            ("concerns XLSX", f"/en/manage/concerns/export.xlsx?{every_status}"),
        ):
            with tempfile.TemporaryFile() as body:
                before = _peak_kib(worker)
                begin = time.perf_counter()
                status, size = _get(path, sessions["supervisor"], keep=body)
                elapsed = time.perf_counter() - begin
                growth = (_peak_kib(worker) - before) / 1024
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                exported = _rows_in(body, xlsx=path.split("?")[0].endswith(".xlsx"))
            # Rows per second of the rows the file holds (counted in it, after the clock stopped).
            print(
                f"{name:<26}{exported:>8}{elapsed:>8.1f}{exported / elapsed:>10.0f}{size / 2**20:>8.1f}{growth:>11.1f}"
            )
        print(f"openpyxl alone, the export's first 20,000 rows: {_openpyxl_alone(20_000):.0f} rows/s")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
