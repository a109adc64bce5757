#!/usr/bin/env bash
# deploy/nginx.conf, for real: rendered into a temporary prefix (a self-signed certificate for shop.example.com,
# free ports, the temporary static root, paths of its own; not the system's nginx), checked with `nginx -t`, then
# (unless --check-only) put in front of gunicorn (gunicorn.conf.py, production settings) for a smoke run: the API
# and the docs with their static files through TLS, the forwarding headers trusted as configured, far-future
# caching of hashed static files, and the envelope for the errors nginx answers itself under /api/ (400, 413,
# 414, 502).
#
#   DATABASE_URL=postgres://... bash scripts/proxy_smoke.sh [--check-only]
#
# DATABASE_URL names an empty database of the run's own (.ci/run makes a fresh one). PROXY_PORT, PROXY_HTTP_PORT
# and APP_PORT choose the ports (free ones otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
py=$PWD/.venv/bin/python
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
https_port=${PROXY_PORT:-$(free_port)}
http_port=${PROXY_HTTP_PORT:-$(free_port)}
app_port=${APP_PORT:-$(free_port)}
check_only=false
[ "${1:-}" = "--check-only" ] && check_only=true

prefix=$(mktemp -d)
chmod 755 "$prefix"  # nginx's workers (nobody) read the static files under it
mkdir -p "$prefix/srv/static" "$prefix/temp"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$prefix"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=shop.example.com" \
    -addext "subjectAltName=DNS:shop.example.com" \
    -keyout "$prefix/tls.key" -out "$prefix/tls.pem" 2>/dev/null

# Every host path of the sample, replaced; anything left pointing outside the prefix is a failure.
sed -e "/^user /d" \
    -e "s|^pid /run/nginx.pid;|pid $prefix/nginx.pid;|" \
    -e "s|/var/log/nginx/|$prefix/|g" \
    -e "s|^http {|http {\n    client_body_temp_path $prefix/temp/body;\n    proxy_temp_path $prefix/temp/proxy;\n    fastcgi_temp_path $prefix/temp/fastcgi;\n    uwsgi_temp_path $prefix/temp/uwsgi;\n    scgi_temp_path $prefix/temp/scgi;|" \
    -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e "/listen \[::\]/d" \
    -e "s|/etc/ssl/certs/shop.example.com.pem|$prefix/tls.pem|" \
    -e "s|/etc/ssl/private/shop.example.com.key|$prefix/tls.key|" \
    -e "s|root /srv/bookstore;|root $prefix/srv;|" \
    -e "s|server 127.0.0.1:8000 |server 127.0.0.1:$app_port |" \
    deploy/nginx.conf >"$prefix/nginx.conf"
if grep -vE '^\s*#' "$prefix/nginx.conf" | grep -E '/run/|/var/log|/etc/ssl|/srv/bookstore|:8000 |listen (80|443)|\[::\]'; then
    echo "deploy/nginx.conf: the lines above were not rendered into the prefix (scripts/proxy_smoke.sh)" >&2
    exit 1
