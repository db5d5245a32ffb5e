"""Run this project's manage.py in a fresh process on an SQLite database of its own (`make run`'s database kind),
as the tally migration tests do: what a migration and its triggers do there, from nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sqlite_manage(name: str):
    """Return manage(*args) -> CompletedProcess, running on a new SQLite database under var/<name>."""
    var = ROOT / "var" / name
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="forum_portal.settings")
    (var / "db.sqlite3").unlink(missing_ok=True)

    def manage(*args):
        return subprocess.run(  # noqa: S603 - manage.py of this repository, arguments of the calling test
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    return manage
