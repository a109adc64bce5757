"""The order API: checkout (idempotent), reading orders, and the lifecycle actions, with who may do what."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Book
from orders.models import CartItem, IdempotencyKey, Order
from orders.services import cart_add_item, order_payment_update, order_place
from tests.envelope import data_of, error_of
from tests.factories import BookFactory, CustomerFactory, OrderManagerFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "owner": "owner",
    "other_customer": CustomerFactory,
    "order_manager": OrderManagerFactory,
    "superuser": SuperuserFactory,
}


def client_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def client(customer):
    return client_as(customer)


def checkout(client, address, key="key-1", version="v1"):
    return client.post(reverse(f"{version}:order-list"), {"shipping_address": address}, HTTP_IDEMPOTENCY_KEY=key)


def an_order(user, address, *lines, status=Order.Status.PENDING_PAYMENT):
    for book, quantity in lines:
        cart_add_item(user=user, book=book, quantity=quantity)
    order = order_place(user=user, shipping_address=address)
    if status != Order.Status.PENDING_PAYMENT:
        Order.objects.filter(pk=order.pk).update(status=status)
    return Order.objects.get(pk=order.pk)


def expected_order(order, customer, book, address, *, version="v1"):
    price = {"v1": "12.50", "v2": {"amount": "12.50", "currency": "EUR"}}[version]
    total = {"v1": "25.00", "v2": {"amount": "25.00", "currency": "EUR"}}[version]
    created = order.created_at.isoformat().replace("+00:00", "Z")
    updated = order.updated_at.isoformat().replace("+00:00", "Z")
    history = order.history.get()
    body = {
        "id": str(order.pk),
        "number": order.number,
        "status": "pending_payment",
        "lines": [
            {
                "book": book.pk,
                "title": "Middlemarch",
                "isbn": book.isbn,
                "unit_price": price,
                "quantity": 2,
                "line_total": total,
            }
        ],
        "total": total,
        "currency": "EUR",
        "shipping_address": address,
        "payment_status": "none",
        "history": [
            {"status": "pending_payment", "at": history.at.isoformat().replace("+00:00", "Z"), "by": customer.pk}
        ],
        "created_at": created,
        "updated_at": updated,
    }
    if version == "v2":
        del body["currency"]
    return body


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_checkout_answers_the_order_exactly(client, customer, book, address, version):
    cart_add_item(user=customer, book=book, quantity=2)

    response = checkout(client, address, version=version)

    order = Order.objects.get()
    assert data_of(response, 201) == expected_order(order, customer, book, address, version=version)
    assert response["Location"] == f"http://testserver{reverse(f'{version}:order-detail', args=[order.pk])}"
    assert data_of(client.get(reverse(f"{version}:order-detail", args=[order.pk]))) == data_of(response, 201)
    assert Book.objects.get(pk=book.pk).stock == 8
    assert not CartItem.objects.exists()


def test_checkout_without_an_idempotency_key_is_refused(client, customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)

    error_of(client.post(reverse("v1:order-list"), {"shipping_address": address}), 400, "idempotency_key_required")

    assert not Order.objects.exists()


def test_checkout_of_an_empty_cart(client, address):
    error_of(checkout(client, address), 400, "cart_empty")


def test_checkout_short_of_stock_lists_every_short_line_and_changes_nothing(client, customer, book, address):
    short, gone = BookFactory(stock=1), BookFactory(stock=3)
    for item_book in (book, short, gone):
        cart_add_item(user=customer, book=item_book, quantity=2)
    Book.objects.filter(pk=gone.pk).update(is_active=False)

    error = error_of(checkout(client, address), 409, "insufficient_stock")

    assert error["details"] == {
        "lines": [
            {"book": short.pk, "requested": 2, "available": 1},
            {"book": gone.pk, "requested": 2, "available": 0},
        ]
    }
    assert list(Book.objects.order_by("id").values_list("stock", flat=True)) == [10, 1, 3]
    assert CartItem.objects.count() == 3
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [{"status": "paid"}, {"total": "0.01"}, {"user": 1}, {"lines": []}],
)
def test_checkout_refuses_fields_a_client_may_not_set(client, customer, book, address, extra):
    cart_add_item(user=customer, book=book, quantity=2)

    response = client.post(
        reverse("v1:order-list"), {"shipping_address": address, **extra}, HTTP_IDEMPOTENCY_KEY="key-1"
    )

    assert set(error_of(response, 400, "validation_error")["details"]) == set(extra)
    assert not Order.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("country", "gb"), ("country", "GBR"), ("city", ""), ("name", None)])
def test_checkout_checks_the_address(client, customer, book, address, field, value):
    cart_add_item(user=customer, book=book, quantity=2)

    error = error_of(checkout(client, {**address, field: value}), 400, "validation_error")

    assert field in error["details"]["shipping_address"]


def form_fields(address, **more):
    """The address as an HTML form posts it: the browsable API names a nested object's inputs `<field>.<key>`."""
    return {**{f"shipping_address.{key}": value for key, value in address.items()}, **more}


