"""`make bench`: the portal through gunicorn under load, against a bare Django view in the same run.

Uses its own PostgreSQL database (`<DATABASE_URL's name>_bench`, created if missing), migrates it and tops it
up with `seed_demo` to 100,000 registrations and 100,000 concerns (bulk inserts; the time is printed), then
starts gunicorn with the production settings (DJANGO_ENV=production, DEBUG off, 2 sync workers, plain HTTP on
127.0.0.1 and a free port) and drives it with wrk:

- public pages (home, the forum list, a forum's page) and the bare view with 16 connections;
- staff pages (participant list, check-in search, the concern queue: page 1, page 50, a filter, word searches
  in English and Khmer) and the exports, one request at a time;
- registration POSTs at a fixed rate (50 a second by default) to one forum, open-loop, from Python.

Prints requests per second, p50/p95/p99 and the ratio to the bare view; writes bench/results/latest.json and
the "Performance" table of the README; then runs bench/bench_reports.py when it exists. Figures are printed,
never asserted.

    .venv/bin/python bench/bench_http.py [--duration 10] [--skip-seed] [--only forum]
"""

import argparse
import http.client
import io
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
README = ROOT / "README.md"
LUA = ROOT / "bench" / "wrk_report.lua"
TABLE_START = "<!-- bench:start -->"
TABLE_END = "<!-- bench:end -->"
RUSH_SLUG = "bench-registration-rush"
STAFF_EMAIL = "bench-staff@example.org"


def _bench_environment(database_url: str) -> dict:
    """Return the environment of the production process set, for this benchmark only."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "consolemail://",
        # Plain HTTP on the loopback: wrk speaks no TLS and there is no proxy in front.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BENCH_BARE_VIEW": "true",
        # Every POST comes from 127.0.0.1: the per-address limit would answer 429 after a few.
        "PARTICIPANTS_REGISTER_LIMIT": str(10**9),
        "LOG_LEVEL": "WARNING",
        # The benchmark's own folder for static files and the demo credentials (the developer's stay untouched).
        "VAR_DIR": str(ROOT / "var" / "bench"),
    }


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make bench needs PostgreSQL: set DATABASE_URL=postgres://... (and REDIS_URL).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("make bench needs Redis: set REDIS_URL=redis://...")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench" if not name.endswith("_bench") else parts.path))


def _database_create(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _django_setup(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "forum_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed(participants: int, concerns: int) -> float | None:
    from django.core.management import call_command

    from feedback.models import Concern
    from participants.demo import BENCHMARK_SLUG
    from participants.models import Registration

    call_command("migrate", "--noinput", verbosity=0)
    have = Registration.objects.filter(forum__slug=BENCHMARK_SLUG).count(), Concern.objects.count()
    if have[0] >= participants and have[1] >= concerns:
        return None  # seeded by an earlier run; seed_demo would rebuild every concern only to skip it
    start = time.perf_counter()
    call_command("seed_demo", participants=participants, concerns=concerns, stdout=io.StringIO())
    return time.perf_counter() - start


def _fixtures() -> dict:
    """Create the registration-rush forum and a staff account with every staff role; return what the run uses."""
    from datetime import timedelta

    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.utils import timezone

    from events.models import Forum
    from participants.models import Registration

    big = (
        Forum.objects.filter(registrations__isnull=False)
        .order_by("-capacity")
        .values_list("slug", "pk", "capacity")
        .first()
    )
    # The public forum page measured is the one with the longest agenda.
    public = (
        Forum.objects.filter(status=Forum.Status.PUBLISHED)
        .exclude(slug=RUSH_SLUG)
        .annotate(items=Count("agenda_items"))
        .order_by("-items", "-starts_at")
        .first()
    )
    template = public or Forum.objects.first()
    now = timezone.now()
    rush, _ = Forum.objects.update_or_create(
        slug=RUSH_SLUG,
        defaults={
            "series": template.series,
            "title": "Benchmark registration rush",
            "host_province": template.host_province,
            "venue_name": "Benchmark venue",
            "venue_address": "Phnom Penh",
            "starts_at": now + timedelta(days=30),
            "ends_at": now + timedelta(days=30, hours=8),
            "capacity": 300,
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": now + timedelta(days=29),
            "status": Forum.Status.PUBLISHED,
        },
    )
    Registration.objects.filter(forum=rush).delete()

    user, _ = get_user_model().objects.get_or_create(email=STAFF_EMAIL, defaults={"full_name": "Benchmark staff"})
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.all())
    if not user.authenticator_set.exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "big_forum": big[0],
        "big_forum_size": Registration.objects.filter(forum_id=big[1]).count(),
        "public_forum": public.slug,
        "rush": rush.slug,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(port: int, workers: int) -> subprocess.Popen:
    """Start gunicorn with our own flags; a gunicorn.conf.py in the repository, if any, is overridden by them."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "forum_portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=120",
        "--access-logfile=/dev/null",
        "--error-logfile=-",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    headers = {key.lower(): value for key, value in response.getheaders() if key.lower() != "set-cookie"}
    headers["set-cookie"] = response.headers.get_all("Set-Cookie") or []
    connection.close()
    return response.status, headers, body


