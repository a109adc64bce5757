#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis runs every operation of v1 and v2 as anonymous, customer, catalog manager
# and superuser against a live gunicorn, with every check (server errors; status codes, bodies, headers and
# content types against the schema; schema-valid requests accepted and schema-violating ones refused) and every
# phase (examples, coverage, fuzzing, stateful). schemathesis.toml says which answers count as acceptance or
# refusal, and why. Any failure fails the script.
#
#   bash scripts/fuzz_api.sh                                  # needs .venv with requirements-dev.txt
#   FUZZ_EXAMPLES=50 FUZZ_SEEDS="20261124 7 99" bash scripts/fuzz_api.sh   # deeper: more examples, more seeds
#
# The first seed runs every phase for each role (FUZZ_ROLES, all four by default); each further seed runs the
# fuzzing and stateful phases (the only random ones) for each role again. Every run starts from freshly reset
# fuzz accounts with a new token. It uses DATABASE_URL if set (CI points it at PostgreSQL), else a throwaway
# SQLite file. The closing summary gives each run's test cases, failures and duration (also written to the file
# FUZZ_SUMMARY names, if set).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
port=${FUZZ_PORT:-8765}
examples=${FUZZ_EXAMPLES:-5}
read -r -a seeds <<<"${FUZZ_SEEDS:-20261124 20261201}"
workdir=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=bookstore.settings.test
# Two gunicorn workers with the test settings' per-process cache: the read cache could not see the other
# worker's writes (it needs Redis for that), so it is off.
export DJANGO_API_READ_CACHE_SECONDS=0
export DJANGO_JWT_ACCESS_MINUTES=240
# The fuzzer sends thousands of requests from one address: the auth throttles would answer most with 429.
export DJANGO_THROTTLE_LOGIN=100000/minute DJANGO_THROTTLE_LOGIN_ACCOUNT=100000/minute
export DJANGO_THROTTLE_REGISTER=100000/minute DJANGO_THROTTLE_REFRESH=100000/minute
export DATABASE_URL=${DATABASE_URL:-sqlite:///$workdir/fuzz.sqlite3}

# Set-up steps are retried: a PostgreSQL shared with other work may refuse a new connection for a moment.
retry() {
    local attempt
    for attempt in 1 2 3 4 5; do
        "$@" && return 0
        echo "(attempt $attempt of '$*' failed; retrying)" >&2
        sleep $((attempt * 2))
    done
    return 1
}

retry $py manage.py migrate --noinput -v 0
retry $py manage.py load_demo_catalog >/dev/null

# The fuzz accounts as each run needs them: a run as superuser may deactivate the others, change their roles
# or email (every change revokes their tokens), so each run starts from these accounts and a fresh token.
reset_accounts() {
    $py manage.py shell -v 0 -c "
from django.contrib.auth.models import Group
from accounts.models import User
for email, group in [('fuzz-customer@example.com', 'customers'), ('fuzz-manager@example.com', 'catalog_managers')]:
    user, _ = User.objects.get_or_create(email=email)
    user.set_password('fuzz-password-123')
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=group)])
user = User.objects.filter(email='fuzz-superuser@example.com').first()
if user is None:
    User.objects.create_superuser(email='fuzz-superuser@example.com', password='fuzz-password-123')
else:
    user.set_password('fuzz-password-123')
    user.is_active = user.is_staff = user.is_superuser = True
    user.save()
"
}
retry reset_accounts

# The server keeps its PostgreSQL connections, as production does (CONN_MAX_AGE, with health checks): on a
# database server shared with other work, a connection refused mid-run would be a 503 about the machine,
# not about the API.
server_db=$DATABASE_URL
if [[ $server_db == postgres* ]]; then
    server_db+="$([[ $server_db == *\?* ]] && echo '&' || echo '?')conn_max_age=600&conn_health_checks=True"
fi
# Warnings and errors only (a 5xx and its traceback still show): a line per request would bury the report.
DATABASE_URL=$server_db DJANGO_LOG_LEVEL=WARNING .venv/bin/gunicorn bookstore.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning \
    --control-socket "$workdir/gunicorn.ctl" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/schema/" -o /dev/null && break; sleep 0.2; done

token() {
    curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token/" -H 'Content-Type: application/json' \
        -d "{\"email\": \"fuzz-$1@example.com\", \"password\": \"fuzz-password-123\"}" |
        $py -c 'import json, sys; print(json.load(sys.stdin)["data"]["access"])'
}

status=0
summary=()
fuzz() {  # fuzz VERSION ROLE SEED PHASES
    local version=$1 role=$2 seed=$3 phases=$4 args=() started=$SECONDS
    if [ "$role" != anonymous ]; then
        retry reset_accounts
        # logout-all would revoke the token the rest of the run uses.
        args=(-H "Authorization: Bearer $(retry token "$role")" --exclude-path-regex 'logout-all')
    fi
    local log="$workdir/$version-$role-$seed.log"
    echo "==> schemathesis $version as $role, seed $seed, phases $phases"
    if ! .venv/bin/schemathesis run "http://127.0.0.1:$port/api/$version/schema/" \
        --checks all --phases "$phases" --max-examples "$examples" --seed "$seed" \
        --no-color --generation-database none "${args[@]}" 2>&1 | tee "$log"; then
        status=1
    fi
    local cases failures
    cases=$(grep -E '^ *[0-9]+ generated' "$log" | tail -n 1 | sed 's/^ *//') || cases='no test cases run'
    failures=$(grep -E '^=+ .* in [0-9.]+s =+$' "$log" | tail -n 1 | sed 's/^=* *//; s/ *=*$//') || failures='no result'
    [[ $failures == *failure* || $failures == 'no result' ]] || failures="0 failures, $failures"
    summary+=("$version $role seed $seed ($phases, $((SECONDS - started)) s): $cases; $failures")
}

read -r -a roles <<<"${FUZZ_ROLES:-anonymous customer manager superuser}"
for version in v1 v2; do
    for role in "${roles[@]}"; do
        fuzz "$version" "$role" "${seeds[0]}" examples,coverage,fuzzing,stateful
    done
    for seed in "${seeds[@]:1}"; do
        for role in "${roles[@]}"; do
            fuzz "$version" "$role" "$seed" fuzzing,stateful
        done
    done
done
echo
echo "schemathesis summary (test cases per run):"
printf '  %s\n' "${summary[@]}"
if [ -n "${FUZZ_SUMMARY:-}" ]; then
    printf '%s\n' "${summary[@]}" >"$FUZZ_SUMMARY"
fi
exit $status
