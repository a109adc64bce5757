#!/usr/bin/env bash
# Catalog reads on a real PostgreSQL streaming replica, and what happens when it goes away.
#
# Two throwaway clusters: a primary, and a standby made from it with `pg_basebackup -R` (streaming replication).
# gunicorn under production settings with DATABASE_URL (primary) and DATABASE_REPLICA_URL (standby), Redis for the
# shared "this user just wrote" marks. scripts/prod_checks.py then shows, counting statements on `catalog_book`
# in each cluster (pg_stat_statements): anonymous reads are served by the replica; a user who writes and reads at
# once sees the write (from the primary); stopping the replica mid-traffic costs no read (0 x 500); it is used
# again once back. Everything it started is stopped and dropped on exit, passed or failed.
#
# Ports (override for another machine's ranges): PG_PORT primary, PG_PORT+1 standby, APP_PORT gunicorn; REDIS_DB.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prod_lib.sh
trap cleanup_all EXIT

PG_PORT=${PG_PORT:-5450}
APP_PORT=${APP_PORT:-8761}
REDIS_DB=${REDIS_DB:-12}
primary="bookstore_primary_$PG_PORT"
standby="bookstore_standby_$((PG_PORT + 1))"
started=$(date +%s)

log "primary cluster $primary on port $PG_PORT"
cluster_create "$primary" "$PG_PORT"
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bookstore"
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bookstore -c "CREATE EXTENSION pg_stat_statements"

production_env
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bookstore?application_name=bookstore_primary"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DATABASE_REPLICA_STICKY_SECONDS=5 DATABASE_REPLICA_RETRY_SECONDS=3
# The router is under test: the read cache (on with REDIS_URL) would answer anonymous reads from Redis and read the
# primary for what it stores (tests/test_replica.py), so it is off here.
export DJANGO_API_READ_CACHE_SECONDS=0
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo_catalog >/dev/null

log "standby cluster $standby on port $((PG_PORT + 1)) (pg_basebackup -R from the primary)"
CLUSTERS+=("$standby")
pg_dropcluster --stop "$PG_VERSION" "$standby" 2>/dev/null || true
pg_createcluster "$PG_VERSION" "$standby" -p "$((PG_PORT + 1))" -o fsync=off \
    -o shared_preload_libraries=pg_stat_statements -- --auth=trust --no-sync >/dev/null
datadir="/var/lib/postgresql/$PG_VERSION/$standby"
rm -rf "${datadir:?}"/*
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$datadir" -R -X stream -c fast
pg_ctlcluster "$PG_VERSION" "$standby" start
pg_wait "$((PG_PORT + 1))"
in_recovery=$(psql -tA -h 127.0.0.1 -p "$((PG_PORT + 1))" -U postgres -c "SELECT pg_is_in_recovery()")
streaming=$(psql -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "SELECT state FROM pg_stat_replication")
log "standby in recovery: $in_recovery; replication state on the primary: $streaming"
[ "$in_recovery" = t ] && [ "$streaming" = streaming ]

export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$((PG_PORT + 1))/bookstore?application_name=bookstore_replica_reads"
log "gunicorn (production settings, 2 workers) on port $APP_PORT"
gunicorn_start "$APP_PORT"

$PY scripts/prod_checks.py replica --app "http://127.0.0.1:$APP_PORT" --dbname bookstore \
    --primary-port "$PG_PORT" --replica-port "$((PG_PORT + 1))" --replica-cluster "$standby" \
    --pg-version "$PG_VERSION" --sticky-seconds "$DATABASE_REPLICA_STICKY_SECONDS" \
    --retry-seconds "$DATABASE_REPLICA_RETRY_SECONDS"
log "server log (warnings and errors):"
{ cut -c25-200 "$WORKDIR/gunicorn-$APP_PORT.log" | sort | uniq -c | sort -rn | head -n 5; } || true
log "replica_check done in $(($(date +%s) - started)) s"
