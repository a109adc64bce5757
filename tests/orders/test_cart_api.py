"""The cart API: a signed-in user's own lines, priced live; another user's line is a 404 and changes nothing."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Book
from orders.models import CartItem
from orders.services import cart_add_item
from tests.envelope import data_of, error_of, no_content
from tests.factories import BookFactory
from tests.openapi_answers import assert_documented

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(customer):
    client = APIClient()
    client.force_authenticate(customer)
    return client


def test_the_cart_exactly_v1(client, customer, book):
    short = BookFactory(title="Emma", price="8.00", stock=1)
    first, _ = cart_add_item(user=customer, book=book, quantity=2)
    second, _ = cart_add_item(user=customer, book=short, quantity=3)

    assert data_of(client.get(reverse("v1:cart"))) == {
        "items": [
            {
                "id": first.pk,
                "book": book.pk,
                "title": "Middlemarch",
                "quantity": 2,
                "unit_price": "12.50",
                "line_total": "25.00",
                "problems": [],
            },
            {
                "id": second.pk,
                "book": short.pk,
                "title": "Emma",
                "quantity": 3,
                "unit_price": "8.00",
                "line_total": "24.00",
                "problems": ["insufficient_stock"],
            },
        ],
        "total": "49.00",
        "currency": "EUR",
        "item_count": 5,
    }


def test_the_cart_exactly_v2(client, customer, book):
    item, _ = cart_add_item(user=customer, book=book, quantity=2)
    Book.objects.filter(pk=book.pk).update(is_active=False)

    assert data_of(client.get(reverse("v2:cart"))) == {
        "items": [
            {
                "id": item.pk,
                "book": book.pk,
                "title": "Middlemarch",
                "quantity": 2,
                "unit_price": {"amount": "12.50", "currency": "EUR"},
                "line_total": {"amount": "25.00", "currency": "EUR"},
                "problems": ["inactive"],
            }
        ],
        "total": {"amount": "25.00", "currency": "EUR"},
        "item_count": 2,
    }


def test_an_empty_cart(client):
    assert data_of(client.get(reverse("v1:cart"))) == {"items": [], "total": "0.00", "currency": None, "item_count": 0}


def test_adding_a_book_makes_a_line_then_adds_to_it(client, book):
    url = reverse("v1:cart-item-list")

    created = client.post(url, {"book": book.pk, "quantity": 2})
    added = client.post(url, {"book": book.pk, "quantity": 3})

    line = data_of(created, 201)
    assert created["Location"] == f"http://testserver{reverse('v1:cart-item-detail', args=[line['id']])}"
    assert data_of(added, 200)["quantity"] == 5
    assert CartItem.objects.get().quantity == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"book": 999_999, "quantity": 1}, "book"),
        ({"book": "inactive", "quantity": 1}, "book"),
        ({"book": "book", "quantity": 0}, "quantity"),
        ({"book": "book", "quantity": 101}, "quantity"),
        ({"book": "book", "quantity": 1, "unit_price": "0.01"}, "unit_price"),
    ],
)
def test_adding_refuses_bad_input_and_writes_nothing(client, book, body, field):
    inactive = BookFactory(is_active=False)
    body = {**body, "book": {"book": book.pk, "inactive": inactive.pk}.get(body["book"], body["book"])}

    error = error_of(client.post(reverse("v1:cart-item-list"), body), 400, "validation_error")

    assert field in error["details"]
    assert not CartItem.objects.exists()


def test_a_second_currency_is_refused(client, customer, book):
    cart_add_item(user=customer, book=book, quantity=1)
    dollars = BookFactory(currency=Book.Currency.USD)

    error_of(client.post(reverse("v1:cart-item-list"), {"book": dollars.pk, "quantity": 1}), 400, "currency_mismatch")

    assert CartItem.objects.count() == 1


def test_patch_and_delete_a_line(client, customer, book):
    item, _ = cart_add_item(user=customer, book=book, quantity=2)
    url = reverse("v1:cart-item-detail", args=[item.pk])

    assert data_of(client.patch(url, {"quantity": 7}))["quantity"] == 7
    no_content(client.delete(url))
    assert not CartItem.objects.exists()


def test_delete_the_cart_empties_it(client, customer, book):
    cart_add_item(user=customer, book=book, quantity=2)

    no_content(client.delete(reverse("v1:cart")))

    assert not CartItem.objects.exists()


@pytest.mark.parametrize(("method", "body"), [("get", None), ("patch", {"quantity": 9}), ("delete", None)])
def test_another_users_line_is_a_404_and_changes_nothing(client, other_customer, book, method, body):
    item, _ = cart_add_item(user=other_customer, book=book, quantity=2)

    error_of(getattr(client, method)(reverse("v1:cart-item-detail", args=[item.pk]), body), 404, "not_found")

    assert CartItem.objects.get().quantity == 2


@pytest.mark.parametrize(("method", "name"), [("get", "v1:cart"), ("delete", "v1:cart"), ("post", "v1:cart-item-list")])
def test_anonymous_callers_have_no_cart(api_client, method, name):
    error_of(getattr(api_client, method)(reverse(name), {}), 401, "not_authenticated")


def test_reading_the_cart_costs_a_fixed_number_of_queries(client, customer, django_assert_num_queries):
    for _ in range(5):
        cart_add_item(user=customer, book=BookFactory(), quantity=1)

    with django_assert_num_queries(1):
        data_of(client.get(reverse("v1:cart")))


def test_adding_in_v2_answers_the_line_as_v2_shows_it_and_the_schema_says_so(client, book):
    created = client.post(reverse("v2:cart-item-list"), {"book": book.pk, "quantity": 2})

    line = data_of(created, 201)
    assert line == {
        "id": line["id"],
        "book": book.pk,
        "title": "Middlemarch",
        "quantity": 2,
        "unit_price": {"amount": "12.50", "currency": "EUR"},
        "line_total": {"amount": "25.00", "currency": "EUR"},
        "problems": [],
    }
    # The committed v2 schema documents that answer (it once named v1's line, with decimal strings).
    schema = yaml.safe_load((Path(settings.BASE_DIR) / "openapi" / "v2.yaml").read_text())
    responses = schema["paths"]["/api/v2/cart/items/"]["post"]["responses"]
    for code in ("200", "201"):
        data = responses[code]["content"]["application/json"]["schema"]["properties"]["data"]
        assert data == {"$ref": "#/components/schemas/CartItemV2"}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_cart_answers_are_what_the_schema_documents(client, customer, book, version):
    # Amounts are decimal strings in v1 and {amount, currency} in v2, on the cart and on each line it adds.
    assert_documented(client.get(reverse(f"{version}:cart")), version, f"/api/{version}/cart/")
    items = reverse(f"{version}:cart-item-list")
    created = client.post(items, {"book": book.pk, "quantity": 1}, format="json")
    added = client.post(items, {"book": book.pk, "quantity": 1}, format="json")

    assert (created.status_code, added.status_code) == (201, 200)
    assert_documented(created, version, f"/api/{version}/cart/items/")
    assert_documented(added, version, f"/api/{version}/cart/items/")
    assert_documented(client.get(reverse(f"{version}:cart")), version, f"/api/{version}/cart/")
