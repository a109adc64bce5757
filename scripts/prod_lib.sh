# Shared by scripts/replica_check.sh, outage_check.sh and scaleout_check.sh (sourced, not run): throwaway
# PostgreSQL clusters (Debian's pg_createcluster) and gunicorn under production settings. Each script registers
# `cleanup_all` on EXIT: every cluster and server it started is stopped and dropped, whether it passed or failed.

PG_VERSION=${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -n 1)}
PY=${PY:-.venv/bin/python}
CLUSTERS=()
SERVERS=()
WORKDIR=$(mktemp -d)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

cleanup_all() {
    local pid name
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    for name in "${CLUSTERS[@]}"; do pg_dropcluster --stop "$PG_VERSION" "$name" 2>/dev/null || true; done
    rm -rf "$WORKDIR"
}

# cluster_create NAME PORT: a new cluster with trust authentication on 127.0.0.1:PORT, started. A cluster of that
# name left over by an interrupted run is dropped first.
cluster_create() {
    local name=$1 port=$2
    pg_dropcluster --stop "$PG_VERSION" "$name" 2>/dev/null || true
    CLUSTERS+=("$name")
    # fsync off and no initial sync: a throwaway cluster that holds nothing worth keeping.
    pg_createcluster "$PG_VERSION" "$name" -p "$port" -o fsync=off \
        -o shared_preload_libraries=pg_stat_statements -- --auth=trust --no-sync >/dev/null
    pg_ctlcluster "$PG_VERSION" "$name" start
    pg_wait "$port"
}

pg_wait() {
    local port=$1
    for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p "$port" && return 0; sleep 0.1; done
    echo "PostgreSQL on port $port did not start" >&2
    return 1
}

# production_env: the environment of a production deployment (secrets of this run's own), for the app and for
# manage.py. The caller sets DATABASE_URL (and DATABASE_REPLICA_URL, REDIS_URL) itself.
production_env() {
    export DJANGO_SETTINGS_MODULE=bookstore.settings.production
    export DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
    export DJANGO_JWT_SIGNING_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
    export PAYMENT_WEBHOOK_SECRET=$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')
    export PAYMENT_FAKE_PROVIDER_ALLOWED=true
    export DJANGO_ALLOWED_HOSTS=127.0.0.1
    # HTTPS redirect stays on: the checks send X-Forwarded-Proto: https as the proxy would.
    export DJANGO_STATIC_ROOT="$WORKDIR/static"
    mkdir -p "$DJANGO_STATIC_ROOT"
}

# gunicorn_start PORT [extra gunicorn args...]: gunicorn serving bookstore.wsgi on 127.0.0.1:PORT, its own control
# socket off, waiting until /healthz answers. Its log goes to $WORKDIR/gunicorn-PORT.log.
gunicorn_start() {
    local port=$1
    shift
    .venv/bin/gunicorn bookstore.wsgi --bind "127.0.0.1:$port" --workers 2 --no-control-socket \
        --log-level warning "$@" >"$WORKDIR/gunicorn-$port.log" 2>&1 &
    SERVERS+=("$!")
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/healthz" -o /dev/null && return 0
        sleep 0.1
    done
    echo "gunicorn on port $port did not start:" >&2
    cat "$WORKDIR/gunicorn-$port.log" >&2
    return 1
}