fi
nginx=(nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log")
"${nginx[@]}" -t
$check_only && exit 0

export DJANGO_SETTINGS_MODULE=bookstore.settings.production
export DJANGO_SECRET_KEY="$($py -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_JWT_SIGNING_KEY="$($py -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=shop.example.com DJANGO_STATIC_ROOT="$prefix/srv/static" DJANGO_NUM_PROXIES=1
# No real payment provider here: the demo's fake one, allowed explicitly, and a secret of the run's own.
export PAYMENT_WEBHOOK_SECRET="$($py -c 'import secrets; print(secrets.token_urlsafe(32))')"
export PAYMENT_FAKE_PROVIDER_ALLOWED=true
$py manage.py migrate --noinput -v 0
$py manage.py collectstatic --noinput -v 0
$py manage.py load_demo_catalog >/dev/null
chmod -R a+rX "$prefix/srv"

.venv/bin/gunicorn -c gunicorn.conf.py bookstore.wsgi --bind "127.0.0.1:$app_port" 2>"$prefix/app.log" &
app=$!
pids+=("$app")
"${nginx[@]}" -g "daemon off;" &
pids+=("$!")

base="https://shop.example.com:$https_port"
curl_tls=(curl -s --http1.1 --cacert "$prefix/tls.pem" --resolve "shop.example.com:$https_port:127.0.0.1")
for _ in $(seq 100); do "${curl_tls[@]}" -f "$base/api/v1/" -o /dev/null && break; sleep 0.2; done

fail() {
    echo "proxy smoke: $*" >&2
    echo "--- nginx error.log" >&2
    tail -n 20 "$prefix/error.log" >&2 || true
    echo "--- gunicorn" >&2
    tail -n 20 "$prefix/app.log" >&2 || true
    exit 1
}
# expect <what> <status> <json code or -> <curl arguments...>: the status, and the envelope's error.code.
expect() {
    local what=$1 status=$2 code=$3
    shift 3
    local body got
    body=$("${curl_tls[@]}" -o - -w '\n%{http_code}' "$@")
    got=${body##*$'\n'}
    body=${body%$'\n'*}
    [ "$got" = "$status" ] || fail "$what: status $got, expected $status: ${body:0:300}"
    if [ "$code" != - ]; then
        [ "$(jq -r '.success, .error.code' <<<"$body" | tr '\n' ' ')" = "false $code " ] ||
            fail "$what: not the envelope with $code: ${body:0:300}"
    fi
    [ "$code" = - ] && code=text
    echo "ok: $what ($status, $code)"
}

# The API through TLS: X-Forwarded-Proto tells Django it was HTTPS (no redirect with SECURE_SSL_REDIRECT on).
books=$("${curl_tls[@]}" -f "$base/api/v1/books/")
[ "$(jq -r '.success' <<<"$books")" = true ] || fail "GET /api/v1/books/: $books"
echo "ok: GET /api/v1/books/ through nginx over TLS"
# Plain HTTP is redirected to HTTPS.
location=$(curl -s -o /dev/null -w '%header{location}' -H 'Host: shop.example.com' "http://127.0.0.1:$http_port/api/v1/")
[ "$location" = "https://shop.example.com/api/v1/" ] || fail "plain HTTP: Location '$location'"
echo "ok: plain HTTP redirects to HTTPS"
# The request id: the proxy's own when none is given, a given one kept; echoed, and on the app's log line.
given=smoke-$(date +%s)-request
echoed=$("${curl_tls[@]}" -o /dev/null -w '%header{x-request-id}' -H "X-Request-ID: $given" "$base/api/v2/books/?limit=1")
[ "$echoed" = "$given" ] || fail "X-Request-ID '$given' came back as '$echoed'"
generated=$("${curl_tls[@]}" -o /dev/null -w '%header{x-request-id}' -H 'X-Request-ID: not an id' "$base/api/v2/")
[[ "$generated" =~ ^[0-9a-f]{32}$ ]] || fail "a malformed X-Request-ID came back as '$generated'"
echo "ok: X-Request-ID kept when it looks like an id, replaced otherwise"
# The client address: what nginx saw (127.0.0.1), never what the client wrote into X-Forwarded-For.
"${curl_tls[@]}" -o /dev/null -H 'X-Forwarded-For: 203.0.113.66' -H "X-Request-ID: $given-xff" "$base/api/v1/genres/"
sleep 0.5
line=$(grep -F "\"request_id\": \"$given-xff\"" "$prefix/app.log" | grep '"event": "request"') || fail "no request line for $given-xff"
[ "$(jq -r '.client' <<<"$line")" = 127.0.0.1 ] || fail "client from a forged X-Forwarded-For: $line"
echo "ok: the request line's client is the address nginx saw: $(jq -c '{method, path, status, client, request_id}' <<<"$line")"
# Docs and every static file they load, served by nginx from disk; hashed names cached for a year.
for version in v1 v2; do
    page=$("${curl_tls[@]}" -f "$base/api/$version/docs/")
    for asset in $(printf '%s' "$page" | grep -o '/static/[^"]*' | sort -u); do
        cache=$("${curl_tls[@]}" -f -o /dev/null -w '%header{cache-control}' "$base$asset") || fail "$asset"
        [ "$cache" = "public, max-age=31536000, immutable" ] || fail "$asset: Cache-Control '$cache'"
    done
    "${curl_tls[@]}" -f "$base/api/$version/redoc/" -o /dev/null || fail "/api/$version/redoc/"
done
echo "ok: Swagger UI and ReDoc with their static files from nginx, hashed names cached for a year"
# Without nginx (a PaaS), gunicorn serves the same files itself (whitenoise).
curl -sf -o /dev/null -H 'Host: shop.example.com' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$app_port$asset" ||
    fail "gunicorn did not serve $asset itself"
echo "ok: gunicorn serves the static files too (whitenoise), for hosts without nginx"

# The errors nginx answers itself: the envelope under /api/, text elsewhere.
head -c 2000000 /dev/zero >"$prefix/big.json"
expect "a 2 MB body under /api/" 413 payload_too_large -X POST -H 'Content-Type: application/json' \
    --data-binary "@$prefix/big.json" "$base/api/v1/auth/token/"
expect "a 6 KiB request line under /api/" 414 uri_too_long "$base/api/v1/books/?search=$(head -c 6000 /dev/zero | tr '\0' a)"
expect "a 6 KiB header under /api/" 400 bad_request -H "X-Padding: $(head -c 6000 /dev/zero | tr '\0' a)" "$base/api/v1/books/"
expect "a 6 KiB header on the admin" 400 - -H "X-Padding: $(head -c 6000 /dev/zero | tr '\0' a)" "$base/admin/login/"
many=()
for i in $(seq 300); do many+=(-H "X-Field-$i: $i"); done
expect "300 header fields (what fits in nginx's limits reaches the app)" 200 - "${many[@]}" "$base/api/v1/genres/"
kill -TERM "$app"
wait "$app" || true
expect "the app server down, under /api/" 502 service_unavailable "$base/api/v1/books/"
retry=$("${curl_tls[@]}" -o /dev/null -w '%header{retry-after}' "$base/api/v1/books/")
[ "$retry" = 30 ] || fail "502 under /api/: Retry-After '$retry'"
expect "the app server down, on the admin" 502 - "$base/admin/"
echo "proxy smoke: deploy/nginx.conf in front of gunicorn passed"
