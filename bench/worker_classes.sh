#!/usr/bin/env bash
# Which gunicorn worker class serves a catalog read best (README, "Deploying"): wrk against GET /api/v1/books/
# (a page of 20 books with authors and genres) under sync, gthread and uvicorn workers, production settings,
# gunicorn.conf.py. All the servers run side by side and the runs take turns, round after round, so that a busy
# spell of the machine falls on every class alike; the median of the rounds is printed.
# A benchmark, not a test. Needs wrk (apt-get install wrk) and DATABASE_URL naming a migrated database with the
# demo catalog (manage.py migrate && manage.py load_demo_catalog). BENCH_PORT (first of four ports, 8000),
# BENCH_SECONDS (each run, 8), BENCH_ROUNDS (3) and BENCH_CONNECTIONS (16) change the set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
port=${BENCH_PORT:-8000}
seconds=${BENCH_SECONDS:-8}
rounds=${BENCH_ROUNDS:-3}
connections=${BENCH_CONNECTIONS:-16}

work=$(mktemp -d)
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export DJANGO_SETTINGS_MODULE=bookstore.settings.production DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SECRET_KEY="$($py -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_JWT_SIGNING_KEY="$($py -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_STATIC_ROOT="$work/static"
export PAYMENT_WEBHOOK_SECRET="$($py -c 'import secrets; print(secrets.token_urlsafe(32))')"
export PAYMENT_FAKE_PROVIDER_ALLOWED=true

labels=(
    "sync, 2 workers"
    "sync, 4 workers"
    "gthread, 2 workers x 8 threads"
    "uvicorn (ASGI), 2 workers, CONN_MAX_AGE=0"
)
# --threads 1: gunicorn runs sync with threads (gunicorn.conf.py sets 4) as gthread.
options=(
    "bookstore.wsgi -k sync --workers 2 --threads 1"
    "bookstore.wsgi -k sync --workers 4 --threads 1"
    "bookstore.wsgi -k gthread --workers 2 --threads 8"
    "bookstore.asgi:application -k uvicorn_worker.UvicornWorker --workers 2"
)
# Under ASGI each request's database connection is a new one: kept open (CONN_MAX_AGE=60) they pile up until
# PostgreSQL refuses more ("too many clients", answered 503), so the ASGI server closes them after each request.
conn_max_age=(60 60 60 0)
for i in "${!labels[@]}"; do
    # shellcheck disable=SC2086
    DJANGO_CONN_MAX_AGE=${conn_max_age[$i]} .venv/bin/gunicorn -c gunicorn.conf.py ${options[$i]} \
        --bind "127.0.0.1:$((port + i))" 2>"$work/server-$i.log" &
    servers+=("$!")
done
for i in "${!labels[@]}"; do
    url="http://127.0.0.1:$((port + i))/api/v1/books/"
    for _ in $(seq 150); do curl -sf "$url" -o /dev/null && break; sleep 0.2; done
    wrk -t2 -c"$connections" -d2s "$url" >/dev/null  # warm-up: workers started, connections to PostgreSQL open
done

for round in $(seq "$rounds"); do
    for mode in close keep-alive; do
        header=()
        [ "$mode" = close ] && header=(-H "Connection: close")
        for i in "${!labels[@]}"; do
            out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "${header[@]}" "http://127.0.0.1:$((port + i))/api/v1/books/")
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$mode" \
                "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
                "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
                "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
                "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ' ')" >>"$work/results.tsv"
        done
    done
    echo "round $round of $rounds done" >&2
done

echo "wrk -t2 -c$connections -d${seconds}s --latency [-H 'Connection: close'] GET /api/v1/books/; $(nproc) cores;" \
    "median of $rounds rounds (req/s, and that run's p50 and p99 latency)"
for i in "${!labels[@]}"; do
    for mode in close keep-alive; do
        awk -F'\t' -v i="$i" -v mode="$mode" '$1 == i && $2 == mode' "$work/results.tsv" | sort -t$'\t' -k3 -g |
            awk -F'\t' -v label="${labels[$i]}" -v rounds="$rounds" '
                { rows[NR] = $0; rates = rates sprintf("%.0f ", $3) }
                END {
                    split(rows[int((NR + 1) / 2)], m, "\t")
                    printf "%-42s %-10s %7.1f req/s  p50 %8s  p99 %8s  (rounds: %s) %s\n", label, m[2], m[3], m[4], m[5], rates, m[6]
                }'
    done
done
# What the servers answered, from their own request lines, and the first of any warnings they wrote.
for i in "${!labels[@]}"; do
    # -R and fromjson?: a line that is not JSON (a warning Python printed itself) is skipped.
    statuses=$(jq -rR 'fromjson? | select(.event == "request") | .status' "$work/server-$i.log" | sort | uniq -c |
        awk '{printf "%s x %s, ", $1, $2}') || true
    warning=$(jq -rR 'fromjson? | select(.level == "WARNING" or .level == "ERROR") | .message' "$work/server-$i.log" |
        head -n 1 | cut -c1-160) || true
    echo "${labels[$i]}: ${statuses%, }${warning:+; first warning: $warning}"
done
