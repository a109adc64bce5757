"""Fixtures of the cart, order and payment tests (a customer, books in stock, a shipping address), shared by
tests/orders and tests/payments through the root conftest."""

import pytest

from tests.factories import BookFactory, CustomerFactory, OrderManagerFactory

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


@pytest.fixture
def order_manager(db):
    return OrderManagerFactory()


@pytest.fixture
def other_customer(db):
    return CustomerFactory()


@pytest.fixture
def book(db):
    return BookFactory(title="Middlemarch", price="12.50", stock=10)


@pytest.fixture
def address():
    return dict(ADDRESS)
