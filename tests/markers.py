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

# The broker and cache tests need a real Redis. `make test` sets REDIS_URL when Redis answers and CI requires it
# (REQUIRE_SERVICES=1 in scripts/detect-services.sh), so these run there; only a machine without Redis skips them.
requires_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)")
