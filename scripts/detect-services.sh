# Sourced by the Makefile: use PostgreSQL and Redis on 127.0.0.1 when they answer, and say which.
# REQUIRE_SERVICES=1 turns their absence into an error; REQUIRE_BROWSER=1 does the same for Chromium.
_py=".venv/bin/python"
_answers() { "$_py" -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1', $1)))"; }

if [ -z "${DATABASE_URL:-}" ] && _answers 5432; then
  _pg_user="${PGUSER:-postgres}"
  export DATABASE_URL="postgres://${_pg_user}@127.0.0.1:5432/forum_portal"
fi
if [ -z "${REDIS_URL:-}" ] && _answers 6379; then
  export REDIS_URL="redis://127.0.0.1:6379/0"
fi
if [ "${REQUIRE_SERVICES:-0}" = "1" ]; then
  [ -n "${DATABASE_URL:-}" ] || { echo "REQUIRE_SERVICES=1 but PostgreSQL does not answer on 127.0.0.1:5432" >&2; return 1; }
  [ -n "${REDIS_URL:-}" ] || { echo "REQUIRE_SERVICES=1 but Redis does not answer on 127.0.0.1:6379" >&2; return 1; }
fi
if [ "${REQUIRE_BROWSER:-0}" = "1" ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "REQUIRE_BROWSER=1 but Chromium is not at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium)" >&2; return 1
fi
echo "database: ${DATABASE_URL:-SQLite (embedded)} | broker and cache: ${REDIS_URL:-filesystem broker (embedded)}" | sed -E 's#//([^:@/]+):[^@]*@#//\1:***@#'
