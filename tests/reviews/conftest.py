"""Helpers of the review tests: reviews written through the service, orders bought and refunded."""

import pytest

from orders.models import Order
from orders.services import cart_add_item, order_payment_update, order_place, order_refund
from reviews.services import review_create
from tests.factories import ModeratorFactory, OrderManagerFactory
from tests.shopping import ADDRESS


def write(user, book, rating=4, body="A good read.", title=""):
    """A review written through the service, as the API writes it."""
    return review_create(user=user, book=book, rating=rating, title=title, body=body)


def bought(user, *books, paid=True):
    """An order of one copy of each book, placed by `user`, paid unless `paid=False`."""
    for book in books:
        cart_add_item(user=user, book=book, quantity=1)
    order = order_place(user=user, shipping_address=ADDRESS)
    if paid:
        order = order_payment_update(order=order, payment_status=Order.PaymentStatus.SUCCEEDED)
    return order


def refunded(order):
    return order_refund(order=order, by=OrderManagerFactory())


@pytest.fixture
def moderator(db):
    return ModeratorFactory()
