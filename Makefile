# forum-portal: the front door. `make run` starts the portal; `make test` runs every check.
SHELL := /bin/bash
# A pipeline fails when any command in it fails, not only the last (pip piped through a filter, say).
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export VENV PORT

# The newest interpreter >= 3.12 that actually runs (pyenv shims fail unless a version is selected).
define find_python
for cand in python3.13 python3.12 python3; do \
  if command -v $$cand >/dev/null 2>&1 && $$cand -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v $$cand; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -V -r); do \
    bin="$$(pyenv root)/versions/$$v/bin/python3"; \
    if [ -x "$$bin" ] && "$$bin" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$bin"; exit 0; fi; \
  done; \
fi; \
exit 1
endef

.PHONY: help
help:
	@echo "make run      set everything up and start the portal (web, Celery worker and beat)"
	@echo "make run-prod the production process set (gunicorn, worker, beat; Procfile) on local PostgreSQL and Redis"
	@echo "make test     set everything up and run ruff, the import layers and the test suite"
	@echo "make bench    seed 100,000 registrations and concerns, load the portal under gunicorn with wrk (README: Performance)"
	@echo "make fmt      format the code (ruff)"
	@echo "make lint     lint the code (ruff) and check the import layers (import-linter)"
	@echo "make messages update the translation catalogues; make compilemessages to compile them"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@PYTHON="$$($(find_python))" || { echo "forum-portal needs Python 3.12 or newer. Install it (for example 'pyenv install 3.12') and run make again." >&2; exit 1; }; \
	echo "Using $$PYTHON ($$($$PYTHON --version))"; \
	[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); "$$PYTHON" -m venv $(VENV); }
	@# The filter drops pip's "Location ... is ignored" warnings; it must not hide pip's own failure (pipefail).
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | { grep -v 'is ignored' || true; }
	$(PY) -m pip install --quiet -r requirements-dev.txt 2>&1 | { grep -v 'is ignored' || true; }
	$(PY) -c 'import django, celery, allauth, importlinter' 
	@touch $@

static/vendor/.built: package.json package-lock.json scripts/build-static.mjs
	@command -v npm >/dev/null || { echo "Node.js and npm are needed to build the static assets." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $@

# The compiled catalogue is committed (Khmer works without gettext); rebuild it when the .po is newer.
locale/km/LC_MESSAGES/django.mo: locale/km/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -l km --ignore=.venv --ignore=node_modules -v 0; \
	else echo "msgfmt (gettext) not found: using the committed Khmer catalogue"; fi

locale_upstream/km/LC_MESSAGES/django.mo: locale_upstream/km/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; \
	else echo "msgfmt (gettext) not found: using the committed upstream supplement"; fi

.PHONY: setup
setup: $(VENV)/.installed static/vendor/.built locale/km/LC_MESSAGES/django.mo locale_upstream/km/LC_MESSAGES/django.mo

.PHONY: run
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  forum-portal is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Log in at http://127.0.0.1:$(PORT)/en/accounts/login/ with a demo account:"
	@$(PY) -c 'import json; [print(f"    {e}  password: {p}") for e, p in json.load(open("var/demo-credentials.json")).items()]'
	@echo "  (passwords are generated on first run and kept in var/demo-credentials.json)"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo ""
	$(VENV)/bin/honcho start -f Procfile.dev

# What docker-compose.yml runs, here: DJANGO_ENV=production, gunicorn (gunicorn.conf.py), worker and beat from the
# production Procfile, against PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL), plain HTTP allowed.
.PHONY: run-prod
run-prod: setup
	scripts/run-prod.sh

.PHONY: test
test: setup
	@source scripts/detect-services.sh && \
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && \
	$(VENV)/bin/lint-imports && \
	$(PY) manage.py makemigrations --check --dry-run -v 0 && \
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: bench
bench: setup
	@source scripts/detect-services.sh && $(PY) bench/bench_http.py $(BENCH_ARGS)

.PHONY: fmt
fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

.PHONY: lint
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

.PHONY: messages
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l km --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor --ignore=bench --ignore=tests

.PHONY: compilemessages
compilemessages: $(VENV)/.installed
	$(PY) manage.py compilemessages -l km --ignore=.venv --ignore=node_modules