def _wait_ready(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        try:
            if _get(port, "/bench/bare/")[0] == 200:
                return
        except OSError:
            pass  # not listening yet: try again after the pause below
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 30 s")


def _wrk(url: str, *, connections: int, duration: int, cookie: str = "") -> dict:
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout=60s", "-s", str(LUA), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = raw["errors_status"] + raw["errors_connect"] + raw["errors_read"] + raw["errors_timeout"]
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
        "errors": errors,
        "connections": connections,
    }


def _sequential(port: int, path: str, *, cookie: str, duration: int, minimum: int = 2) -> dict:
    """Time whole downloads one after another (an export of 100,000 rows outlasts wrk's window)."""
    samples = []
    deadline = time.perf_counter() + duration
    while len(samples) < minimum or time.perf_counter() < deadline:
        start = time.perf_counter()
        status, _headers, body = _get(port, path, cookie)
        samples.append(time.perf_counter() - start)
        if status != 200:
            break
    return {
        "rps": len(samples) / sum(samples),
        "p50_ms": _percentile(samples, 0.50) * 1000,
        "p95_ms": _percentile(samples, 0.95) * 1000,
        "p99_ms": _percentile(samples, 0.99) * 1000,
        "requests": len(samples),
        "errors": 0 if status == 200 else 1,
        "bytes": len(body),
        "connections": 1,
    }


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def _registration_rush(port: int, *, slug: str, csrf_cookie_name: str, rate: int, duration: int) -> dict:
    """POST registrations at `rate` a second for `duration` seconds, each timed from when it was due."""
    path = f"/en/forums/{slug}/register/"
    status, headers, body = _get(port, path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    cookie = next(c.split(";")[0] for c in headers["set-cookie"] if c.startswith(csrf_cookie_name + "="))
    form = _registration_form()
    total = rate * duration
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    counter = iter(range(total))

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            due = start + n / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            data = {
                **form,
                "phone": f"0{12 + n % 2 * 65} {n // 1000 % 1000:03d} {n % 1000:03d}",
                "csrfmiddlewaretoken": token,
            }
            data["full_name"] = f"Bench participant {n}"
            try:
                connection.request(
                    "POST",
                    path,
                    body=urllib.parse.urlencode(data, doseq=True),
                    headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                )
                response = connection.getresponse()
                response.read()
                code = response.status
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                code = 0
            with lock:
                latencies.append(time.perf_counter() - due)
                statuses[code] = statuses.get(code, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(min(total, 64))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "requests": len(latencies),
        "errors": sum(count for code, count in statuses.items() if code != 302),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "connections": f"{rate}/s",
    }


def _registration_form() -> dict:
    from events.models import Province
    from tests.participants.factories import form_data

    province = Province.objects.get(name_en="Prey Veng")
    return form_data(province=str(province.pk))


def _targets(fx: dict) -> list[tuple[str, str, str]]:
    """Return (name, path, kind) for each measured page; kind is public, staff, export or rush."""
    big, public = fx["big_forum"], fx["public_forum"]
    return [
        ("bare view", "/bench/bare/", "public"),
        ("home", "/en/", "public"),
        ("home (km)", "/km/", "public"),
        ("forum list", "/en/forums/", "public"),
        ("forum page", f"/en/forums/{public}/", "public"),
        ("forum page (km)", f"/km/forums/{public}/", "public"),
        ("registration POST", fx["rush"], "rush"),
        ("participant list", f"/en/manage/forums/{big}/participants/", "staff"),
        ("participant list p.1000", f"/en/manage/forums/{big}/participants/?page=1000", "staff"),
        ("participant search", f"/en/manage/forums/{big}/participants/?q=Sokha", "staff"),
        ("check-in search (name)", f"/en/manage/forums/{big}/check-in/?q=Dara", "staff"),
        ("check-in search (Khmer)", f"/en/manage/forums/{big}/check-in/?q={urllib.parse.quote('សុខា')}", "staff"),
        ("check-in search (phone)", f"/en/manage/forums/{big}/check-in/?q=012000123", "staff"),
        ("concern queue", "/en/manage/concerns/", "staff"),
        ("concern queue p.50", "/en/manage/concerns/?page=50", "staff"),
        ("concern queue filter", "/en/manage/concerns/?status=new&priority=3", "staff"),
        ("concern search", "/en/manage/concerns/?q=pension", "staff"),
        ("concern search (Khmer)", f"/en/manage/concerns/?q={urllib.parse.quote('ប្រាក់សោធន')}", "staff"),
        ("export CSV", f"/en/manage/forums/{big}/participants/export.csv", "export"),
        ("export XLSX", f"/en/manage/forums/{big}/participants/export.xlsx", "export"),
    ]


def _readme_update(results: dict) -> None:
    rows = [
        "| page | load | req/s | p50 ms | p95 ms | p99 ms | bare view req/s just before | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results["pages"].items():
        public = row.get("kind") == "public"
        ratio = f"{row['bare_rps_before']:.1f} | {row['ratio_to_bare']:.2f}" if public else " | "
        load = f"{row['connections']} conn" if isinstance(row["connections"], int) else row["connections"]
        rows.append(
            f"| {name} | {load} | {row['rps']:.2f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {ratio} |"
        )
    machine = results["machine"]
    block = "\n".join(
        [
            TABLE_START,
            f"Latest `make bench` ({results['finished_at']}, {machine['cpus']} CPUs, {machine['platform']}, "
            f"Python {machine['python']}, PostgreSQL database with {results['data']['registrations']:,} registrations "
            f"and {results['data']['concerns']:,} concerns, gunicorn with {results['gunicorn_workers']} sync "
            f"workers, {results['duration_s']} s per page; {machine['note']}):",
            "",
            *rows,
            TABLE_END,
        ]
    )
    text = README.read_text()
    if TABLE_START in text:
        text = re.sub(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Performance\n\n" + block + "\n"
    README.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16, help="connections for the public pages")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=50, help="registration POSTs a second")
    parser.add_argument("--skip-seed", action="store_true", help="use the bench database as it is")
    parser.add_argument(
        "--only", default="", help="measure only pages whose name contains one of these (comma-separated)"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README's table")
    parser.add_argument(
        "--note",
        default="state here whether anything else was running",
        help="what to say about the machine's other load in the README table (e.g. 'nothing else running')",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk (apt-get install wrk).")

    database_url = _database_url()
    outer_environment = os.environ.copy()
    _database_create(database_url)
    _django_setup(_bench_environment(database_url))
    seconds = None if args.skip_seed else _seed(args.participants, args.concerns)
    if seconds is not None:
        print(f"seeded {args.participants:,} registrations and {args.concerns:,} concerns in {seconds:.1f} s")
    else:
        print("the bench database holds the volume already (drop it to time a fresh seed)")
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    fx = _fixtures()
    from django.db import connection

    from feedback.models import Concern
    from participants.models import Registration

    data = {"registrations": Registration.objects.count(), "concerns": Concern.objects.count()}
    connection.close()

    port = _free_port()
    server = _gunicorn(port, args.workers)
    pages: dict[str, dict] = {}
    try:
        _wait_ready(port, server)
        for name, path, kind in _targets(fx):
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            if kind == "rush":
                row = _registration_rush(
                    port, slug=path, csrf_cookie_name=fx["csrf_cookie_name"], rate=args.rate, duration=args.duration
                )
            elif kind == "export":
                row = _sequential(port, path, cookie=fx["cookie"], duration=args.duration)
            else:
                cookie = fx["cookie"] if kind == "staff" else ""
                status = _get(port, path, cookie)[0]
                if status != 200:
                    print(f"{name}: {path} answered {status}; skipped")
                    continue
                connections = args.connections if kind == "public" else 1
                if kind == "public" and path != "/bench/bare/":
                    # The machine's other load drifts: measure the bare view again right before each page, and
                    # compare the page with that figure.
                    paired = _wrk(
                        f"http://127.0.0.1:{port}/bench/bare/", connections=connections, duration=args.duration
                    )
                row = _wrk(
                    f"http://127.0.0.1:{port}{path}", connections=connections, duration=args.duration, cookie=cookie
                )
            row["kind"] = kind
            row["path"] = path if kind != "rush" else f"/en/forums/{path}/register/"
            if kind == "public":
                row["bare_rps_before"] = paired["rps"] if path != "/bench/bare/" else row["rps"]
                row["ratio_to_bare"] = row["rps"] / row["bare_rps_before"]
            pages[name] = row
            print(
                f"{name:<26}{row['rps']:>9.1f} req/s  p50 {row['p50_ms']:>8.1f}  p95 {row['p95_ms']:>8.1f}  "
                f"p99 {row['p99_ms']:>8.1f} ms  errors {row['errors']}",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()  # a worker still streaming an export
            server.wait()

    print("\nratio to the bare view measured just before (req/s):")
    for name, row in pages.items():
        if row["kind"] == "public":
            print(f"  {name:<24}{row['rps']:>9.1f} / {row['bare_rps_before']:>9.1f} = {row['ratio_to_bare']:.2f}")
    results = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "note": args.note,
        },
        "gunicorn_workers": args.workers,
        "duration_s": args.duration,
        "seed_seconds": seconds,
        "data": {**data, "big_forum_registrations": fx["big_forum_size"]},
        "pages": pages,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    if not args.no_readme and not args.only:
        _readme_update(results)
        print("updated the Performance table in README.md")
    reports = ROOT / "bench" / "bench_reports.py"
    if reports.exists():
        subprocess.run([sys.executable, str(reports)], cwd=ROOT, env=outer_environment, check=True)


if __name__ == "__main__":
    main()
