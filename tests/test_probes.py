"""/healthz and /readyz: answered before the Host check and the HTTPS redirect, liveness touching nothing,
readiness naming what failed."""

import json
import socket
import time

import pytest
from django.db import connection, connections

from tests.test_settings import PRODUCTION_REQUIRED, run_python

PROBE_HOST = "10.0.0.7:8000"  # a load balancer probing a machine by its address, not in ALLOWED_HOSTS
# The test settings have a replica alias (the test database again): readiness reports it too.
databases = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture(autouse=True)
def _close_replica_connection():
    """The test harness opens the replica alias's connection when a test may use it; close it, or the test
    database cannot be dropped at the end of the run."""
    yield
    connections["replica"].close()


def unreachable(alias, monkeypatch, tmp_path):
    """Point `alias` (for new connections) at a database that refuses them."""
    settings_dict = connections[alias].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        monkeypatch.setitem(settings_dict, "NAME", str(tmp_path / "no-such-folder" / "db.sqlite3"))
    else:
        # Port 1 on this machine: nothing listens, the connection is refused at once.
        monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(settings_dict, "PORT", "1")


def test_healthz_answers_without_touching_the_database_or_the_cache(client, monkeypatch):
    # No django_db mark: any database access fails the test. A cache that raises must not matter either.
    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr("django.core.cache.cache.get", broken)
    monkeypatch.setattr("django.core.cache.cache.set", broken)

    response = client.get("/healthz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@databases
def test_readyz_answers_ready_with_each_check(client):
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok", "replica": "ok"}}
    assert response["Cache-Control"] == "no-store"


@databases
def test_probes_are_served_whatever_the_host_while_other_paths_refuse_it(client):
    assert client.get("/healthz", HTTP_HOST="attacker.example").status_code == 200
    assert client.get("/readyz", HTTP_HOST="attacker.example").status_code == 200
    assert client.get("/api/v1/", HTTP_HOST="attacker.example").status_code == 400


@databases
def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["shop.example.com"]

    assert client.get("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200
    assert client.get("/readyz", HTTP_HOST=PROBE_HOST).status_code == 200
    redirect = client.get("/api/v1/books/", HTTP_HOST="shop.example.com")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://shop.example.com/api/v1/books/"


@databases
def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached(client, monkeypatch, tmp_path):
    unreachable("default", monkeypatch, tmp_path)

    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["database"],
        "checks": {"database": "unavailable", "cache": "ok", "replica": "ok"},
    }
    assert response["Retry-After"] == "5"
    # Liveness does not depend on the database.
    assert client.get("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200


@databases
def test_readyz_is_503_naming_the_cache_when_redis_cannot_be_reached(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }

    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["database"] == "ok"


@databases
def test_a_replica_that_is_away_is_reported_but_keeps_the_process_ready(client, monkeypatch, tmp_path):
    unreachable("replica", monkeypatch, tmp_path)

    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "replica": "unavailable"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: libpq's connect timeout")
@databases
def test_readyz_gives_up_on_a_database_that_never_answers_within_its_timeout(client, monkeypatch, settings):
    settings.PROBE_TIMEOUT_SECONDS = 1
    # A socket that takes connections (the kernel completes the handshake) and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    monkeypatch.setitem(connections["default"].settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(silent.getsockname()[1]))
    try:
        started = time.monotonic()
        response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
        elapsed = time.monotonic() - started
    finally:
        silent.close()

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    # libpq's smallest connect timeout is 2 s.
    assert elapsed < 4, elapsed


def test_probes_take_only_get_and_head(client):
    response = client.post("/healthz", HTTP_HOST=PROBE_HOST)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200


PRODUCTION_PROBES = """
import json
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client()
answers = {
    "healthz": client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code,
    "readyz": client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code,
    "api_by_address": client.get("/api/v1/", HTTP_HOST="10.0.0.7:8000").status_code,
    "api_over_http": client.get("/api/v1/", HTTP_HOST="shop.example.com").status_code,
}
print(json.dumps(answers))
"""


def test_under_production_settings_probes_by_address_over_http_are_served(tmp_path):
    # The real production middleware (HTTPS redirect on, whitenoise, ALLOWED_HOSTS=shop.example.com) in a fresh
    # process, with a SQLite file for a database.
    environ = {**PRODUCTION_REQUIRED, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    process = run_python(["-c", PRODUCTION_PROBES], "bookstore.settings.production", tmp_path / ".env", environ)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == {
        "healthz": 200,
        "readyz": 200,
        "api_by_address": 400,
        "api_over_http": 301,
    }
