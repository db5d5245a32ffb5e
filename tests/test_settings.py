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


def test_production_answers_plain_http_only_when_explicitly_allowed():
    # ALLOW_PLAIN_HTTP is for `make run-prod` on one machine; check --deploy then rightly complains.
    result = _start(**PRODUCTION, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="forums.example.org", ALLOW_PLAIN_HTTP="true")

    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W004" in result.stderr


def _run(args, tmp_path, **env):
    """Run `args` from the project folder with a .env file of `env` and no server variables of our own."""
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    clean = {k: v for k, v in os.environ.items() if k not in {"VAR_DIR", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(  # noqa: S603 - the tests' own commands, never outside input
        args,
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "forum_portal.settings", "ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_read_the_env_file_first_and_create_no_folder(tmp_path):
    var = tmp_path / "var-from-env-file"
    code = "from django.conf import settings as s; print(s.VAR_DIR); print(s.DATABASES['default']['NAME'])"

    result = _run([sys.executable, "-c", code], tmp_path, VAR_DIR=var)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(var), str(var / "db.sqlite3")]
    assert not var.exists()


def test_manage_py_creates_only_the_local_folders_the_configuration_uses(tmp_path):
    embedded, servers = tmp_path / "embedded", tmp_path / "servers"
    # `shell` runs no system checks: model checks of generated columns ask the database server its version.
    manage = [sys.executable, "manage.py", "shell", "-c", "pass"]

    with_embedded = _run(manage, tmp_path, VAR_DIR=embedded)
    with_servers = _run(
        manage, tmp_path, VAR_DIR=servers, DATABASE_URL="postgres://u@127.0.0.1:1/x", REDIS_URL="redis://127.0.0.1:1/0"
    )

    assert (with_embedded.returncode, with_servers.returncode) == (0, 0), with_embedded.stderr + with_servers.stderr
    created = {p.relative_to(embedded).as_posix() for p in embedded.rglob("*") if p.is_dir()}
    assert {"celery-broker/queue", "celery-broker/processed", "celery-broker/control"} <= created
    assert not servers.exists()
