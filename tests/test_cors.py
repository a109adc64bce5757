"""CORS: a page served from a configured origin (DJANGO_CORS_ALLOWED_ORIGINS) may call /api/ from a browser;
any other origin, and any path outside /api/, gets no CORS header, so the browser keeps the answer from it."""

import pytest
from django.urls import reverse

from tests.envelope import data_of, error_of

SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _shop_origin_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [SHOP]


def cors_headers(response):
    return {
        name.lower(): value for name, value in response.headers.items() if name.lower().startswith("access-control-")
    }


def preflight(client, url, origin, method="POST"):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
    )


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        pytest.param("v1:book-list", "POST", id="v1-create-book"),
        pytest.param("v2:book-list", "GET", id="v2-list-books"),
        pytest.param("v1:token-obtain", "POST", id="log-in"),
    ],
)
def test_preflight_from_an_allowed_origin_allows_the_request(client, db, url_name, method):
    response = preflight(client, reverse(url_name), SHOP, method)

    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == SHOP
    assert method in headers["access-control-allow-methods"].split(", ")
    allowed = headers["access-control-allow-headers"].split(", ")
    assert {"authorization", "content-type", "if-match", "if-none-match"} <= set(allowed)
    # Tokens go in the Authorization header; cookies are not sent cross-origin.
    assert "access-control-allow-credentials" not in headers


def test_preflight_from_another_origin_gets_no_cors_headers(client, db):
    response = preflight(client, reverse("v1:book-list"), "https://evil.example.net")

    assert cors_headers(response) == {}


def test_preflight_outside_the_api_gets_no_cors_headers(client, db):
    response = preflight(client, reverse("admin:login"), SHOP)

    assert cors_headers(response) == {}


def test_answer_to_an_allowed_origin_exposes_the_etag(client, db):
    response = client.get(reverse("v1:book-list"), HTTP_ORIGIN=SHOP)

    data_of(response)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == SHOP
    assert {"ETag", "Location", "Retry-After", "X-Request-ID"} <= set(
        headers["access-control-expose-headers"].split(", ")
    )
    # Caches keep the answers to different origins apart.
    assert "origin" in response["Vary"].lower().split(", ")


def test_an_error_answer_is_readable_by_an_allowed_origin(client, db):
    response = client.post(reverse("v1:book-list"), {}, content_type="application/json", HTTP_ORIGIN=SHOP)

    error_of(response, 401, "not_authenticated")
    assert cors_headers(response)["access-control-allow-origin"] == SHOP


def test_answer_to_another_origin_has_no_cors_headers(client, db):
    response = client.get(reverse("v1:book-list"), HTTP_ORIGIN="https://evil.example.net")

    data_of(response)
    assert cors_headers(response) == {}
