"""The Redis cache, failing open: while Redis is away every read misses and every write is dropped, with a warning.

Nothing the portal keeps in its cache is the only copy of anything (rate-limit counts, allauth's login
throttling, Telegram pacing, cached pages), so an outage should cost speed, never a request. Counters
(`incr`, `decr`) still raise, so that their callers decide what a lost count means (forum_portal.ratelimit
lets the attempt through).
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(fallback):
    def decorator(method):
        @wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("cache unavailable (%s): %s skipped", error.__class__.__name__, method.__name__)
                return fallback(*args, **kwargs)

        return wrapped

    return decorator


def _default(key, default=None, *args, **kwargs):
    return default


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that treats Redis errors as misses (reads) and no-ops (writes), logged."""

    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *args, **kwargs: False)(RedisCache.has_key)
    # As if added: callers use add() as a lock or a first write (allauth's login throttle spins on it), and a
    # lock nobody can take would stop them all.
    add = _fail_open(lambda *args, **kwargs: True)(RedisCache.add)
    set = _fail_open(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _fail_open(lambda *args, **kwargs: [])(RedisCache.set_many)
    touch = _fail_open(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _fail_open(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *args, **kwargs: False)(RedisCache.clear)
