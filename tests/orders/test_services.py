"""orders/services.py and the catalog's stock services called directly: what each does, and that every refusal
writes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog.models import Book
from catalog.services import InsufficientStock, stock_release, stock_reserve
from orders.errors import CartEmpty, CurrencyMismatch, InvalidStatusTransition
from orders.models import CartItem, Order, OrderLine, OrderStatusChange
from orders.services import (
    cart_add_item,
    cart_clear,
    cart_update_item,
    order_cancel,
    order_deliver,
    order_expire_unpaid,
    order_payment_update,
    order_place,
    order_refund,
    order_ship,
)
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def stock_of(*books):
    return [Book.objects.get(pk=book.pk).stock for book in books]


def placed(user, address, *lines):
    for book, quantity in lines:
        cart_add_item(user=user, book=book, quantity=quantity)
    return order_place(user=user, shipping_address=address)


# Stock ----------------------------------------------------------------------------------------------------------


def test_stock_reserve_takes_every_line_out_of_stock():
    first, second = BookFactory(stock=5), BookFactory(stock=2)

    stock_reserve(lines={second.pk: 2, first.pk: 1})

    assert stock_of(first, second) == [4, 0]


def test_stock_reserve_refuses_listing_every_short_or_inactive_line_and_changes_nothing():
    enough, short, inactive = BookFactory(stock=5), BookFactory(stock=1), BookFactory(stock=9, is_active=False)

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(lines={enough.pk: 2, short.pk: 3, inactive.pk: 1})

    assert refused.value.code == "insufficient_stock"
    assert refused.value.status == 409
    assert refused.value.details == {
        "lines": [
            {"book": short.pk, "requested": 3, "available": 1},
            {"book": inactive.pk, "requested": 1, "available": 0},
        ]
    }
    assert stock_of(enough, short, inactive) == [5, 1, 9]


def test_stock_release_puts_copies_back():
    book = BookFactory(stock=1)

    stock_release(lines={book.pk: 3})

    assert stock_of(book) == [4]


# Cart -----------------------------------------------------------------------------------------------------------


def test_cart_add_item_adds_to_the_line_already_holding_the_book(customer, book):
    first, created = cart_add_item(user=customer, book=book, quantity=2)
    second, created_again = cart_add_item(user=customer, book=book, quantity=3)

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert CartItem.objects.get().quantity == 5


def test_cart_add_item_refuses_a_second_currency_and_writes_nothing(customer, book):
    cart_add_item(user=customer, book=book, quantity=1)
    dollars = BookFactory(currency=Book.Currency.USD)

    with pytest.raises(CurrencyMismatch):
        cart_add_item(user=customer, book=dollars, quantity=1)

    assert list(CartItem.objects.values_list("book", flat=True)) == [book.pk]


def test_cart_add_item_refuses_more_than_100_copies_on_a_line(customer, book):
    cart_add_item(user=customer, book=book, quantity=60)

    with pytest.raises(ValidationError):
        cart_add_item(user=customer, book=book, quantity=41)

    assert CartItem.objects.get().quantity == 60


def test_cart_update_item_refuses_zero(customer, book):
    item, _ = cart_add_item(user=customer, book=book, quantity=2)

    with pytest.raises(ValidationError):
        cart_update_item(item=item, quantity=0)

    assert CartItem.objects.get().quantity == 2


def test_cart_clear_empties_only_that_users_cart(customer, other_customer, book):
    cart_add_item(user=customer, book=book, quantity=1)
    cart_add_item(user=other_customer, book=book, quantity=1)

    cart_clear(user=customer)

    assert list(CartItem.objects.values_list("cart__user", flat=True)) == [other_customer.pk]


# Checkout -------------------------------------------------------------------------------------------------------


def test_order_place_copies_the_lines_takes_stock_and_empties_the_cart(customer, book, address):
    other = BookFactory(title="Persuasion", price="7.25", stock=3)

    order = placed(customer, address, (book, 2), (other, 3))

    assert order.status == Order.Status.PENDING_PAYMENT
    assert re.fullmatch(r"BK-\d{6}", order.number)
    assert order.total == Decimal("46.75")
    assert order.currency == "EUR"
    assert list(order.lines.values_list("book", "title", "isbn", "unit_price", "quantity")) == [
        (book.pk, "Middlemarch", book.isbn, Decimal("12.50"), 2),
        (other.pk, "Persuasion", other.isbn, Decimal("7.25"), 3),
    ]
    assert stock_of(book, other) == [8, 0]
    assert not CartItem.objects.exists()
    assert list(order.history.values_list("status", "by")) == [("pending_payment", customer.pk)]


def test_order_place_refuses_an_empty_cart_and_writes_nothing(customer, address):
    with pytest.raises(CartEmpty):
        order_place(user=customer, shipping_address=address)

    assert not Order.objects.exists()


def test_order_place_refuses_short_stock_and_changes_nothing(customer, book, address):
    short = BookFactory(stock=1)
    cart_add_item(user=customer, book=book, quantity=2)
    cart_add_item(user=customer, book=short, quantity=2)

    with pytest.raises(InsufficientStock) as refused:
        order_place(user=customer, shipping_address=address)

    assert refused.value.details == {"lines": [{"book": short.pk, "requested": 2, "available": 1}]}
    assert stock_of(book, short) == [10, 1]
    assert CartItem.objects.count() == 2
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()


def test_order_numbers_are_sequential(customer, book, address):
    first = placed(customer, address, (book, 1))
    second = placed(customer, address, (book, 1))

    assert int(second.number[3:]) == int(first.number[3:]) + 1


# Lifecycle ------------------------------------------------------------------------------------------------------


def test_order_cancel_by_the_owner_restores_stock_and_records_who(customer, book, address):
    order = placed(customer, address, (book, 4))

    order = order_cancel(order=order, by=customer)

    assert order.status == Order.Status.CANCELLED
    assert stock_of(book) == [10]
    assert list(order.history.values_list("status", "by")) == [
        ("pending_payment", customer.pk),
        ("cancelled", customer.pk),
    ]


def test_order_cancel_by_another_customer_is_refused_and_writes_nothing(customer, other_customer, book, address):
    order = placed(customer, address, (book, 4))

    with pytest.raises(PermissionDenied):
        order_cancel(order=order, by=other_customer)

    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    assert stock_of(book) == [6]


def test_the_lifecycle_of_a_paid_order(customer, order_manager, book, address):
    order = placed(customer, address, (book, 1))
    order = order_payment_update(order=order, payment_status=Order.PaymentStatus.SUCCEEDED)
    assert order.status == Order.Status.PAID

    order = order_ship(order=order, by=order_manager)
    order = order_deliver(order=order, by=order_manager)

    assert order.status == Order.Status.DELIVERED
    assert list(order.history.values_list("status", "by")) == [
        ("pending_payment", customer.pk),
        ("paid", None),
        ("shipped", order_manager.pk),
        ("delivered", order_manager.pk),
    ]


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (order_ship, Order.Status.PENDING_PAYMENT),
        (order_deliver, Order.Status.PAID),
        (order_refund, Order.Status.SHIPPED),
        (order_cancel, Order.Status.PAID),
        (order_refund, Order.Status.CANCELLED),
    ],
)
def test_any_other_move_is_an_invalid_status_transition_that_writes_nothing(
    service, status, customer, order_manager, book, address
):
    order = placed(customer, address, (book, 1))
    Order.objects.filter(pk=order.pk).update(status=status)
    history = OrderStatusChange.objects.count()

    with pytest.raises(InvalidStatusTransition):
        service(order=order, by=order_manager)

    assert Order.objects.get().status == status
    assert OrderStatusChange.objects.count() == history
    assert stock_of(book) == [9]


@pytest.mark.parametrize("service", [order_ship, order_deliver, order_refund])
def test_a_customer_cannot_work_the_lifecycle(service, customer, book, address):
    order = placed(customer, address, (book, 1))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)

    with pytest.raises(PermissionDenied):
        service(order=order, by=customer)

    assert Order.objects.get().status == Order.Status.PAID


def test_a_success_after_cancel_is_kept_and_the_order_needs_a_refund(customer, book, address):
    order = order_cancel(order=placed(customer, address, (book, 1)), by=customer)

    order = order_payment_update(order=order, payment_status=Order.PaymentStatus.SUCCEEDED)

    assert (order.status, order.payment_status, order.needs_refund) == ("cancelled", "succeeded", True)


def test_order_expire_unpaid_cancels_only_old_unpaid_orders(customer, book, address):
    old, recent = placed(customer, address, (book, 2)), placed(customer, address, (book, 3))
    paid = placed(customer, address, (book, 1))
    order_payment_update(order=paid, payment_status=Order.PaymentStatus.SUCCEEDED)
    Order.objects.filter(pk__in=[old.pk, paid.pk]).update(created_at=timezone.now() - timedelta(hours=1))

    count = order_expire_unpaid(created_before=timezone.now() - timedelta(minutes=30))

    assert count == 1
    assert dict(Order.objects.values_list("pk", "status")) == {
        old.pk: "cancelled",
        recent.pk: "pending_payment",
        paid.pk: "paid",
    }
    assert stock_of(book) == [10 - 3 - 1]
    assert Order.objects.get(pk=old.pk).history.last().by is None
