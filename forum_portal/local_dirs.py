"""Create the local folders a process writes to, at its start rather than when the settings are imported."""

from pathlib import Path

from django.conf import settings


def local_dirs_create(*extra: Path) -> None:
    """Create `settings.LOCAL_DIRS` (the SQLite and filesystem-broker folders this configuration uses) and `extra`.

    Existing folders are left as they are.
    """
    for folder in (*settings.LOCAL_DIRS, *extra):
        Path(folder).mkdir(parents=True, exist_ok=True)
