#!/usr/bin/env bash
# make throughput SCALE=region|nation: every page of `make bench` under gunicorn (2 and 4
# workers) and wrk over loopback, next to the bare view and the reference page, and the peak
# memory of a web worker and a Celery worker (tests/perf/throughput.py measures and reports).
#
# A fresh PostgreSQL database (THROUGHPUT_PG_URL, dropped and created: use one of its own)
# with the data of `make bench --scale SCALE` and the personas signed in
# (tests/load/prepare.py), Redis (THROUGHPUT_REDIS, flushed: a database number of its own).
# THROUGHPUT_SECONDS (10) per page and worker count, THROUGHPUT_WARMUP (2) before it;
# THROUGHPUT_SEARCH_INDEX=0 skips the search index (at nation scale it takes long; the search
# pages then search an empty index, and the report says so).
# The report goes to var/throughput-<scale>.md; `python -m tests.perf.results` puts it into
# tests/perf/RESULTS.md with the other measurements. Every process started here is stopped
# on exit, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
SCALE=${SCALE:-region}
PG_URL=${THROUGHPUT_PG_URL:-postgres://postgres@127.0.0.1:5432/kw_throughput}
REDIS=${THROUGHPUT_REDIS:-redis://127.0.0.1:6379/14}
RUN_DIR=$PWD/var/throughput
RESULTS=var/throughput-$SCALE.md
INDEX_OPTION=--search-index
[ "${THROUGHPUT_SEARCH_INDEX:-1}" = 0 ] && INDEX_OPTION=

say() { printf '\n--- %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

case "$SCALE" in region|nation) ;; *) echo "SCALE must be region or nation"; exit 2 ;; esac
command -v wrk >/dev/null || {
  echo "wrk is missing: apt-get install -y wrk (Debian's package)"; exit 1; }

rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
export VAR_DIR=$RUN_DIR DJANGO_SETTINGS_MODULE=tests.perf.server_settings
export DATABASE_URL=$PG_URL REDIS_URL=$REDIS CELERY_BROKER_URL=$REDIS
export SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(60))')
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
export PYTHONDONTWRITEBYTECODE=1
PLAN=$RUN_DIR/plan.json

source tests/processes.sh  # after the cd above: from the project root

say "services"
pg_isready -q -d "$PG_URL" || { echo "PostgreSQL at $PG_URL does not answer"; exit 1; }
$PY -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()' || \
  { echo "Redis at $REDIS does not answer"; exit 1; }

say "database (fresh), migrations, static files"
step $PY -m tests.load.prepare reset-db
step $PY manage.py migrate --noinput -v 0
step $PY manage.py collectstatic --noinput -v 0

say "the $SCALE (make bench --scale $SCALE), ${INDEX_OPTION:+the search index, }the personas' sessions"
step $PY -m tests.load.prepare dataset "$PLAN" --scale "$SCALE" $INDEX_OPTION

say "gunicorn and wrk, page by page; then a Celery worker"
step $PY -m tests.perf.throughput "$PLAN" "$RESULTS"
