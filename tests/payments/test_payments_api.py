"""Paying an order: starting a payment, the signed webhook, and the fake provider's page."""

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import UserRefreshToken
from orders.models import Order
from orders.services import cart_add_item, order_cancel, order_place
from payments.models import Payment, WebhookEvent
from payments.signatures import sign
from tests.envelope import data_of, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(customer):
    client = APIClient()
    client.force_authenticate(customer)
    return client


@pytest.fixture
def order(customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)
    return order_place(user=customer, shipping_address=address)


@pytest.fixture
def payment(client, order):
    data_of(client.post(reverse("v1:order-payment", args=[order.pk])), 201)
    return Payment.objects.get()


def event(payment, kind="payment.succeeded", *, event_id="evt_1", amount=None, currency=None):
    data = {"payment": str(payment.pk), "amount": amount or f"{payment.amount:.2f}", "currency": currency or "EUR"}
    return json.dumps({"id": event_id, "type": kind, "data": data}).encode()


def deliver(body, signature=None):
    signature = sign(body) if signature is None else signature
    return APIClient().post(
        reverse("payment-webhook"), body, content_type="application/json", HTTP_BOOKSTORE_SIGNATURE=signature
    )


def test_starting_a_payment_answers_it_exactly_then_the_same_one_while_pending(client, order):
    url = reverse("v1:order-payment", args=[order.pk])

    first = data_of(client.post(url), 201)
    again = data_of(client.post(url), 200)

    payment = Payment.objects.get()
    assert first == {
        "id": str(payment.pk),
        "status": "pending",
        "amount": "25.00",
        "currency": "EUR",
        "provider": "fake",
        "redirect_url": f"http://testserver{reverse('fake-payment-page', args=[payment.pk])}",
        "created_at": payment.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert again == first
    assert data_of(client.get(url)) == first
    assert Order.objects.get().payment_status == "pending"


def test_only_a_pending_payment_order_can_be_paid(client, order, customer):
    order_cancel(order=order, by=customer)

    error_of(client.post(reverse("v1:order-payment", args=[order.pk])), 409, "order_not_payable")

    assert not Payment.objects.exists()


def test_another_customers_payment_is_a_404(order, other_customer):
    other = APIClient()
    other.force_authenticate(other_customer)

    error_of(other.post(reverse("v1:order-payment", args=[order.pk])), 404, "not_found")
    error_of(other.get(reverse("v1:order-payment", args=[order.pk])), 404, "not_found")
    assert not Payment.objects.exists()


def test_a_successful_payment_marks_the_order_paid(payment):
    assert data_of(deliver(event(payment))) == {"processed": True}

    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("paid", "succeeded")
    assert Payment.objects.get().status == "succeeded"


def test_a_failed_payment_leaves_the_order_pending_so_the_customer_can_try_again(client, payment):
    data_of(deliver(event(payment, "payment.failed")))

    assert Order.objects.get().status == "pending_payment"
    data_of(client.post(reverse("v1:order-payment", args=[payment.order_id])), 201)
    assert Payment.objects.filter(status="pending").count() == 1


def test_a_replayed_event_changes_nothing_twice(payment):
    data_of(deliver(event(payment)))

    assert data_of(deliver(event(payment))) == {"processed": False}
    assert WebhookEvent.objects.count() == 1
    assert Order.objects.get().history.filter(status="paid").count() == 1


@pytest.mark.parametrize(
    "signature",
    ["", "t=1,v1=00", "garbage", "stale", "wrong-secret"],
)
def test_a_bad_signature_is_refused_and_changes_nothing(payment, signature):
    body = event(payment)
    signature = {
        "stale": sign(body, timestamp=int(time.time()) - 301),
        "wrong-secret": sign(body, secret="not-the-secret"),
    }.get(signature, signature)

    error_of(deliver(body, signature or "missing"), 400, "invalid_signature")

    assert Order.objects.get().status == "pending_payment"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(("amount", "currency"), [("0.01", None), (None, "USD")])
def test_an_amount_or_currency_mismatch_is_refused_and_changes_nothing(payment, amount, currency):
    error_of(deliver(event(payment, amount=amount, currency=currency)), 400, "amount_mismatch")

    assert Order.objects.get().status == "pending_payment"
    assert Payment.objects.get().status == "pending"
    assert not WebhookEvent.objects.exists()


def test_a_success_after_cancel_is_recorded_and_the_order_needs_a_refund(payment, customer):
    order_cancel(order=payment.order, by=customer)

    data_of(deliver(event(payment)))

    order = Order.objects.get()
    assert (order.status, order.payment_status, order.needs_refund) == ("cancelled", "succeeded", True)
    assert Payment.objects.get().status == "succeeded"


def test_the_fake_providers_page_pays_with_a_signed_event(payment):
    page = Client().get(payment.redirect_url)
    assert b"Pay" in page.content

    Client().post(payment.redirect_url, {"outcome": "pay"})

    assert Order.objects.get().status == "paid"
    assert WebhookEvent.objects.get().type == "payment.succeeded"


@pytest.mark.parametrize("outcome", ["pay", "decline"])
def test_the_fake_providers_page_leads_back_to_the_order(payment, order, outcome):
    """As a real provider returns the customer to the shop; the page once ended with nowhere to go."""
    order_url = reverse("v2:order-detail", args=[order.pk])
    before = Client().get(payment.redirect_url).content.decode()
    after = Client().post(payment.redirect_url, {"outcome": outcome}).content.decode()

    for page in (before, after):
        assert f'<a href="{order_url}">Back to order {order.number}</a>' in page


def test_production_refuses_the_fake_provider(client, order, settings):
    settings.PAYMENT_FAKE_PROVIDER_ALLOWED = False

    error_of(client.post(reverse("v1:order-payment", args=[order.pk])), 500, "server_error")

    assert not Payment.objects.exists()


def test_starting_a_payment_needs_a_signed_in_customer(order):
    response = APIClient().post(reverse("v1:order-payment", args=[order.pk]))

    error_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Payment.objects.exists()


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_concurrent_starts_on_the_event_loop_share_one_payment_while_the_provider_waits(
    customer, book, address, settings
):
    """Served by the async view (ASGI), five starts wait for the provider at once; each answers the one payment.
    serialized_rollback restores the migrated data (role groups, content types) for the tests that run after."""
    settings.PAYMENT_FAKE_PROVIDER_DELAY_SECONDS = 0.3
    try:
        order, token = await sync_to_async(_order_and_token)(customer, book, address)
        url, headers = reverse("v1:order-payment", args=[order.pk]), {"Authorization": f"Bearer {token}"}

        responses = await asyncio.gather(*(AsyncClient().post(url, headers=headers) for _ in range(5)))

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200, 200, 200, 200, 201], responses[0].content
        payment = await Payment.objects.aget()
        assert {response.json()["data"]["id"] for response in responses} == {str(payment.pk)}
        assert {response.json()["data"]["redirect_url"] for response in responses} == {payment.redirect_url}
    finally:
        # The ORM work ran in sync_to_async's thread: close its connections, or the test database cannot be
        # dropped at the end of the run.
        await sync_to_async(connections.close_all)()


