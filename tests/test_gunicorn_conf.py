"""gunicorn.conf.py: workers from the CPU count, recycling with jitter, an access log without tokens."""

import os
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "HOST", "PORT", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    return runpy.run_path(str(CONF))


def test_workers_follow_the_cpu_count_and_recycle_with_jitter(conf):
    assert conf["workers"] == 5
    assert conf["bind"] == "127.0.0.1:8000"
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (2000, 200)
    assert conf["timeout"] == 60


def test_access_log_format_has_the_path_without_query_string_nor_referer(conf):
    assert "%(U)s" in conf["access_log_format"]
    assert "%(r)s" not in conf["access_log_format"]
    assert "%(q)s" not in conf["access_log_format"]
    assert "%(f)s" not in conf["access_log_format"]


RESET_KEY = "1-cr4b2c-9f3e1d2a7b6c5d4e3f2a1b0c"
SLUG = "regional-forum-in-svay-rieng-2026"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/en/registrations/eyJyIjo0MiwiYyI6IkFCQ0RFMjM0NTYifQ:1vQx2c:Zx9yQ/", "/en/registrations/<token>/"),
        ("/km/evaluation/eyJyIjo0MiwibSI6ImFmdGVyIn0:1vQx2c:Zx9yQabc", "/km/evaluation/<token>"),
        (f"/en/accounts/password/reset/key/{RESET_KEY}/", "/en/accounts/password/reset/key/<token>/"),
        (f"/en/forums/{SLUG}/register/", f"/en/forums/{SLUG}/register/"),
    ],
)
def test_signed_tokens_in_paths_are_redacted(conf, path, logged):
    assert conf["_TOKEN"].sub("<token>", path) == logged
