# syntax=docker/dockerfile:1
# forum-portal's production image: the same processes as the Procfile (gunicorn, Celery worker, Celery beat),
# chosen by the command (see docker-compose.yml). Three stages, so neither Node.js nor a compiler is in the image
# that runs. Base images are pinned by version; pin them by digest too (`image@sha256:...`) where you build.
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm
ARG NODE_IMAGE=node:20.18.1-bookworm-slim

# 1. Self-hosted front-end assets (Bootstrap, jsQR, Noto Sans Khmer) from the locked npm packages.
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-static.mjs scripts/
RUN node scripts/build-static.mjs

# 2. The pinned Python requirements in a virtual environment, with whatever a wheel may need to build.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-compile -r requirements.txt

# 3. What runs: the virtual environment, the code, the collected static files, a user without privileges.
FROM ${PYTHON_IMAGE} AS runtime
# WeasyPrint's libraries (sign-in sheets, badges, certificates) and a fallback font; nothing to build with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal /var/lib/forum-portal
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production \
    VAR_DIR=/var/lib/forum-portal \
    STATIC_ROOT=/app/staticfiles \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
COPY --from=assets /src/static/vendor static/vendor
# Hashed, compressed static files (WhiteNoise) are part of the image. The settings refuse to load in production
# without these values; they are placeholders for this one command and are not kept in the image.
RUN SECRET_KEY=collectstatic-only-placeholder-key-not-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=build EMAIL_URL=consolemail:// \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build REDIS_URL=redis://127.0.0.1:6379/0 \
    python manage.py collectstatic --noinput -v 0
USER portal
VOLUME ["/var/lib/forum-portal"]
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "forum_portal.wsgi"]