def test_checkout_takes_the_address_as_html_form_input(client, customer, book, address):
    """The browsable API's orders form sends form input; each of its fields was once refused as unknown."""
    cart_add_item(user=customer, book=book, quantity=2)

    response = client.post(
        reverse("v1:order-list"), form_fields(address), format="multipart", HTTP_IDEMPOTENCY_KEY="key-1"
    )

    assert data_of(response, 201)["shipping_address"] == address
    assert Order.objects.get().shipping_address == address


@pytest.mark.parametrize(
    ("fields", "details"),
    [
        ({"shipping_address.planet": "Mars"}, {"shipping_address": {"planet": ["Unknown field."]}}),
        ({"billing_address.city": "Oxford"}, {"billing_address.city": ["Unknown field."]}),
        ({"shipping_address.country": "gb"}, None),
    ],
)
def test_html_form_input_is_as_strict_as_json(client, customer, book, address, fields, details):
    cart_add_item(user=customer, book=book, quantity=2)

    response = client.post(
        reverse("v1:order-list"), form_fields(address, **fields), format="multipart", HTTP_IDEMPOTENCY_KEY="key-1"
    )

    error = error_of(response, 400, "validation_error")
    if details is None:
        assert list(error["details"]["shipping_address"]) == ["country"]
    else:
        assert error["details"] == details
    assert not Order.objects.exists()


def test_a_retry_with_the_same_key_answers_the_first_answer_and_places_nothing_more(client, customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)
    first = checkout(client, address)
    cart_add_item(user=customer, book=book, quantity=1)

    again = checkout(client, address)

    assert (again.status_code, again.content, again["Location"]) == (201, first.content, first["Location"])
    assert Order.objects.count() == 1
    assert Book.objects.get(pk=book.pk).stock == 8


def test_a_refusal_is_replayed_too(client, customer, book, address):
    first = checkout(client, address)
    cart_add_item(user=customer, book=book, quantity=1)

    again = checkout(client, address)

    assert (again.status_code, again.content) == (400, first.content)
    assert not Order.objects.exists()


def test_the_same_key_with_another_body_is_refused(client, customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)
    checkout(client, address)

    error_of(checkout(client, {**address, "city": "Paris"}), 409, "idempotency_key_reused")

    assert Order.objects.count() == 1


def test_keys_are_per_user(client, customer, other_customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)
    cart_add_item(user=other_customer, book=book, quantity=3)

    data_of(checkout(client, address), 201)
    data_of(checkout(client_as(other_customer), address), 201)

    assert sorted(Order.objects.values_list("user", flat=True)) == sorted([customer.pk, other_customer.pk])


def test_a_customer_lists_only_their_orders_newest_first(client, customer, other_customer, book, address):
    older, newer = an_order(customer, address, (book, 1)), an_order(customer, address, (book, 1))
    an_order(other_customer, address, (book, 1))

    page = data_of(client.get(reverse("v1:order-list")))

    assert [order["id"] for order in page["results"]] == [str(newer.pk), str(older.pk)]
    assert page["count"] == 2


