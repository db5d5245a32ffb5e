"""Liveness and readiness: the database, the message broker and the cache, each reported, within a second.

The broker and the cache are checked side by side in threads and given up on after `CHECK_SECONDS`, so a
Redis that hangs or is gone makes `/healthz` say "down" quickly instead of holding the monitor (or a load
balancer's probe) for the sockets' timeouts. Only the database and the broker decide the status code: without
the cache the portal still takes registrations and concerns (rate limits fail open), so it is reported but
does not make the portal unavailable.
"""

import logging
from concurrent.futures import ThreadPoolExecutor, wait

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum_portal.celery import app as celery_app

logger = logging.getLogger(__name__)

CHECK_SECONDS = 0.8
REQUIRED = ("database", "broker")

# Two threads shared by every request: a hung check cannot pile up threads, and a later request that finds
# both busy reports those parts down after the same deadline.
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=CHECK_SECONDS)
        return True
    except Exception:
        logger.warning("healthz: broker check failed", exc_info=True)
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.warning("healthz: cache check failed", exc_info=True)
        return False


def _checks() -> dict[str, bool]:
    futures = {"broker": _executor.submit(_broker_ok), "cache": _executor.submit(_cache_ok)}
    database = _database_ok()
    wait(futures.values(), timeout=CHECK_SECONDS)
    results = {"database": database}
    for name, future in futures.items():
        results[name] = future.done() and future.result()
        if not future.done():
            logger.warning("healthz: %s did not answer within %ss", name, CHECK_SECONDS)
    return results


@never_cache
@require_GET
def healthz(request):
    """Report each part ("ok" or "down"); 200 when the database and the broker answer, 503 otherwise."""
    checks = _checks()
    healthy = all(checks[name] for name in REQUIRED)
    body = {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "down" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
