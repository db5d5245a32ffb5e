import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "vQ3x-7Lr9zP2mN8bK4tY6wE1sD5fG0hJ_aZcXuIoOpRyT3eW9qL2kM7nB4vC8xZ"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "DATABASE_URL": "postgres://app:secret@db.example.org:5432/forums",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def _start(**env):
    """Import the settings in a fresh interpreter with this environment (None unsets); return the result."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            k: v
            for k, v in (clean | {"DJANGO_SETTINGS_MODULE": "forum_portal.settings"} | env).items()
            if v is not None
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "true", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "forums.example.org"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "forums.example.org"}, "Set a unique SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "Set ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "forums.example.org", "DATABASE_URL": None},
            "Set DATABASE_URL (postgres://...) when DJANGO_ENV=production",
        ),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "forums.example.org", "REDIS_URL": None},
            "Set REDIS_URL (redis://...) when DJANGO_ENV=production",
        ),
    ],
)
def test_production_refuses_unsafe_settings(env, message):
    result = _start(**(PRODUCTION | env))

    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_check_deploy():
    result = _start(**PRODUCTION, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="forums.example.org")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
