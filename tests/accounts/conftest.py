"""Fixtures shared by the accounts tests."""

import pytest

from tests.factories import CustomerFactory


@pytest.fixture
def reader(db):
    """A customer who signs in as reader@example.com with the factories' PASSWORD."""
    return CustomerFactory(email="reader@example.com")
