"""Registration and refresh are throttled per client; every password check (login, the HTML login forms,
password and email change) per client address and per account; a forged X-Forwarded-For resets nothing."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.tokens import UserRefreshToken
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, UserFactory

LIMIT = 3
ACCOUNT_LIMIT = 8  # above LIMIT, so that one address alone meets its own limit first
CLIENT_ADDR = "198.51.100.7"
OTHER_ADDR = "198.51.100.8"
WRONG_PASSWORD = "wrong-password"
NEW_PASSWORD = "an-entirely-new-pass-phrase"


@pytest.fixture(autouse=True)
def _small_rates(monkeypatch):
    """Three requests a minute per client in every auth scope, eight per account; the rates are read
    from this class attribute."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {
            "auth_login": f"{LIMIT}/minute",
            "auth_login_account": f"{ACCOUNT_LIMIT}/minute",
            "auth_register": f"{LIMIT}/minute",
            "auth_refresh": f"{LIMIT}/minute",
        },
    )


def login(addr=CLIENT_ADDR, password=WRONG_PASSWORD, email="reader@example.com", **headers):
    return APIClient().post(
        reverse("v1:token-obtain"), {"email": email, "password": password}, REMOTE_ADDR=addr, **headers
    )


def signed_in(user):
    """An API client with the user's access token (obtained without touching the login throttle)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {UserRefreshToken.for_user(user).access_token}")
    return client


def change_password(client, current, addr=CLIENT_ADDR):
    body = {"current_password": current, "new_password": NEW_PASSWORD}
    return client.post(reverse("v1:password-change"), body, REMOTE_ADDR=addr)


def change_email(client, current, addr=CLIENT_ADDR, email="new.address@example.com"):
    return client.patch(reverse("v1:me"), {"email": email, "current_password": current}, REMOTE_ADDR=addr)


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


def spread_addresses(n):
    return [f"192.0.2.{index}" for index in range(1, n + 1)]


def test_login_guesses_spread_over_many_addresses_are_throttled_per_account(reader):
    other = UserFactory(email="other@example.com")
    for addr in spread_addresses(ACCOUNT_LIMIT):
        assert login(addr=addr).status_code == 401

    assert_throttled(login(addr="192.0.2.200"))
    # The right password from a fresh address is refused too: the account's bucket is full ...
    assert_throttled(login(addr="192.0.2.201", password=PASSWORD))
    # ... in any letter case of the email ...
    assert_throttled(login(addr="192.0.2.202", email="READER@Example.COM"))
    # ... while another account from a fresh address is not affected.
    assert login(addr="192.0.2.203", email=other.email, password=PASSWORD).status_code == 200


def test_an_unknown_email_is_throttled_like_an_existing_one(db):
    for addr in spread_addresses(ACCOUNT_LIMIT):
        assert login(addr=addr, email="nobody@example.com").status_code == 401

    assert_throttled(login(addr="192.0.2.200", email="nobody@example.com"))


def test_password_change_is_throttled_per_address(reader):
    client = signed_in(reader)
    for _ in range(LIMIT):
        error_of(change_password(client, WRONG_PASSWORD), 400, "validation_error")

    assert_throttled(change_password(client, PASSWORD))
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)
    assert change_password(client, PASSWORD, addr=OTHER_ADDR).status_code == 200


def test_password_change_guesses_spread_over_many_addresses_are_throttled_per_account(reader):
    client = signed_in(reader)
    for addr in spread_addresses(ACCOUNT_LIMIT):
        error_of(change_password(client, WRONG_PASSWORD, addr=addr), 400, "validation_error")

    assert_throttled(change_password(client, PASSWORD, addr="192.0.2.200"))
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)
    # Another user's password change, from one of those addresses, is not affected.
    assert change_password(signed_in(UserFactory()), PASSWORD, addr="192.0.2.1").status_code == 200


def test_email_change_is_throttled_per_address_and_per_account(reader):
    client = signed_in(reader)
    for _ in range(LIMIT):
        error_of(change_email(client, WRONG_PASSWORD), 400, "validation_error")
    assert_throttled(change_email(client, PASSWORD))

    # The refused attempt counted for the account as well: LIMIT + 1 so far.
    for addr in spread_addresses(ACCOUNT_LIMIT - LIMIT - 1):
        error_of(change_email(client, WRONG_PASSWORD, addr=addr), 400, "validation_error")
    assert_throttled(change_email(client, PASSWORD, addr="192.0.2.200"))
    reader.refresh_from_db()
    assert reader.email == "reader@example.com"


def test_a_profile_change_without_a_password_is_not_throttled(reader):
    client = signed_in(reader)
    for n in range(ACCOUNT_LIMIT + 1):
        assert client.patch(reverse("v1:me"), {"first_name": f"Name {n}"}, REMOTE_ADDR=CLIENT_ADDR).status_code == 200


def test_login_password_change_and_email_change_share_the_account_bucket(reader):
    client = signed_in(reader)
    doors = [
        lambda addr: login(addr=addr),
        lambda addr: change_password(client, WRONG_PASSWORD, addr=addr),
        lambda addr: change_email(client, WRONG_PASSWORD, addr=addr),
    ]
    for n, addr in enumerate(spread_addresses(ACCOUNT_LIMIT)):
        response = doors[n % len(doors)](addr)
        assert response.status_code in (400, 401), response.content

    assert_throttled(login(addr="192.0.2.200", password=PASSWORD))


@pytest.mark.parametrize("login_url", ["admin:login", "rest_framework:login"])
def test_html_login_forms_count_per_address_also_when_signed_in(client, reader, login_url):
    """A signed-in session's attempts count per address, not per session user: changing the user does
    not reset the count."""
    url = reverse(login_url)
    for _ in range(LIMIT):
        client.force_login(UserFactory())
        response = client.post(url, {"username": reader.email, "password": WRONG_PASSWORD}, REMOTE_ADDR=CLIENT_ADDR)
        assert response.status_code == 200

    client.force_login(UserFactory())
    response = client.post(url, {"username": reader.email, "password": PASSWORD}, REMOTE_ADDR=CLIENT_ADDR)
    assert response.status_code == 429


@pytest.mark.parametrize("login_url", ["admin:login", "rest_framework:login"])
def test_html_login_forms_count_per_account(client, reader, login_url):
    url = reverse(login_url)
    for addr in spread_addresses(ACCOUNT_LIMIT):
        response = client.post(url, {"username": reader.email, "password": WRONG_PASSWORD}, REMOTE_ADDR=addr)
        assert response.status_code == 200

    response = client.post(url, {"username": reader.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # One bucket per account: the API login is refused as well, from yet another address.
    assert_throttled(login(addr="192.0.2.201", password=PASSWORD))


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
