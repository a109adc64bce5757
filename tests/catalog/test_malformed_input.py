"""Malformed input anywhere is a 400 (or 411) in the envelope naming what was wrong, before it reaches the
database or a recursion limit: JSON bodies, form bodies, query parameters, headers and cursors."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from bookstore.api.pagination import KeysetPagination
from catalog.models import Book
from tests.envelope import data_of, error_of
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

V2_LISTS = ["v2:book-list", "v2:author-list", "v2:publisher-list", "v2:genre-list"]


def post_json(client, url, text):
    return client.generic("POST", url, text, content_type="application/json")


# JSON bodies --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [33, 10_000])
def test_deeply_nested_json_is_a_parse_error_even_where_nothing_is_throttled(api_client, depth):
    body = "[" * depth + "]" * depth

    error = error_of(post_json(api_client, reverse("v1:token-verify"), body), 400, "parse_error")
    assert "nested deeper than 32" in error["message"]


@pytest.mark.parametrize(
    ("number", "reason"),
    [("1e400", "out of range"), ("-1e400", "out of range"), ("NaN", "not a JSON number"), ("1" * 25, "out of range")],
)
def test_numbers_beyond_range_are_a_parse_error(catalog_manager_client, new_book, number, reason):
    body = json.dumps(new_book).replace(f'"publisher": {new_book["publisher"]}', f'"publisher": {number}')

    error = error_of(post_json(catalog_manager_client, reverse("v1:book-list"), body), 400, "parse_error")
    assert reason in error["message"]
    assert not Book.objects.filter(isbn=new_book["isbn"]).exists()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", 123, "Expected a string."),
        ("pages", "656", "Expected an integer."),
        ("pages", True, "Expected an integer."),
        ("price", 10.99, "Expected a string."),
        ("is_active", "true", "Expected a boolean."),
        ("genres", ["1"], "Expected an integer."),
        ("authors", {"id": 1}, "Expected a list."),
    ],
)
def test_json_values_must_have_the_documented_type(catalog_manager_client, new_book, field, value, expected):
    response = catalog_manager_client.post(reverse("v1:book-list"), {**new_book, field: value}, format="json")

    error = error_of(response, 400, "validation_error")
    assert error["details"] == {field: [expected]}
    assert not Book.objects.filter(isbn=new_book["isbn"]).exists()


def test_a_deeply_nested_byline_in_form_data_is_refused(catalog_manager_client, new_book):
    form = {**new_book, "authors": "[" * 5000 + "]" * 5000, "genres": new_book["genres"]}

    error = error_of(catalog_manager_client.post(reverse("v1:book-list"), form, format="multipart"), 400)
    assert "authors" in error["details"]


# Bodies that would be ignored ---------------------------------------------------------------------------------


def test_a_chunked_body_is_refused_not_ignored(catalog_manager_client, book):
    response = catalog_manager_client.generic(
        "PATCH",
        reverse("v1:book-detail", args=[book.pk]),
        "",
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    )

    error_of(response, 411, "length_required")
    book.refresh_from_db()
    assert book.stock == 7


def test_a_chunked_body_outside_the_api_is_refused_as_plain_text(client):
    response = client.generic("POST", reverse("admin:login"), "", headers={"Transfer-Encoding": "chunked"})

    assert response.status_code == 411
    assert response["Content-Type"].startswith("text/plain")


# Headers ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["no-quotes", "W/", '"unterminated', '"KGcm,#b=N"', '*, "0123456789abcdef"'])
def test_a_malformed_if_match_is_a_parse_error_and_changes_nothing(catalog_manager_client, book, header):
    url = reverse("v1:book-detail", args=[book.pk])

    error_of(catalog_manager_client.patch(url, {"stock": 1}, headers={"If-Match": header}), 400, "parse_error")
    book.refresh_from_db()
    assert book.stock == 7


@pytest.mark.parametrize("junk", ["junk", "W/", '"a"b'])
def test_a_current_etag_in_a_malformed_if_match_does_not_pass(catalog_manager_client, book, junk):
    # The whole header is held to the schema's pattern, not only the tags that happen to parse.
    url = reverse("v1:book-detail", args=[book.pk])
    current = catalog_manager_client.get(url)["ETag"]

    response = catalog_manager_client.delete(url, headers={"If-Match": f"{current}, {junk}"})

    error_of(response, 400, "parse_error")
    assert Book.objects.filter(pk=book.pk).exists()


# Query parameters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "params", "field"),
    [
        ("v1:book-list", {"limit": "abc"}, "limit"),
        ("v1:book-list", {"limit": "0"}, "limit"),
        ("v1:book-list", {"limit": " 5"}, "limit"),
        ("v1:book-list", {"offset": "-1"}, "offset"),
        ("v1:book-list", {"offset": "1" * 25}, "offset"),
        ("v2:book-list", {"limit": "1.5"}, "limit"),
        ("v1:book-list", {"ordering": "publication_date,stock"}, "ordering"),
        ("v2:book-list", {"ordering": "publication_date"}, "ordering"),
        ("v1:book-list", {"publisher": "1e400"}, "publisher"),
        ("v1:book-list", {"author": "1,x"}, "author"),
        ("v1:book-list", {"price_min": "1e3"}, "price_min"),
        ("v1:book-list", {"price_min": ".5"}, "price_min"),
        ("v1:book-list", {"published_after": "01/02/2000"}, "published_after"),
        ("v1:book-list", {"isbn": "not-an-isbn"}, "isbn"),
        ("v1:book-list", {"search": "a b c d e f g h i j k"}, "search"),
        ("v1:genre-list", {"parent": "0"}, "parent"),
        ("v1:user-list", {"is_active": "yes"}, "is_active"),
    ],
)
def test_a_malformed_query_parameter_is_refused_naming_it(client_for, url_name, params, field):
    error = error_of(client_for("superuser").get(reverse(url_name), params), 400, "validation_error")
    assert list(error["details"]) == [field]


def test_an_unknown_ordering_names_the_allowed_values(api_client):
    error = error_of(api_client.get(reverse("v2:book-list"), {"ordering": "stock"}), 400, "validation_error")
    assert error["details"]["ordering"] == [
        "Order by one or more of: title, -title, price, -price, created_at, -created_at, rating_average, "
        "-rating_average."
    ]


def test_a_limit_above_the_maximum_is_capped(api_client):
    BookFactory.create_batch(3)

    assert data_of(api_client.get(reverse("v1:book-list"), {"limit": "1000"}))["limit"] == 100


# Cursors ------------------------------------------------------------------------------------------------------


def unsigned(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


FORGED_CURSORS = {
    "huge-number": unsigned({"v": [1e308 * 10, 1], "r": False}),
    "nul": unsigned({"v": ["\x00", 1], "r": False}),
    "surrogate": base64.urlsafe_b64encode(b'{"v": ["\\ud800", 1], "r": false}').decode(),
    "deep": base64.urlsafe_b64encode(b'{"v": ' + b"[" * 5000 + b"]" * 5000 + b', "r": false}').decode(),
    "huge-decimal": unsigned({"v": ["1E+1000000", 1], "r": False}),
    "not-base64": "%%%",
}


@pytest.mark.parametrize("url_name", V2_LISTS)
@pytest.mark.parametrize("cursor", FORGED_CURSORS.values(), ids=FORGED_CURSORS.keys())
def test_a_forged_cursor_is_refused_on_every_v2_list(api_client, url_name, cursor):
    error = error_of(api_client.get(reverse(url_name), {"cursor": cursor}), 400, "validation_error")
    assert list(error["details"]) == ["cursor"]


def test_a_signed_cursor_with_a_value_its_field_refuses_is_refused(api_client):
    """Defence in depth: even a cursor signed with the server's key is checked field by field."""
    cursor = KeysetPagination.signer.sign_object({"v": ["1E+1000000", 1], "r": False})

    response = api_client.get(reverse("v2:book-list"), {"ordering": "price", "cursor": cursor})
    error_of(response, 400, "validation_error")


