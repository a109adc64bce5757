#!/usr/bin/env bash
# A PostgreSQL outage under load: ~20 requests/s of anonymous reads and customers' idempotent checkouts against
# gunicorn (production settings), the database cluster stopped for 10 s and started again, while a load balancer's
# probes poll /healthz and /readyz. scripts/prod_checks.py checks: 0 x 500; every failure a 503 envelope with
# Retry-After; the first success within 2 s of the database's return; /readyz 503 while it is down and /healthz
# 200 throughout; no order lost or duplicated when clients retry with their Idempotency-Key.
# A throwaway cluster of its own, dropped on exit, passed or failed. Ports: PG_PORT, APP_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prod_lib.sh
trap cleanup_all EXIT

PG_PORT=${PG_PORT:-5452}
APP_PORT=${APP_PORT:-8762}
cluster="bookstore_outage_$PG_PORT"
started=$(date +%s)

log "cluster $cluster on port $PG_PORT"
cluster_create "$cluster" "$PG_PORT"
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bookstore"
production_env
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bookstore"
$PY manage.py migrate --noinput -v 0
log "gunicorn (production settings, 2 workers) on port $APP_PORT"
gunicorn_start "$APP_PORT"

$PY scripts/prod_checks.py outage --app "http://127.0.0.1:$APP_PORT" --cluster "$cluster" --pg-port "$PG_PORT" \
    --pg-version "$PG_VERSION"
log "server log, most frequent lines:"
{ cut -c25-180 "$WORKDIR/gunicorn-$APP_PORT.log" | sort | uniq -c | sort -rn | head -n 5; } || true
log "outage_check done in $(($(date +%s) - started)) s"
