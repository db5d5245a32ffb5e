#!/usr/bin/env bash
# `make run-prod`: the production process set (Procfile: gunicorn, Celery worker, Celery beat) on this machine,
# with DJANGO_ENV=production, against PostgreSQL and Redis. docker-compose.yml runs the same processes with
# the same settings; this is how they are tried where Docker is not. The one difference: no TLS proxy here, so
# plain HTTP is allowed (ALLOW_PLAIN_HTTP), which only this script sets.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export PATH="$PWD/$VENV/bin:$PATH"

source scripts/detect-services.sh
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  echo "run-prod needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL, or run them on 127.0.0.1)" >&2
  exit 1
fi

export DJANGO_ENV=production ALLOW_PLAIN_HTTP=true
export PORT="${PORT:-8000}" VAR_DIR="${VAR_DIR:-$PWD/var}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
export EMAIL_URL="${EMAIL_URL:-consolemail://}"
mkdir -p "$VAR_DIR"
if [ -z "${SECRET_KEY:-}" ]; then
  # A key of its own, kept for the next start (sessions survive a restart) and never committed (var/).
  key_file="$VAR_DIR/run-prod-secret-key"
  [ -s "$key_file" ] || (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(64))' >"$key_file")
  SECRET_KEY="$(cat "$key_file")"
  export SECRET_KEY
fi

python manage.py migrate --noinput -v 0
python manage.py collectstatic --noinput -v 0
echo "forum-portal (production settings, plain HTTP) at http://127.0.0.1:$PORT/  (/healthz reports each part)"
exec honcho start -f Procfile
