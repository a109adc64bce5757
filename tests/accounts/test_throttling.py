"""Login, registration and refresh are throttled per client; a forged X-Forwarded-For cannot reset the count."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.envelope import data_of, error_of
from tests.factories import PASSWORD

LIMIT = 3
CLIENT_ADDR = "198.51.100.7"
OTHER_ADDR = "198.51.100.8"
WRONG_PASSWORD = "wrong-password"


@pytest.fixture(autouse=True)
def _small_rates(monkeypatch):
    """Three requests a minute in every auth scope; the rates are read from this class attribute."""
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {"auth_login": f"{LIMIT}/minute", "auth_register": f"{LIMIT}/minute", "auth_refresh": f"{LIMIT}/minute"},
    )


def login(addr=CLIENT_ADDR, password=WRONG_PASSWORD, **headers):
    return APIClient().post(
        reverse("v1:token-obtain"), {"email": "reader@example.com", "password": password}, REMOTE_ADDR=addr, **headers
    )


def assert_throttled(response):
    """A 429 "throttled" error envelope that says, in Retry-After, when to try again."""
    error_of(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_login_is_throttled_after_the_rate(reader):
    for _ in range(LIMIT):
        error_of(login(), 401, "not_authenticated")

    assert_throttled(login())
    # Even the right password is refused until the window has passed.
    assert_throttled(login(password=PASSWORD))


def test_a_forged_x_forwarded_for_does_not_reset_the_login_count(reader):
    for n in range(LIMIT):
        error_of(login(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), 401, "not_authenticated")

    assert_throttled(login(HTTP_X_FORWARDED_FOR="203.0.113.99"))
    assert_throttled(login(HTTP_X_FORWARDED_FOR=f"203.0.113.99, {OTHER_ADDR}"))


def test_another_client_is_not_throttled(reader):
    for _ in range(LIMIT):
        login()
    assert_throttled(login())

    error_of(login(addr=OTHER_ADDR), 401, "not_authenticated")
    data_of(login(addr=OTHER_ADDR, password=PASSWORD))


def test_registration_is_throttled_per_client(db):
    def register(n, addr=CLIENT_ADDR, **headers):
        body = {"email": f"new{n}@example.com", "password": "violet-lantern-harbour-917"}
        return APIClient().post(reverse("v1:register"), body, REMOTE_ADDR=addr, **headers)

    for n in range(LIMIT):
        data_of(register(n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), 201)

    assert_throttled(register(10, HTTP_X_FORWARDED_FOR="203.0.113.10"))
    data_of(register(11, addr=OTHER_ADDR), 201)
    registered = sorted(get_user_model().objects.values_list("email", flat=True))
    assert registered == ["new0@example.com", "new11@example.com", "new1@example.com", "new2@example.com"]


def test_refresh_is_throttled_per_client_and_a_throttled_token_is_not_spent(reader):
    def refresh(token, addr=CLIENT_ADDR, **headers):
        return APIClient().post(reverse("v1:token-refresh"), {"refresh": token}, REMOTE_ADDR=addr, **headers)

    token = data_of(login(password=PASSWORD))["refresh"]
    for n in range(LIMIT):
        response = refresh(token, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        token = data_of(response)["refresh"]

    assert_throttled(refresh(token, HTTP_X_FORWARDED_FOR="203.0.113.99"))
    data_of(refresh(token, addr=OTHER_ADDR))


@pytest.fixture
def one_proxy():
    """A deployment behind one trusted proxy, which appends the address it saw to X-Forwarded-For."""
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        yield


@pytest.mark.usefixtures("one_proxy")
def test_behind_one_proxy_the_last_forwarded_address_is_the_client(reader):
    proxy = "10.0.0.1"
    for n in range(LIMIT):
        # The client forges the first entry; the proxy appends the real address.
        error_of(login(addr=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {CLIENT_ADDR}"), 401, "not_authenticated")

    assert_throttled(login(addr=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.99, {CLIENT_ADDR}"))
    assert_throttled(login(addr="10.0.0.2", HTTP_X_FORWARDED_FOR=CLIENT_ADDR))
    error_of(login(addr=proxy, HTTP_X_FORWARDED_FOR=f"{CLIENT_ADDR}, {OTHER_ADDR}"), 401, "not_authenticated")


@pytest.mark.parametrize("login_url", ["admin:login", "rest_framework:login"])
def test_html_login_forms_share_the_login_throttle(client, reader, login_url):
    """Guessing passwords through the admin or the browsable API's login page is throttled too."""
    url = reverse(login_url)
    for _ in range(LIMIT):
        response = client.post(url, {"username": reader.email, "password": WRONG_PASSWORD}, REMOTE_ADDR=CLIENT_ADDR)
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"username": reader.email, "password": PASSWORD}, REMOTE_ADDR=CLIENT_ADDR)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # One bucket per client: the API login is refused as well.
    assert_throttled(login(password=PASSWORD))
