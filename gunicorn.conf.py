"""Gunicorn, as production runs it (`gunicorn -c gunicorn.conf.py forum_portal.wsgi`; the Procfile does this).

Every value can be changed by an environment variable, so one file serves a 2-core VM, a container and the
fault tests. The access log never holds query strings or signed links: both can carry tokens that open a
person's registration.
"""

import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
# Sync workers: the portal's requests are short and database-bound. Two per core plus one keeps a core busy
# while another worker waits on PostgreSQL; WEB_CONCURRENCY overrides (a container's CPU quota, say).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
# One thread per worker (the sync worker): each worker keeps exactly one persistent database connection
# (CONN_MAX_AGE), so connections = web machines x workers, which PostgreSQL's max_connections must cover.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stuck (exports stream, PDFs are built in seconds): kill the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle each worker after about this many requests, at different moments (jitter), so slow leaks are
# bounded and the workers never all restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Behind the TLS proxy: trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# In a container /tmp may be a slow overlay; the workers' heartbeat files belong in memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice
# Load Django once in the master and fork the workers from it: they start in a fraction of the time and share
# memory pages. Nothing connects at import (database, Redis), so no socket is shared between workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes"}
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# %(U)s is the path without the query string; no referer (it carries other pages' query strings).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "forum-portal"
# Gunicorn's runtime control socket sits at one path per user: two servers on one machine (run-prod beside the
# benchmarks or the fault tests) would fight over it. Nothing here uses it.
control_socket_disable = True

# Signed tokens in paths (self-service, evaluation and resolution links: long, with ':' or base64's capitals
# and '_', unlike a forum's lowercase slug) and allauth's password-reset keys are replaced in the log.
_TOKEN = re.compile(r"(?<=/)(?=[A-Za-z0-9_\-:.]*[A-Z_:])[A-Za-z0-9_\-:.]{24,}(?=/|$)|(?<=/key/)[^/]+")


class RedactingLogger(Logger):
    """Gunicorn's logger with signed tokens in request paths replaced by "<token>"."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _TOKEN.sub("<token>", atoms["U"])
        return atoms


logger_class = RedactingLogger
