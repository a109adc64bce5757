"""The logs an operator reads: one JSON line per request, the request id from the proxy (or our own) echoed and on
every line of that request, notable events (login failure, throttling, order and payment moves, 5xx with the
traceback in the log only), and the client address as far as the configured proxies are trusted."""

import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.throttling import account_digest
from accounts.tokens import UserRefreshToken
from orders.services import cart_add_item, order_place
from payments.models import Payment
from payments.signatures import sign
from tests.envelope import data_of, error_of
from tests.logcheck import format_like_console

pytestmark = pytest.mark.django_db

PROXY_ID = "req-2f6c1d0e.edge_7"


class Lines(logging.Handler):
    """Every log line as production writes it, parsed back from its JSON."""

    def __init__(self):
        super().__init__()
        format_like_console(self)
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))

    def events(self, name):
        return [line for line in self.lines if line.get("event") == name]


@pytest.fixture
def logs():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def test_one_line_per_request_with_its_fields(logs, customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {UserRefreshToken.for_user(customer).access_token}")

    response = client.get(reverse("v1:me"), {"fields": "x"}, HTTP_X_REQUEST_ID=PROXY_ID, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    [line] = logs.events("request")
    assert line["duration_ms"] > 0
    assert {key: line[key] for key in line if key not in ("timestamp", "duration_ms")} == {
        "level": "INFO",
        "logger": "bookstore.request",
        "message": "GET /api/v1/users/me/ 200",
        "event": "request",
        "method": "GET",
        "path": "/api/v1/users/me/",
        "status": 200,
        "user_id": customer.pk,
        "request_id": PROXY_ID,
        "client": "203.0.113.9",
    }


def test_an_anonymous_request_has_no_user(logs, api_client):
    api_client.get(reverse("v1:book-list"))

    [line] = logs.events("request")
    assert (line["user_id"], line["status"]) == (None, 200)


def test_the_proxys_request_id_is_echoed(api_client):
    response = api_client.get(reverse("v1:book-list"), HTTP_X_REQUEST_ID=PROXY_ID)

    assert response["X-Request-ID"] == PROXY_ID


@pytest.mark.parametrize(
    "given",
    [None, "", "short", "x" * 129, "has space-in-it", "line\nbreak-forged", '"quoted"-value', "ünïcode-id-12"],
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(logs, api_client, given):
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}

    response = api_client.get(reverse("v1:book-list"), **headers)

    generated = response["X-Request-ID"]
    assert generated != given
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    assert logs.events("request")[0]["request_id"] == generated


def test_each_request_gets_its_own_id(api_client):
    first = api_client.get(reverse("v1:book-list"))["X-Request-ID"]
    second = api_client.get(reverse("v1:book-list"))["X-Request-ID"]

    assert first != second


def test_the_id_is_echoed_on_answers_middleware_gives_on_its_own(api_client):
    response = api_client.get(reverse("v1:book-list") + "?q=%00", HTTP_X_REQUEST_ID=PROXY_ID)

    error_of(response, 400, "parse_error")
    assert response["X-Request-ID"] == PROXY_ID


def test_a_forged_forwarded_for_is_not_the_client_without_trusted_proxies(logs, api_client):
    api_client.get(reverse("v1:book-list"), REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert logs.events("request")[0]["client"] == "192.0.2.10"


def test_the_client_is_what_the_trusted_proxy_appended(logs, api_client):
    # One proxy (nginx) appends the address it saw; anything before that the client may have written itself.
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "NUM_PROXIES": 1}):
        api_client.get(reverse("v1:book-list"), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23")

    assert logs.events("request")[0]["client"] == "198.51.100.23"


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK


@pytest.mark.parametrize("url", ["v1:token-obtain", "v2:token-obtain"])
def test_a_failed_login_is_logged_under_the_requests_id_without_the_email_or_password(logs, customer, url):
    response = APIClient().post(
        reverse(url), {"email": customer.email, "password": "not-the-password"}, HTTP_X_REQUEST_ID=PROXY_ID
    )

    error_of(response, 401, "not_authenticated")
    [failure] = logs.events("login_failed")
    assert failure["level"] == "WARNING"
    assert failure["request_id"] == PROXY_ID
    assert failure["account"] == account_digest(customer.email)[:16]
    written = json.dumps(logs.lines)
    assert customer.email not in written
    assert "not-the-password" not in written


def test_throttling_is_logged_with_its_scope(logs, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth_login": "1/minute"}
    )
    body = {"email": "nobody@example.com", "password": "whatever-it-is"}
    APIClient().post(reverse("v1:token-obtain"), body)

    response = APIClient().post(reverse("v1:token-obtain"), body, HTTP_X_REQUEST_ID=PROXY_ID)

    error_of(response, 429, "throttled")
    [throttled] = logs.events("throttled")
    assert (throttled["scope"], throttled["request_id"], throttled["level"]) == ("auth_login", PROXY_ID, "WARNING")


# Real commits (not the test's wrapping transaction), so each event is logged when its request commits; the role
# groups the migrations made are restored for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_order_and_payment_moves_are_logged_once_committed(logs, customer, book, address):
    client = APIClient()
    client.force_authenticate(customer)
    cart_add_item(user=customer, book=book, quantity=1)
    order = order_place(user=customer, shipping_address=address)
    data_of(client.post(reverse("v1:order-payment", args=[order.pk]), HTTP_X_REQUEST_ID=PROXY_ID), 201)
    payment = Payment.objects.get()
    body = json.dumps(
        {
            "id": "evt_1",
            "type": "payment.succeeded",
            "data": {"payment": str(payment.pk), "amount": "12.50", "currency": "EUR"},
        }
    ).encode()
    data_of(
        APIClient().post(
            reverse("payment-webhook"), body, content_type="application/json", HTTP_BOOKSTORE_SIGNATURE=sign(body)
        )
    )

    moves = [
        (line["event"], line.get("previous"), line["status"])
        for line in logs.lines
        if line.get("event") in ("order_placed", "order_status_changed", "payment_started", "payment_status_changed")
    ]
    assert moves == [
        ("order_placed", None, "pending_payment"),
        ("payment_started", None, "pending"),
        ("payment_status_changed", "pending", "succeeded"),
        ("order_status_changed", "pending_payment", "paid"),
    ]
    [started] = logs.events("payment_started")
    assert (started["order_id"], started["payment_id"]) == (str(order.pk), str(payment.pk))
    assert started["request_id"] == PROXY_ID
    [placed] = logs.events("order_placed")
    assert (placed["order_id"], placed["by"], placed["total"]) == (str(order.pk), customer.pk, "12.50")
    assert "request_id" not in placed  # placed by a service call, outside any request
    [request_line] = [line for line in logs.events("request") if line["path"] == reverse("payment-webhook")]
    paid = [line for line in logs.lines if line.get("status") == "paid"]
    assert [line["request_id"] for line in paid] == [request_line["request_id"]]


def test_only_the_move_that_happened_is_logged(logs, customer, book, address, django_capture_on_commit_callbacks):
    cart_add_item(user=customer, book=book, quantity=1)
    order = order_place(user=customer, shipping_address=address)
    client = APIClient()
    client.force_authenticate(customer)

    with django_capture_on_commit_callbacks(execute=True):
        data_of(client.post(reverse("v1:order-cancel", args=[order.pk])))
        error_of(client.post(reverse("v1:order-cancel", args=[order.pk])), 409, "invalid_status_transition")

    assert [(line["previous"], line["status"]) for line in logs.events("order_status_changed")] == [
        ("pending_payment", "cancelled")
    ]


@pytest.mark.urls("tests.api.urls")
def test_a_500_has_its_traceback_in_the_log_and_not_in_the_answer(logs, api_client):
    api_client.raise_request_exception = False

    response = api_client.post(reverse("raise-crash"), HTTP_X_REQUEST_ID=PROXY_ID)

    error = error_of(response, 500, "server_error")
    assert "boom" not in json.dumps(error)
    assert "Traceback" not in response.content.decode()
    [crash] = logs.events("server_error")
    assert crash["level"] == "ERROR"
    assert crash["request_id"] == PROXY_ID
    assert "Traceback (most recent call last)" in crash["exc_info"]
    assert "RuntimeError: boom" in crash["exc_info"]
    assert logs.events("request")[0]["status"] == 500
    assert response["X-Request-ID"] == PROXY_ID


def test_lines_outside_a_request_carry_no_request_id(logs):
    logging.getLogger("orders.management").info("Expired %s orders", 0)

    [line] = logs.lines
    assert "request_id" not in line
