#!/usr/bin/env bash
# A generated client works: for each version, openapi-python-client generates `bookstore_client` from the
# committed schema (openapi/v1.yaml, openapi/v2.yaml), every generated module imports, and the one unmodified
# script scripts/client_script.py runs with it against a live gunicorn (demo catalog, a catalog manager):
# list, filter, follow `next`, log in, create, patch with If-Match, delete, read a 400's code, review a book.
#
#   bash scripts/client_check.sh        # needs .venv with requirements-dev.txt
#
# It uses DATABASE_URL if set (CI points it at an empty PostgreSQL database), else a throwaway SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
py=$PWD/.venv/bin/python
# openapi-python-client formats what it generates with ruff, which it looks up on PATH.
export PATH="$PWD/.venv/bin:$PATH"
workdir=$(mktemp -d)
port=${CLIENT_PORT:-$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
email=client-manager@example.com
password=client-password-123
export DJANGO_SETTINGS_MODULE=bookstore.settings.test
# Two gunicorn workers with the test settings' per-process cache: the read cache could not see the other
# worker's writes (it needs Redis for that), so it is off.
export DJANGO_API_READ_CACHE_SECONDS=0
export DATABASE_URL=${DATABASE_URL:-sqlite:///$workdir/client.sqlite3}

$py manage.py migrate --noinput -v 0
$py manage.py load_demo_catalog >/dev/null
$py manage.py shell -v 0 -c "
from django.contrib.auth.models import Group
from accounts.models import User
user, _ = User.objects.get_or_create(email='$email')
user.set_password('$password')
user.save()
user.groups.add(Group.objects.get(name='catalog_managers'))
"

DJANGO_LOG_LEVEL=WARNING .venv/bin/gunicorn bookstore.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning \
    --control-socket "$workdir/gunicorn.ctl" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/" -o /dev/null && break; sleep 0.2; done

for version in v1 v2; do
    echo "==> openapi-python-client generate from openapi/$version.yaml"
    out="$workdir/$version"
    log="$workdir/generate-$version.log"
    openapi-python-client generate --path "openapi/$version.yaml" --output-path "$out/bookstore_client" \
        --meta none 2>&1 | tee "$log"
    # A warning means parts of the schema were left out of the client ("some pieces may be missing").
    if grep -qi 'warning\|error' "$log"; then
        echo "openapi-python-client did not take all of openapi/$version.yaml" >&2
        exit 1
    fi
    PYTHONPATH="$out" $py -c '
import importlib, pkgutil, bookstore_client
names = [m.name for m in pkgutil.walk_packages(bookstore_client.__path__, "bookstore_client.")]
for name in names:
    importlib.import_module(name)
print(f"imported all {len(names)} generated modules")
'
    echo "==> scripts/client_script.py --version $version"
    PYTHONPATH="$out" $py scripts/client_script.py --version "$version" --base-url "http://127.0.0.1:$port" \
        --email "$email" --password "$password"
done
