#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis runs every operation of v1 and v2 as anonymous, customer and
# catalog manager against a live gunicorn, and fails on any server error, any response that breaks
# its schema (body, status code, headers) and any wrong content type.
#
#   bash scripts/fuzz_api.sh            # needs .venv with requirements-dev.txt
#   FUZZ_EXAMPLES=50 bash scripts/fuzz_api.sh
#
# It uses DATABASE_URL if set (CI points it at PostgreSQL), else a throwaway SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
port=${FUZZ_PORT:-8765}
examples=${FUZZ_EXAMPLES:-25}
workdir=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=bookstore.settings.test
export DJANGO_JWT_ACCESS_MINUTES=240
export DATABASE_URL=${DATABASE_URL:-sqlite:///$workdir/fuzz.sqlite3}

$py manage.py migrate --noinput -v 0
$py manage.py load_demo_catalog >/dev/null
$py manage.py shell -v 0 -c "
from django.contrib.auth.models import Group
from accounts.models import User
for email, group in [('fuzz-customer@example.com', 'customers'), ('fuzz-manager@example.com', 'catalog_managers')]:
    user, _ = User.objects.get_or_create(email=email)
    user.set_password('fuzz-password-123')
    user.save()
    user.groups.add(Group.objects.get(name=group))
"

.venv/bin/gunicorn bookstore.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/schema/" -o /dev/null && break; sleep 0.2; done

token() {
    curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token/" -H 'Content-Type: application/json' \
        -d "{\"email\": \"$1\", \"password\": \"fuzz-password-123\"}" |
        $py -c 'import json, sys; print(json.load(sys.stdin)["data"]["access"])'
}
customer=$(token fuzz-customer@example.com)
manager=$(token fuzz-manager@example.com)

status=0
summary=()
for version in v1 v2; do
    for role in anonymous customer manager; do
        args=()
        case $role in
            customer) args=(-H "Authorization: Bearer $customer" --exclude-path-regex 'logout-all') ;;
            manager) args=(-H "Authorization: Bearer $manager" --exclude-path-regex 'logout-all') ;;
        esac
        log="$workdir/$version-$role.log"
        echo "==> schemathesis $version as $role"
        if ! .venv/bin/schemathesis run "http://127.0.0.1:$port/api/$version/schema/" \
            --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
            --max-examples "$examples" --seed 20261124 --no-color --generation-database none \
            "${args[@]}" 2>&1 | tee "$log"; then
            status=1
        fi
        summary+=("$version $role: $( (grep -E '[0-9]+ generated' "$log" || echo 'no summary line') | tail -n 1 | sed 's/^ *//')")
    done
done
echo
echo "schemathesis summary (test cases per run):"
printf '  %s\n' "${summary[@]}"
exit $status