def test_order_managers_see_every_order_and_filter_by_status_and_customer(customer, other_customer, book, address):
    mine = an_order(customer, address, (book, 1), status=Order.Status.PAID)
    an_order(customer, address, (book, 1))
    an_order(other_customer, address, (book, 1), status=Order.Status.PAID)
    manager = client_as(OrderManagerFactory())

    assert data_of(manager.get(reverse("v1:order-list")))["count"] == 3
    filtered = data_of(manager.get(reverse("v1:order-list"), {"status": "paid", "customer": customer.pk}))
    assert [order["id"] for order in filtered["results"]] == [str(mine.pk)]


def test_v2_pages_orders_by_cursor(client, customer, book, address):
    orders = [an_order(customer, address, (book, 1)) for _ in range(3)]

    first = data_of(client.get(reverse("v2:order-list"), {"limit": 2}))
    second = data_of(client.get(first["next"]))

    assert [order["id"] for order in first["results"] + second["results"]] == [str(o.pk) for o in reversed(orders)]
    assert second["next"] is None


@pytest.mark.parametrize(("version", "queries"), [("v1", 6), ("v2", 5)])
def test_listing_orders_costs_a_fixed_number_of_queries(customer, address, django_assert_num_queries, version, queries):
    for _ in range(4):
        an_order(customer, address, (BookFactory(), 1), (BookFactory(), 2))
    client = client_as(type(customer).objects.get(pk=customer.pk))

    # the caller's permissions (2), v1's count, the page, its lines, their history
    with django_assert_num_queries(queries):
        assert len(data_of(client.get(reverse(f"{version}:order-list")))["results"]) == 4


# Permission table of the lifecycle actions: (action, status before, role) -> status code.
ALLOWED = {
    ("cancel", "owner"): 200,
    ("cancel", "order_manager"): 200,
    ("cancel", "superuser"): 200,
    ("ship", "order_manager"): 200,
    ("ship", "superuser"): 200,
    ("deliver", "order_manager"): 200,
    ("deliver", "superuser"): 200,
    ("refund", "order_manager"): 200,
    ("refund", "superuser"): 200,
}
BEFORE = {"cancel": "pending_payment", "ship": "paid", "deliver": "shipped", "refund": "paid"}
AFTER = {"cancel": "cancelled", "ship": "shipped", "deliver": "delivered", "refund": "refunded"}
REFUSED = {"anonymous": 401, "owner": 403, "other_customer": 404}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("verb", list(BEFORE))
def test_lifecycle_permission_table(customer, book, address, role, verb):
    order = an_order(customer, address, (book, 2), status=BEFORE[verb])
    actor = customer if role == "owner" else (ROLES[role]() if ROLES[role] else None)

    response = client_as(actor).post(reverse(f"v1:order-{verb}", args=[order.pk]))

    expected = ALLOWED.get((verb, role), REFUSED.get(role))
    assert response.status_code == expected, response.content
    order.refresh_from_db()
    if expected == 200:
        assert data_of(response)["status"] == AFTER[verb]
        assert order.status == AFTER[verb]
        assert order.history.last().by == actor
    else:
        assert order.status == BEFORE[verb]
        assert order.history.count() == 1
    assert Book.objects.get(pk=book.pk).stock == (10 if (verb, expected) == ("cancel", 200) else 8)


def test_any_other_move_is_a_409(customer, book, address):
    order = an_order(customer, address, (book, 1))
    manager = client_as(OrderManagerFactory())

    error_of(manager.post(reverse("v1:order-ship", args=[order.pk])), 409, "invalid_status_transition")

    assert Order.objects.get().status == "pending_payment"


@pytest.mark.parametrize("name", ["v1:order-detail", "v2:order-detail"])
def test_another_customers_order_is_a_404(client, other_customer, book, address, name):
    order = an_order(other_customer, address, (book, 1))

    error_of(client.get(reverse(name, args=[order.pk])), 404, "not_found")


def test_a_paid_order_shows_its_payment(client, customer, book, address):
    order = an_order(customer, address, (book, 1))
    order_payment_update(order=order, payment_status=Order.PaymentStatus.SUCCEEDED)

    data = data_of(client.get(reverse("v1:order-detail", args=[order.pk])))

    assert (data["status"], data["payment_status"]) == ("paid", "succeeded")
    assert [step["status"] for step in data["history"]] == ["pending_payment", "paid"]
    assert data["history"][1]["by"] is None
