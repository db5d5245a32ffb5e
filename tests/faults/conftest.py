"""Real processes for the fault tests: a Redis of their own, gunicorn and Celery workers on the test database.

A Redis a test stops is always its own `redis-server` on a free port, never the shared one. The servers and
workers run in their own sessions (process groups), so a test can kill one outright and teardown stops every
process it started.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection

from forum_portal.celery import app as celery_app

ROOT = Path(django_settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def database_url() -> str:
    """Return a URL for the test database (the one pytest-django made), for the processes a test starts."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence (a restart comes back empty)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the test's own command line, no outside input
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def answers(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        _stop(self.process)
        assert wait_for(lambda: not self.answers(), timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    _stop(server.process)


@contextmanager
def broker(url: str):
    """Point this process's Celery producer at another broker (the test's own Redis), then back."""
    previous, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    def point(to):
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.task_always_eager = False
    point(url)
    try:
        yield
    finally:
        point(previous)
        celery_app.conf.task_always_eager = eager


def _server_env(redis: RedisServer, tmp_path: Path, **extra) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "forum_portal.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis.url,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "VAR_DIR": str(tmp_path / "var"),
        "SMS_BACKEND": "file",
        "SMS_FILE_DIR": str(tmp_path / "sms"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class LiveServer:
    """gunicorn with the repository's gunicorn.conf.py on a free port, several worker processes."""

    def __init__(self, process, port, log_path):
        self.process, self.port, self.log_path = process, port, log_path

    def request(self, method, path, *, data=None, cookies=None, timeout=60):
        """Return (status, headers, body) of one request on a new connection; `cookies` is updated."""
        cookies = {} if cookies is None else cookies
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), content
        finally:
            conn.close()

    def form_token(self, path, cookies):
        """GET a form page; return its CSRF token (the cookie lands in `cookies`)."""
        status, _headers, page = self.request("GET", path, cookies=cookies)
        assert status == 200, page[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def start_server(tmp_path):
    started = []

    def start(redis: RedisServer, *, workers: int = 6, **extra_env) -> LiveServer:
        port = free_port()
        log_path = tmp_path / f"gunicorn-{port}.log"
        env = _server_env(
            redis,
            tmp_path,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            **extra_env,
        )
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "forum_portal.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = LiveServer(process, port, log_path)
        started.append(server)

        def ready():
            assert process.poll() is None, log_path.read_text()
            try:
                return server.request("GET", "/healthz", timeout=5)[0] in (200, 503)
            except OSError:
                return False

        assert wait_for(ready, timeout=60), log_path.read_text()
        return server

    yield start
    for server in started:
        _stop(server.process, sig=signal.SIGINT)  # gunicorn's quick shutdown: the test is over


@pytest.fixture
def start_worker(tmp_path):
    """Start a real Celery worker (prefork, in its own process group) on the test database and a given Redis."""
    started = []

    def start(redis: RedisServer, *, concurrency: int = 2, **extra_env) -> subprocess.Popen:
        log_path = tmp_path / f"worker-{len(started)}.log"
        env = _server_env(redis, tmp_path, CONN_MAX_AGE="0", LOG_LEVEL="INFO", **extra_env)
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - the test's own command line, no outside input
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "forum_portal",
                    "worker",
                    f"--concurrency={concurrency}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        assert wait_for(lambda: "ready." in log_path.read_text(), timeout=60), log_path.read_text()
        return process

    yield start
    for process in started:
        _stop(process)


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL a process and every child in its group, as a machine losing power would."""
    _stop(process, sig=signal.SIGKILL)