def test_a_cursor_the_server_issued_still_works(api_client):
    BookFactory.create_batch(3)
    first = data_of(api_client.get(reverse("v2:book-list"), {"limit": 2}))
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]

    assert signing.Signer(salt="bookstore.api.pagination.KeysetPagination").unsign_object(cursor)["r"] is False
    assert len(data_of(api_client.get(reverse("v2:book-list"), {"limit": 2, "cursor": cursor}))["results"]) == 1


def test_a_byline_entry_without_an_id_in_a_patch_is_refused_not_a_crash(catalog_manager_client, book):
    """Found by the fuzzer: a PATCH skips nested required checks, and the byline's own rules then crashed."""
    url = reverse("v1:book-detail", args=[book.pk])

    error = error_of(catalog_manager_client.patch(url, {"authors": [{"role": "editor"}]}, format="json"), 400)
    assert error["details"] == {"authors": {"0": {"id": ["This field is required."]}}}
    assert [credit.role for credit in book.credits.all()] == ["author", "translator"]


def test_a_byline_entry_without_a_role_in_a_patch_is_an_author(catalog_manager_client, book, novelist):
    url = reverse("v1:book-detail", args=[book.pk])

    data = data_of(catalog_manager_client.patch(url, {"authors": [{"id": novelist.pk}]}, format="json"))
    assert data["authors"] == [{"id": novelist.pk, "role": "author"}]


def test_read_only_values_sent_back_are_ignored_whatever_they_are(catalog_manager_client, book):
    url = reverse("v1:book-detail", args=[book.pk])

    data = data_of(catalog_manager_client.patch(url, {"stock": 2, "updated_at": "AAA", "id": "x"}, format="json"))
    assert (data["id"], data["stock"]) == (book.pk, 2)
