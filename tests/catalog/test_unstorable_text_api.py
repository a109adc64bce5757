"""Strings PostgreSQL cannot store (a NUL character, a lone surrogate) are a 400 naming the field in every text
field of the catalog, and find nothing in the admin's autocomplete: never a 500."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from catalog.models import Author, Book, Genre, Publisher
from tests.envelope import error_of

UNSTORABLE = [
    pytest.param("\x00", "Null characters are not allowed.", id="nul"),
    pytest.param("\ud800", "Surrogate characters are not allowed: U+D800.", id="lone-surrogate"),
]


def send(client, method, url, body):
    """The body as JSON text: `\\u0000` and `\\ud800` escapes are valid JSON that decode to these strings."""
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def assert_refused(response, field, message):
    assert error_of(response, 400, "validation_error")["details"] == {field: [message]}


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize(
    "field", ["title", "subtitle", "slug", "isbn", "description", "language", "format", "currency", "authors"]
)
def test_book_text_fields_refuse_unstorable_text(catalog_manager_client, new_book, field, bad, message):
    if field == "authors":  # a byline entry's role
        new_book["authors"][0]["role"] = f"author{bad}"
    else:
        new_book[field] = f"{new_book[field] or 'x'}{bad}"

    response = send(catalog_manager_client, "post", reverse("v1:book-list"), new_book)

    assert_refused(response, field, message)
    assert not Book.objects.exists()


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize(
    ("url_name", "model", "body", "field"),
    [
        ("v1:author-list", Author, {"name": "Ann", "sort_name": "Ann", "bio": "b"}, "name"),
        ("v1:author-list", Author, {"name": "Ann", "sort_name": "Ann", "bio": "b"}, "sort_name"),
        ("v1:author-list", Author, {"name": "Ann", "sort_name": "Ann", "bio": "b"}, "bio"),
        ("v1:author-list", Author, {"name": "Ann", "sort_name": "Ann", "slug": "ann"}, "slug"),
        ("v1:publisher-list", Publisher, {"name": "Pub", "website": "https://p.example/"}, "name"),
        ("v1:publisher-list", Publisher, {"name": "Pub", "website": "https://p.example/"}, "website"),
        ("v1:publisher-list", Publisher, {"name": "Pub", "country": "GB"}, "country"),
        ("v1:genre-list", Genre, {"name": "Noir"}, "name"),
        ("v1:genre-list", Genre, {"name": "Noir", "slug": "noir"}, "slug"),
        ("v2:genre-list", Genre, {"name": "Noir", "slug": "noir"}, "slug"),
    ],
)
def test_catalog_text_fields_refuse_unstorable_text(catalog_manager_client, url_name, model, body, field, bad, message):
    body = {**body, field: f"{body[field]}{bad}"}

    response = send(catalog_manager_client, "post", reverse(url_name), body)

    assert_refused(response, field, message)
    assert not model.objects.exists()


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
def test_a_patch_refuses_unstorable_text(catalog_manager_client, book, bad, message):
    response = send(
        catalog_manager_client, "patch", reverse("v1:book-detail", args=[book.pk]), {"title": f"Crime{bad}"}
    )

    assert_refused(response, "title", message)
    book.refresh_from_db()
    assert book.title == "Crime and Punishment"


@pytest.mark.parametrize("term", ["%00", "Pen%00guin"], ids=["nul", "inner-nul"])
def test_the_admin_autocomplete_refuses_a_nul_before_any_query(superuser_browser, publisher, term):
    query = urlencode({"app_label": "catalog", "model_name": "book", "field_name": "publisher"})

    response = superuser_browser.get(f"{reverse('admin:autocomplete')}?{query}&term={term}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_the_admin_autocomplete_finds_nothing_for_a_surrogate(superuser_browser, publisher):
    query = urlencode({"app_label": "catalog", "model_name": "book", "field_name": "publisher"})

    response = superuser_browser.get(f"{reverse('admin:autocomplete')}?{query}&term=%ED%A0%80")

    assert response.status_code == 200
    assert response.json() == {"results": [], "pagination": {"more": False}}


def test_the_admin_autocomplete_still_finds(superuser_browser, publisher):
    query = {"term": "Pengu", "app_label": "catalog", "model_name": "book", "field_name": "publisher"}

    response = superuser_browser.get(reverse("admin:autocomplete"), query)

    assert response.json()["results"] == [{"id": str(publisher.pk), "text": "Penguin Classics"}]
