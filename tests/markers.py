"""Markers shared by the test modules."""

import pytest
from django.conf import settings

# Row locks (select_for_update, skip_locked) exist on PostgreSQL only; SQLite locks the whole database, and its
# in-memory test database answers "table is locked" to a second thread instead of waiting. `make test` and CI
# run these on PostgreSQL; on the embedded SQLite they are reported as skipped, with this reason.
requires_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="row-lock concurrency is tested on PostgreSQL (set DATABASE_URL)",
)