def _order_and_token(customer, book, address):
    cart_add_item(user=customer, book=book, quantity=2)
    order = order_place(user=customer, shipping_address=address)
    return order, str(UserRefreshToken.for_user(customer).access_token)


def test_refunding_a_paid_order_refunds_its_payment(client, payment, order_manager):
    data_of(deliver(event(payment)))
    manager = APIClient()
    manager.force_authenticate(order_manager)

    refunded = data_of(manager.post(reverse("v1:order-refund", args=[payment.order_id])))

    assert (refunded["status"], refunded["payment_status"]) == ("refunded", "refunded")
    assert data_of(client.get(reverse("v1:order-payment", args=[payment.order_id])))["status"] == "refunded"
    assert data_of(client.get(reverse("v1:order-detail", args=[payment.order_id])))["payment_status"] == "refunded"


def test_a_refund_refused_leaves_the_payment_succeeded(payment, order_manager):
    data_of(deliver(event(payment)))
    order_manager_client = APIClient()
    order_manager_client.force_authenticate(order_manager)
    data_of(order_manager_client.post(reverse("v1:order-ship", args=[payment.order_id])))

    error_of(order_manager_client.post(reverse("v1:order-refund", args=[payment.order_id])), 409)

    assert Payment.objects.get().status == "succeeded"
    assert Order.objects.get().payment_status == "succeeded"
