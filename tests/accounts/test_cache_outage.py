"""With the shared cache (Redis) unreachable, every endpoint still answers and the throttles keep
limiting, with per-process counters; a warning says the cache is down."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.throttling import fallback_cache
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD

LIMIT = 3
CLIENT_ADDR = "198.51.100.7"


def closed_port():
    """A local TCP port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def redis_down(monkeypatch):
    """The cache is Redis on a port nothing listens on, with the timeouts of the base settings."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {
            "auth_login": f"{LIMIT}/minute",
            "auth_login_account": "100/minute",
            "auth_register": f"{LIMIT}/minute",
            "auth_refresh": f"{LIMIT}/minute",
        },
    )
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    fallback_cache.reset()
    with override_settings(CACHES=caches):
        yield
    fallback_cache.reset()


def test_the_cache_is_really_down():
    with pytest.raises(Exception, match="onnect"):
        cache.get("anything")


def test_login_register_refresh_and_logout_answer(reader, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.throttling"):
        pair = data_of(APIClient().post(reverse("v1:token-obtain"), {"email": reader.email, "password": PASSWORD}))
    assert any("Cache unavailable" in record.getMessage() for record in caplog.records)

    refreshed = data_of(APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}))
    body = {"email": "new@example.com", "password": "violet-lantern-harbour-917"}
    data_of(APIClient().post(reverse("v1:register"), body), 201)
    data_of(APIClient().post(reverse("v1:logout"), {"refresh": refreshed["refresh"]}))
    error_of(APIClient().post(reverse("v1:token-obtain"), {"email": reader.email, "password": "wrong"}), 401)


def test_password_and_email_change_answer(reader):
    client = APIClient()
    client.force_authenticate(reader)

    data_of(client.patch(reverse("v1:me"), {"email": "reader.new@example.com", "current_password": PASSWORD}))
    body = {"current_password": PASSWORD, "new_password": "an-entirely-new-pass-phrase"}
    data_of(client.post(reverse("v1:password-change"), body))


@pytest.mark.parametrize("login_url", ["admin:login", "rest_framework:login"])
def test_the_html_login_forms_answer(client, superuser, login_url):
    response = client.post(reverse(login_url), {"username": superuser.email, "password": PASSWORD})

    assert response.status_code == 302


def test_login_is_still_throttled(reader):
    def login(password):
        body = {"email": reader.email, "password": password}
        return APIClient().post(reverse("v1:token-obtain"), body, REMOTE_ADDR=CLIENT_ADDR)

    for _ in range(LIMIT):
        error_of(login("wrong"), 401, "not_authenticated")

    response = login(PASSWORD)
    error_of(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_registration_is_still_throttled(db):
    def register(n):
        body = {"email": f"new{n}@example.com", "password": "violet-lantern-harbour-917"}
        return APIClient().post(reverse("v1:register"), body, REMOTE_ADDR=CLIENT_ADDR)

    for n in range(LIMIT):
        data_of(register(n), 201)

    error_of(register(LIMIT), 429, "throttled")


def test_the_admin_login_form_is_still_throttled(client, superuser):
    for _ in range(LIMIT):
        response = client.post(reverse("admin:login"), {"username": superuser.email, "password": "wrong"})
        assert response.status_code == 200

    response = client.post(reverse("admin:login"), {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 429


def test_reads_answer(client_for):
    data_of(client_for("anonymous").get(reverse("v1:book-list")))
    data_of(client_for("customer").get(reverse("v1:me")))
