"""Starting payments and processing the provider's events. Order state changes go through orders' services."""

import json
import logging
import uuid
from decimal import Decimal, InvalidOperation

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction

from bookstore.api.errors import Conflict, InvalidRequest
from bookstore.api.logs import log_event
from orders.models import Order
from orders.services import order_payment_update

from .models import Payment, WebhookEvent
from .providers import PaymentProvider, PaymentStart, get_provider
from .signatures import verify

logger = logging.getLogger(__name__)


class OrderNotPayable(Conflict):
    code = "order_not_payable"
    message = "Only an order pending payment can be paid."


class AmountMismatch(InvalidRequest):
    code = "amount_mismatch"
    message = "The event's amount or currency differs from the payment's."


class InvalidEvent(InvalidRequest):
    code = "invalid_event"
    message = "The event is not one this platform understands."


async def payment_start(*, order: Order, base_url: str) -> tuple[Payment, bool]:
    """Start paying an order with the configured provider, or answer the payment already pending. Answers the
    payment and whether it is new.

    The provider is awaited outside any transaction, so no row stays locked (and no thread waits) while it
    answers; the payment is then recorded under the order's row lock, where a start that lost a race answers
    the winner's payment, so an order never has two pending payments."""
    pending = await sync_to_async(_payment_pending)(order=order)
    if pending is not None:
        return pending, False
    provider = get_provider()
    payment_id = uuid.uuid4()
    started = await provider.start(
        payment_id=str(payment_id), amount=order.total, currency=order.currency, base_url=base_url
    )
    return await sync_to_async(_payment_record)(order=order, payment_id=payment_id, provider=provider, started=started)


def _payable(order: Order) -> None:
    if order.status != Order.Status.PENDING_PAYMENT:
        raise OrderNotPayable(details={"status": order.status})


def _payment_pending(*, order: Order) -> Payment | None:
    order = Order.objects.get(pk=order.pk)
    _payable(order)
    return order.payments.filter(status=Payment.Status.PENDING).first()


@transaction.atomic
def _payment_record(
    *, order: Order, payment_id, provider: PaymentProvider, started: PaymentStart
) -> tuple[Payment, bool]:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _payable(order)
    pending = order.payments.filter(status=Payment.Status.PENDING).first()
    if pending is not None:
        return pending, False
    payment = Payment.objects.create(
        id=payment_id,
        order=order,
        provider=provider.name,
        amount=order.total,
        currency=order.currency,
        reference=started.reference,
        redirect_url=started.redirect_url,
    )
    order_payment_update(order=order, payment_status=Order.PaymentStatus.PENDING)
    log_event(
        logger,
        "payment_started",
        f"Payment {payment.pk} started for order {order.number}",
        payment_id=str(payment.pk),
        order_id=order.pk,
        provider=payment.provider,
        status=payment.status,
    )
    return payment, True


def _log_status_change(payment: Payment, *, to: str) -> None:
    log_event(
        logger,
        "payment_status_changed",
        f"Payment {payment.pk}: {payment.status} -> {to}",
        payment_id=str(payment.pk),
        order_id=payment.order_id,
        previous=payment.status,
        status=to,
    )


def payment_refund(*, order: Order) -> Payment | None:
    """Mark the order's latest succeeded payment refunded, and the order's payment status with it; called by
    `order_refund` (listed in settings.ORDER_REFUND_HANDLERS), in its transaction. The fake provider moves no
    money; a real provider's refund call belongs here."""
    payment = order.payments.select_for_update().filter(status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        return None
    _log_status_change(payment, to=Payment.Status.REFUNDED)
    payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    order_payment_update(order=order, payment_status=Order.PaymentStatus.REFUNDED)
    return payment


EVENT_STATUS = {"payment.succeeded": Payment.Status.SUCCEEDED, "payment.failed": Payment.Status.FAILED}


def _parse(body: bytes) -> dict:
    try:
        event = json.loads(body)
        data = event["data"]
        return {
            "id": str(event["id"]),
            "status": EVENT_STATUS[event["type"]],
            "type": event["type"],
            "payment": str(data["payment"]),
            "amount": Decimal(str(data["amount"])),
            "currency": str(data["currency"]),
        }
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise InvalidEvent() from exc


@transaction.atomic
def webhook_process(*, body: bytes, signature: str | None) -> bool:
    """Apply a signed provider event once. Answers False for an event already processed (nothing changes
    twice). A refused event (signature, amount) changes nothing. A success for an order that was cancelled
    meanwhile is recorded, and the order is marked as needing a refund."""
    verify(body, signature)
    event = _parse(body)
    payment = Payment.objects.select_for_update().filter(pk=event["payment"]).first()
    if payment is None:
        raise InvalidEvent(details={"payment": event["payment"]})
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(event_id=event["id"], type=event["type"], payment=payment)
    except IntegrityError:
        return False
    if (event["amount"], event["currency"]) != (payment.amount, payment.currency):
        raise AmountMismatch(details={"amount": f"{payment.amount:.2f}", "currency": payment.currency})
    _log_status_change(payment, to=event["status"])
    payment.status = event["status"]
    payment.save(update_fields=["status", "updated_at"])
    order_payment_update(order=payment.order, payment_status=event["status"])
    return True
