"""Use the cache so that its outage costs speed, never a page: every error is logged and answered with a default.

The cache (Redis in production) only ever holds what can be rebuilt from the database, so a Redis that is down,
restarting or unreachable must not turn a public page into a 500.
"""

import logging
from typing import Any

from django.core.cache import caches

logger = logging.getLogger(__name__)


def safe_cache_call(operation: str, *args: Any, default: Any = None, alias: str = "default", **kwargs: Any) -> Any:
    """Call `operation` (get_many, set, add, incr...) on the cache; on any error, log a warning and return `default`."""
    try:
        return getattr(caches[alias], operation)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any failure of the cache backend (connection, timeout, protocol)
        logger.warning("cache %s failed, carrying on without the cache: %s", operation, error.__class__.__name__)
        return default
