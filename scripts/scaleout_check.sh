#!/usr/bin/env bash
# Two app processes (gunicorn, production settings) on different ports share one PostgreSQL and one Redis
# (REDIS_URL): an account registered through one logs in through the other; a client throttled on one is throttled
# on the other, because the throttle counters live in Redis; a book written through one shows in the next anonymous
# read through either, though both answer anonymous reads from the shared read cache. A throwaway cluster of its
# own, dropped on exit; Redis database REDIS_DB (flushed first: use one that nothing else uses). Ports: PG_PORT,
# APP_PORT and APP_PORT+1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prod_lib.sh
trap cleanup_all EXIT

PG_PORT=${PG_PORT:-5453}
APP_PORT=${APP_PORT:-8763}
REDIS_DB=${REDIS_DB:-13}
LIMIT=6
cluster="bookstore_scaleout_$PG_PORT"
started=$(date +%s)

log "cluster $cluster on port $PG_PORT, Redis database $REDIS_DB"
cluster_create "$cluster" "$PG_PORT"
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bookstore"
production_env
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bookstore"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DJANGO_THROTTLE_LOGIN="$LIMIT/minute"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate --noinput -v 0
log "two gunicorn processes (production settings, 2 workers each) on ports $APP_PORT and $((APP_PORT + 1))"
gunicorn_start "$APP_PORT"
gunicorn_start "$((APP_PORT + 1))"

$PY scripts/prod_checks.py scaleout --apps "http://127.0.0.1:$APP_PORT" "http://127.0.0.1:$((APP_PORT + 1))" \
    --limit "$LIMIT"
log "throttle counters in Redis database $REDIS_DB: $(redis-cli -n "$REDIS_DB" --scan --pattern '*throttle*' | wc -l) key(s)"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
log "scaleout_check done in $(($(date +%s) - started)) s"
