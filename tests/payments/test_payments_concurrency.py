"""Concurrent webhook deliveries and payment starts (PostgreSQL, real threads): an event applies once, an order
gets one pending payment."""

import json
from collections import Counter

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from orders.models import Order
from orders.services import cart_add_item, order_place
from payments.models import Payment, WebhookEvent
from payments.signatures import sign
from tests.concurrency import at_once, concurrency_marks
from tests.factories import BookFactory, CustomerFactory
from tests.shopping import ADDRESS

pytestmark = concurrency_marks()


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def order(customer):
    cart_add_item(user=customer, book=BookFactory(price="12.50", stock=10), quantity=2)
    return order_place(user=customer, shipping_address=ADDRESS)


def start_call(customer, order):
    def call():
        client = APIClient()
        client.force_authenticate(customer)
        response = client.post(reverse("v1:order-payment", args=[order.pk]))
        return response.status_code, response.json()["data"]["id"]

    return call


def test_ten_concurrent_deliveries_of_one_event_apply_it_once(customer, order):
    status, payment_id = start_call(customer, order)()
    assert status == 201
    data = {"payment": payment_id, "amount": "25.00", "currency": "EUR"}
    body = json.dumps({"id": "evt_concurrent", "type": "payment.succeeded", "data": data}).encode()

    def deliver():
        response = APIClient().post(
            reverse("payment-webhook"), body, content_type="application/json", HTTP_BOOKSTORE_SIGNATURE=sign(body)
        )
        return response.status_code, response.json()["data"]["processed"]

    results = at_once([deliver] * 10)

    assert Counter(results) == {(200, True): 1, (200, False): 9}
    assert WebhookEvent.objects.count() == 1
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("paid", "succeeded")
    assert order.history.filter(status=Order.Status.PAID).count() == 1


def test_concurrent_payment_starts_for_one_order_make_one_pending_payment(customer, order):
    results = at_once([start_call(customer, order)] * 10)

    payment = Payment.objects.get()
    assert payment.status == "pending"
    assert Counter(status for status, _ in results) == {201: 1, 200: 9}
    assert {payment_id for _, payment_id in results} == {str(payment.pk)}
