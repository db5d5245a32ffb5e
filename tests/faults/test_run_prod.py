"""`make run-prod` (scripts/run-prod.sh): the production process set starts here and answers /healthz.

docker-compose.yml runs the same processes (the Procfile's) in containers; Docker cannot run on these machines,
so the compose file is checked against the Procfile and the process set itself is started for real.
"""

import json
import os
import re
import signal
import subprocess

import pytest

from tests.faults.conftest import ROOT, _stop, database_url, free_port, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
UNSET = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ENV", "GUNICORN_BIND", "HOST", "EMAIL_URL", "SITE_URL"}


@pytest.fixture
def run_prod(tmp_path, own_redis):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in UNSET} | {
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "PORT": str(port),
        "VAR_DIR": str(tmp_path / "var"),
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "1",
    }
    log_path = tmp_path / "run-prod.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - the repository's own script
            [str(ROOT / "scripts" / "run-prod.sh")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    yield process, port, log_path
    _stop(process, sig=signal.SIGTERM, timeout=30)


def _get(port, path, **headers):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_run_prod_starts_the_process_set_and_answers_healthz(run_prod):
    process, port, log_path = run_prod

    def healthy():
        assert process.poll() is None, log_path.read_text()
        try:
            return _get(port, "/healthz")[0] == 200
        except OSError:
            return False

    assert wait_for(healthy, timeout=180, interval=1), log_path.read_text()
    status, _headers, body = _get(port, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"})

    # Production settings: WhiteNoise serves hashed, compressed static files; plain HTTP only by ALLOW_PLAIN_HTTP.
    status, headers, page = _get(port, "/en/")
    assert status == 200
    assert "strict-transport-security" not in headers
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    status, headers, _css = _get(port, stylesheet, **{"Accept-Encoding": "gzip"})
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert "immutable" in headers["cache-control"]

    # The access log keeps neither query strings nor signed tokens in paths.
    token = "eyJyIjo0MiwiYyI6IkFCQ0RFMjM0NTYifQ:1vQx2c:Zx9yQ"
    assert _get(port, "/en/concerns/track/?code=ABCDE-23456")[0] == 200
    assert _get(port, f"/en/registrations/{token}/")[0] == 404

    assert wait_for(lambda: "celery@" in log_path.read_text() and " ready." in log_path.read_text(), timeout=60)
    assert wait_for(lambda: "/en/registrations/<token>/" in log_path.read_text(), timeout=10)
    log = log_path.read_text()
    assert "beat: Starting" in log
    assert re.search(r"Booting worker with pid", log)
    assert '"GET /en/concerns/track/" 200' in log
    assert '"GET /en/registrations/<token>/" 404' in log
    assert "ABCDE-23456" not in log
    assert token not in log


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_compose_runs_the_procfile_processes():
    compose = (ROOT / "docker-compose.yml").read_text()
    services = re.split(r"\n  (?=[a-z]+:\n)", compose.split("\nservices:\n", 1)[1])
    blocks = {block.split(":", 1)[0].strip(): block for block in services}

    for name, command in _procfile().items():
        assert name in blocks, name
        for word in command.split():
            if "${" not in word:
                assert f'"{word}"' in blocks[name] or f" {word}" in blocks[name], (name, word)
    assert {"postgres", "redis", "migrate"} <= blocks.keys()
