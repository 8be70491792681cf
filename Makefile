# Klima.Werk – the two commands are `make run` and `make test`.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS  ?= redis://127.0.0.1:6379/0
HOST   ?= 127.0.0.1:8000
# The suites run on every core (pytest-xdist). Each process has its own test database,
# index, media folder and Redis databases (intranet/settings/test.py). Tests are handed out
# one by one in pytest-django's order, so that on each process the tests that empty the
# database (transaction=True) run after those that need what the migrations put there.
PARALLEL ?= -n auto --maxprocesses 6

.PHONY: run test venv migrate demo worker lint check test-services drill e2e bench screenshots messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py rebuild_index --noinput

## make run: install, migrate, load the demo region, build the index, start web + worker + beat.
run: demo
	@echo "Klima.Werk läuft auf http://$(HOST)/ (Strg-C beendet alles)"
	@# Each process gets its own process group (set -m), so one TERM per group also
	@# reaches runserver's autoreloader child; Ctrl-C or either process ending stops both.
	@set -m; \
	  $(VENV)/bin/celery -A intranet worker --beat --queues default,email,search \
	    --concurrency 1 --loglevel WARNING & worker=$$!; \
	  $(PY) manage.py runserver $(HOST) & web=$$!; \
	  trap 'trap - INT TERM EXIT; kill -TERM -- -$$web -$$worker 2>/dev/null; wait' INT TERM EXIT; \
	  wait -n

## make test: the whole suite on the embedded default (SQLite, Whoosh, eager Celery).
test: venv
	$(PY) -m pytest -q -p no:cacheprovider $(PARALLEL)

## The same suite against PostgreSQL and Redis, plus the tests that need a real worker.
test-services: venv
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) CELERY_BROKER_URL=$(REDIS) \
	  $(PY) -m pytest -q -p no:cacheprovider $(PARALLEL) -m "not e2e and not perf"

## The backup/restore drill against PostgreSQL: backup, destroy, restore, check (prints times).
drill: venv
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) CELERY_BROKER_URL=$(REDIS) \
	  $(PY) -m pytest -q -p no:cacheprovider -m "not e2e and not perf" \
	  tests/trust/test_backup_restore.py

## Browser journeys in the system Chromium with axe-core.
e2e: venv
	$(PY) -m pytest -q -p no:cacheprovider -m e2e tests

lint: venv
	$(VENV)/bin/ruff check .

check: venv
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=intranet.settings.production \
	  SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=intranet.example $(PY) manage.py check --deploy --fail-level WARNING
	@# The production static pipeline (hashed names) fails on a reference it cannot resolve.
	tmp=$$(mktemp -d) && DJANGO_SETTINGS_MODULE=intranet.settings.production VAR_DIR=$$tmp \
	  SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=intranet.example $(PY) manage.py collectstatic --noinput >/dev/null \
	  && rm -rf $$tmp

## make bench SCALE=region|nation
SCALE ?= region
bench: venv
	$(PY) -m pytest -q -p no:cacheprovider -m perf -s tests/perf --scale $(SCALE)

## make audit: bandit over our code and pip-audit over the installed packages (.ci/audit.py);
## fails on findings not accepted with a reason, says NOT CHECKED when no service answers.
.PHONY: audit
audit: venv
	$(PY) .ci/audit.py

## make load: 5 minutes of signed-in members against gunicorn + PostgreSQL + Redis + a worker,
## over loopback (tests/load/); verdict in var/load-results.md. LOAD_PG_URL's database is
## dropped and created, LOAD_REDIS's database flushed: give both ones of their own.
LOAD_PG_URL ?= postgres://postgres@127.0.0.1:5432/kw_load
LOAD_REDIS ?= redis://127.0.0.1:6379/8
LOAD_DURATION ?= 5m
LOAD_USERS ?= 30
.PHONY: load
load: venv
	LOAD_PG_URL=$(LOAD_PG_URL) LOAD_REDIS=$(LOAD_REDIS) LOAD_DURATION=$(LOAD_DURATION) \
	  LOAD_USERS=$(LOAD_USERS) tests/load/run.sh

## make throughput SCALE=region|nation: every page of `make bench` under gunicorn (2 and 4
## workers) and wrk over loopback, and the peak memory of a web and a Celery worker
## (tests/perf/throughput.sh, needs Debian's wrk); report in var/throughput-<scale>.md.
## THROUGHPUT_PG_URL's database is dropped and created, THROUGHPUT_REDIS's flushed. Not in CI.
THROUGHPUT_PG_URL ?= postgres://postgres@127.0.0.1:5432/kw_throughput
THROUGHPUT_REDIS ?= redis://127.0.0.1:6379/14
THROUGHPUT_SECONDS ?= 10
.PHONY: throughput results
throughput: venv
	SCALE=$(SCALE) THROUGHPUT_PG_URL=$(THROUGHPUT_PG_URL) THROUGHPUT_REDIS=$(THROUGHPUT_REDIS) \
	  THROUGHPUT_SECONDS=$(THROUGHPUT_SECONDS) tests/perf/throughput.sh

## make results: tests/perf/RESULTS.md from the reports the measurements left in var/.
results: venv
	$(PY) -m tests.perf.results

screenshots: venv
	$(PY) tests/e2e/take_screenshots.py http://$(HOST)

## Refresh the translation catalogues after changing strings (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l de -l en --ignore ".venv/*" --ignore "var/*" \
	  --ignore "tests/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) var
