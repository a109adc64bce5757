"""Every response under /api/ is the envelope {"success", "data", "error"}, errors included."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from catalog.models import Author
from catalog.views import AuthorViewSet
from tests.envelope import data_of, error_of, no_content
from tests.factories import AuthorFactory, BookFactory

SNAKE_CASE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def assert_error_envelope(response, status, code=None):
    """`error_of`, and also: the answer is JSON and the error code is snake_case."""
    error = error_of(response, status, code)
    assert response["Content-Type"] == "application/json"
    assert SNAKE_CASE.match(error["code"])
    return error


def test_401_for_an_anonymous_write(client_for):
    response = client_for("anonymous").post(reverse("v1:author-list"), {"name": "Anon", "sort_name": "Anon"})

    assert_error_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_for_a_garbage_bearer_token(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")

    response = api_client.get(reverse("v1:author-list"))

    assert_error_envelope(response, 401, "token_not_valid")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_403_for_a_customer_write(client_for):
    response = client_for("customer").post(reverse("v1:author-list"), {"name": "Cust", "sort_name": "Cust"})

    assert_error_envelope(response, 403, "permission_denied")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda: reverse("v1:api-root") + "no-such-thing/", id="unknown-path"),
        pytest.param(lambda: reverse("v1:api-root") + "no-such-thing", id="unknown-path-without-slash"),
        pytest.param(lambda: reverse("v1:book-list").replace("/v1/", "/v9/"), id="unknown-version"),
        pytest.param(lambda: reverse("v1:author-detail", args=[999999]), id="missing-object"),
        pytest.param(lambda: reverse("v1:author-detail", args=["not-an-id"]), id="malformed-id"),
    ],
)
def test_404(api_client, db, url):
    response = api_client.get(url())

    assert_error_envelope(response, 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_404_for_an_unsafe_method_on_an_unknown_url_from_a_script(db, method):
    # A script has no CSRF cookie; the unknown URL must still answer 404 in the envelope, not a CSRF page.
    client = APIClient(enforce_csrf_checks=True)

    response = getattr(client, method)(reverse("v1:api-root") + "no-such-thing/", {"name": "x"})

    assert_error_envelope(response, 404, "not_found")


@pytest.mark.parametrize("role", ["anonymous", "customer", "catalog_manager", "superuser"])
@pytest.mark.parametrize("url_name", ["v1:author-list", "v2:book-list", "v1:user-list", "v2:cart"])
def test_405_for_a_method_the_url_does_not_offer_whoever_asks(client_for, role, url_name):
    # Not 401 or 403: no credentials could make a PUT on a list succeed (schemathesis' unsupported-method check).
    response = client_for(role).put(reverse(url_name), {"name": "X", "sort_name": "X"}, format="json")

    assert_error_envelope(response, 405, "method_not_allowed")
    assert "PUT" not in response["Allow"]
    assert "GET" in response["Allow"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_413_for_a_body_above_the_upload_limit(catalog_manager_client):
    before = Author.objects.count()
    body = json.dumps({"name": "Long", "sort_name": "Long", "bio": "x" * 200})

    response = catalog_manager_client.post(reverse("v1:author-list"), body, content_type="application/json")

    assert_error_envelope(response, 413, "payload_too_large")
    assert Author.objects.count() == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_within_the_upload_limit_is_accepted(catalog_manager_client):
    body = json.dumps({"name": "Short", "sort_name": "Short"})

    response = catalog_manager_client.post(reverse("v1:author-list"), body, content_type="application/json")

    assert data_of(response, 201)["name"] == "Short"


def test_415_for_plain_text(catalog_manager_client):
    response = catalog_manager_client.post(reverse("v1:author-list"), "name=Plain", content_type="text/plain")

    assert_error_envelope(response, 415, "unsupported_media_type")


def test_400_parse_error_for_broken_json(catalog_manager_client):
    response = catalog_manager_client.post(
        reverse("v1:author-list"), '{"name": "Broken', content_type="application/json"
    )

    assert_error_envelope(response, 400, "parse_error")


def test_400_validation_error_names_the_fields(catalog_manager_client):
    response = catalog_manager_client.post(reverse("v1:author-list"), {})

    error = assert_error_envelope(response, 400, "validation_error")
    assert set(error["details"]) == {"name", "sort_name"}
    assert all(isinstance(messages, list) for messages in error["details"].values())


def test_400_for_too_many_form_fields(catalog_manager_client):
    body = urlencode({f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})

    response = catalog_manager_client.post(
        reverse("v1:author-list"), body, content_type="application/x-www-form-urlencoded"
    )

    assert_error_envelope(response, 400)
    assert not Author.objects.exists()


def test_400_for_too_many_query_parameters(db):
    client = APIClient(raise_request_exception=False)
    query = urlencode({f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})

    response = client.get(f"{reverse('v1:author-list')}?{query}")

    assert_error_envelope(response, 400)


def test_400_for_a_host_that_is_not_allowed(api_client, db):
    response = api_client.get(reverse("v1:author-list"), HTTP_HOST="evil.example")

    assert_error_envelope(response, 400)


class OncePerMinute(AnonRateThrottle):
    rate = "1/min"


def test_429_throttled_with_retry_after(api_client, db, monkeypatch):
    monkeypatch.setattr(AuthorViewSet, "throttle_classes", [OncePerMinute])

    first = api_client.get(reverse("v1:author-list"))
    second = api_client.get(reverse("v1:author-list"))

    data_of(first)
    assert_error_envelope(second, 429, "throttled")
    assert 0 < int(second["Retry-After"]) <= 60


def test_500_is_generic_and_hides_the_cause(api_client, db, monkeypatch, caplog):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(AuthorViewSet, "list", crash)

    response = api_client.get(reverse("v1:author-list"))

    error = assert_error_envelope(response, 500, "server_error")
    assert error["details"] is None
    content = response.content.decode()
    assert "secret detail" not in content
    assert "Traceback" not in content
    assert "RuntimeError" not in content
    assert any(record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records)


def test_503_when_the_database_is_unavailable(api_client, db, monkeypatch):
    def outage(self, request, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(AuthorViewSet, "list", outage)

    response = api_client.get(reverse("v1:author-list"))

    assert_error_envelope(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
    assert "Connection refused" not in response.content.decode()


def test_a_list_is_a_page_in_the_envelope(api_client, db):
    author = AuthorFactory()

    response = api_client.get(reverse("v1:author-list"))

    page = data_of(response)
    assert set(page) == {"count", "limit", "offset", "next", "previous", "results"}
    assert page["count"] == 1
    assert page["results"][0]["id"] == author.pk


def test_a_detail_is_an_object_in_the_envelope(api_client, db):
    author = AuthorFactory()

    response = api_client.get(reverse("v1:author-detail", args=[author.pk]))

    assert data_of(response)["id"] == author.pk


def test_delete_is_204_with_an_empty_body(catalog_manager_client):
    author = AuthorFactory()

    response = catalog_manager_client.delete(reverse("v1:author-detail", args=[author.pk]))

    no_content(response)
    assert not Author.objects.filter(pk=author.pk).exists()


def test_the_api_root_answers_anonymous_users(api_client, db):
    response = api_client.get(reverse("v1:api-root"))

    assert data_of(response)["authors"].endswith(reverse("v1:author-list"))


@pytest.mark.django_db
def test_a_read_with_if_match_is_answered_normally_in_the_envelope(api_client):
    """If-Match guards writes; on a read it must not turn into a bodiless 412."""
    book = BookFactory()
    response = api_client.get(reverse("v1:book-detail", args=[book.pk]), HTTP_IF_MATCH='"stale"')
    assert data_of(response)["id"] == book.pk


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["search=%00", "cursor=%00", "language=en%00"])
def test_a_nul_character_in_the_query_is_a_400_in_the_envelope(api_client, query):
    response = api_client.get(f"{reverse('v2:book-list')}?{query}")
    assert_error_envelope(response, 400, "parse_error")


@pytest.mark.django_db
def test_too_many_search_terms_is_a_validation_error(api_client):
    response = api_client.get(reverse("v1:book-list"), {"search": " ".join(f"w{i}" for i in range(700))})
    assert list(assert_error_envelope(response, 400, "validation_error")["details"]) == ["search"]
