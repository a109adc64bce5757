"""`manage.py expire_orders`: old unpaid orders are cancelled and their stock restored; nothing else moves."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Book
from orders.models import IdempotencyKey, Order
from orders.services import cart_add_item, order_place

pytestmark = pytest.mark.django_db


def test_expire_orders_cancels_unpaid_orders_past_the_timeout(customer, book, address, settings):
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    cart_add_item(user=customer, book=book, quantity=3)
    old = order_place(user=customer, shipping_address=address)
    cart_add_item(user=customer, book=book, quantity=2)
    recent = order_place(user=customer, shipping_address=address)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    stale = IdempotencyKey.objects.create(user=customer, key="old", fingerprint="x")
    IdempotencyKey.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()

    call_command("expire_orders", stdout=out)

    assert "Cancelled 1 unpaid order(s); forgot 1 idempotency key(s)." in out.getvalue()
    assert dict(Order.objects.values_list("pk", "status")) == {old.pk: "cancelled", recent.pk: "pending_payment"}
    assert Book.objects.get(pk=book.pk).stock == 8
