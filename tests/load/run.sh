#!/usr/bin/env bash
# make load: a bounded load test over loopback (see tests/load/locustfile.py for the mix).
#
# A fresh PostgreSQL database (LOAD_PG_URL, dropped and created: use one of its own), the
# region of `make bench --scale region`, the search index, gunicorn (2 workers, production
# settings) and one Celery worker with beat on Redis (LOAD_REDIS, flushed: use a database
# number of its own), then locust headless for LOAD_DURATION. The verdict goes to var/load-results.md; the exit
# status is 1 on any 5xx, failed request, lock error or traceback in the logs.
# Every process started here is stopped on exit, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
PG_URL=${LOAD_PG_URL:-postgres://postgres@127.0.0.1:5432/kw_load}
LOAD_REDIS=${LOAD_REDIS:-redis://127.0.0.1:6379/8}
LOAD_DURATION=${LOAD_DURATION:-5m}
LOAD_USERS=${LOAD_USERS:-30}
LOAD_SPAWN_RATE=${LOAD_SPAWN_RATE:-5}
GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}
RESULTS=${LOAD_RESULTS:-var/load-results.md}
RUN_DIR=$PWD/var/load
LOGS=$RUN_DIR/logs

say() { printf '\n--- %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

rm -rf "$RUN_DIR"
mkdir -p "$LOGS"
export VAR_DIR=$RUN_DIR DJANGO_SETTINGS_MODULE=tests.load.settings
export DATABASE_URL=$PG_URL REDIS_URL=$LOAD_REDIS CELERY_BROKER_URL=$LOAD_REDIS
export SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(60))')
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
export LOAD_PLAN=$LOGS/plan.json LOAD_SAMPLES=$LOGS/samples.json
export PYTHONDONTWRITEBYTECODE=1

source tests/processes.sh  # after the cd above: from the project root

say "services"
pg_isready -q -d "$PG_URL" || { echo "PostgreSQL at $PG_URL does not answer"; exit 1; }
$PY -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()' || \
  { echo "Redis at $LOAD_REDIS does not answer"; exit 1; }

say "database (fresh), migrations, static files"
$PY -m tests.load.prepare reset-db
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0

say "the region (make bench --scale region) and the load users"
$PY -m tests.load.prepare dataset "$LOAD_PLAN"

say "search index"
$PY manage.py rebuild_index --noinput -v 0

say "gunicorn ($GUNICORN_WORKERS workers) and one Celery worker with beat"
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/celery -A intranet worker --beat --queues default,email,search --concurrency 1 \
  --loglevel INFO >"$LOGS/worker.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn intranet.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers "$GUNICORN_WORKERS" --timeout 60 --capture-output --no-control-socket \
  --access-logfile "$LOGS/access.log" --access-logformat '%(s)s %(m)s %(U)s %(M)s' \
  --error-logfile "$LOGS/gunicorn.log" &
pids+=($!)
( while sleep 5; do cat /proc/loadavg; done ) >"$LOGS/loadavg.log" &
pids+=($!)
for _ in $(seq 120); do
  $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/-/live', timeout=2)" \
    2>/dev/null && break
  sleep 0.5
done

cat >"$LOGS/run.env" <<EOF
LOAD_USERS=$LOAD_USERS
LOAD_DURATION=$LOAD_DURATION
LOAD_SPAWN_RATE=$LOAD_SPAWN_RATE
GUNICORN_WORKERS=$GUNICORN_WORKERS
CPUS=$(nproc)
EOF

say "locust: $LOAD_USERS users for $LOAD_DURATION against http://127.0.0.1:$PORT"
# In the background and waited for, so that Ctrl-C or a TERM reaches the trap at once (bash
# runs a trap only after a foreground command ends).
.venv/bin/locust -f tests/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$LOAD_USERS" --spawn-rate "$LOAD_SPAWN_RATE" --run-time "$LOAD_DURATION" \
  --stop-timeout 10 --csv "$LOGS/locust" --only-summary --loglevel WARNING &
pids+=($!)
status=0
wait "$!" || status=$?
echo "locust ended with status $status"

say "the worker finishes what the load queued (up to 60 s)"
for _ in $(seq 60); do
  queued=$($PY -c 'import os, redis; r = redis.Redis.from_url(os.environ["REDIS_URL"]); print(sum(r.llen(q) for q in ("default", "email", "search")))')
  [ "$queued" = 0 ] && break
  sleep 1
done
cleanup

say "verdict"
$PY -m tests.load.summarize "$LOGS" "$RESULTS"
