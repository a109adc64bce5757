"""Books written through HTML forms (the browsable API's form, or any client posting form data) get the same
defaults as JSON: `is_active` left out means active on create and unchanged on update, while the form's
checkbox, which posts a hidden "false" before it, says explicitly what the box shows."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from catalog.models import Book
from tests.envelope import data_of

# The browsable API's forms render `is_active` as a hidden "false" followed by the checkbox.
IS_ACTIVE_INPUTS = re.compile(
    r'<input type="hidden" name="is_active" value="false">\s*'
    r'<input type="checkbox" name="is_active" value="true" ?(checked)?>'
)


def form_fields(body, **overrides):
    """A JSON request body as an HTML form posts it: the byline as JSON text, and no `is_active` unless given."""
    fields = {key: value for key, value in body.items() if key != "is_active"}
    fields["authors"] = json.dumps(body["authors"])
    return {**fields, **overrides}


def post_form(client, url, fields, encoding, method="post"):
    send = getattr(client, method)
    if encoding == "multipart":
        return send(url, fields, format="multipart")
    return send(url, urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded")


ENCODINGS = ["multipart", "urlencoded"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_form_data_without_is_active_creates_an_active_book(catalog_manager_client, new_book, encoding):
    response = post_form(catalog_manager_client, reverse("v1:book-list"), form_fields(new_book), encoding)

    assert data_of(response, 201)["is_active"] is True
    assert Book.objects.get(isbn=new_book["isbn"]).is_active is True


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        pytest.param(["false"], False, id="box-unticked"),
        pytest.param(["false", "true"], True, id="box-ticked"),
    ],
)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_checkbox_decides_on_create(catalog_manager_client, new_book, encoding, posted, expected):
    response = post_form(
        catalog_manager_client, reverse("v1:book-list"), form_fields(new_book, is_active=posted), encoding
    )

    assert data_of(response, 201)["is_active"] is expected
    assert Book.objects.get(isbn=new_book["isbn"]).is_active is expected


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_unticking_the_box_on_the_edit_form_deactivates_the_book(catalog_manager_client, book, new_book, encoding):
    url = reverse("v1:book-detail", args=[book.pk])

    response = post_form(
        catalog_manager_client, url, form_fields(new_book, is_active=["false"]), encoding, method="put"
    )

    assert data_of(response)["is_active"] is False
    book.refresh_from_db()
    assert book.is_active is False


@pytest.mark.parametrize("is_active", [True, False])
def test_form_data_without_is_active_leaves_it_on_update_as_json_does(
    catalog_manager_client, book, new_book, is_active
):
    Book.objects.filter(pk=book.pk).update(is_active=is_active)
    url = reverse("v1:book-detail", args=[book.pk])

    response = post_form(catalog_manager_client, url, form_fields(new_book), "multipart", method="put")

    assert data_of(response)["is_active"] is is_active
    book.refresh_from_db()
    assert book.is_active is is_active


def test_the_create_form_shows_the_box_ticked(catalog_manager_client, book):
    response = catalog_manager_client.get(reverse("v1:book-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    create_form = response.content.decode().split('id="post-object-form"', 1)[1]
    assert IS_ACTIVE_INPUTS.search(create_form).group(1) == "checked"


@pytest.mark.parametrize(("is_active", "shown"), [(True, "checked"), (False, None)])
def test_the_edit_form_shows_the_book_as_it_is(catalog_manager_client, book, is_active, shown):
    Book.objects.filter(pk=book.pk).update(is_active=is_active)

    response = catalog_manager_client.get(reverse("v1:book-detail", args=[book.pk]), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    edit_form = response.content.decode().split('id="put-object-form"', 1)[1]
    assert IS_ACTIVE_INPUTS.search(edit_form).group(1) == shown
