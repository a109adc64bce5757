"""The rules of carts and orders: what a cart may hold, checkout, and the order lifecycle.

Stock changes only through the catalog's services (`stock_reserve`, `stock_release`), which lock book rows
in id order. Every order move locks the order row first, so two moves of one order queue and the second
sees the first's result.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import import_string

from bookstore.api.logs import log_event
from catalog.models import Book
from catalog.services import stock_release, stock_reserve

from .errors import CartEmpty, CurrencyMismatch, InvalidStatusTransition
from .models import MAX_QUANTITY, Cart, CartItem, Order, OrderLine, OrderSerial, OrderStatusChange

Status = Order.Status
logger = logging.getLogger(__name__)


def is_order_manager(user) -> bool:
    """Order managers (the `order_managers` group) and superusers work every order's lifecycle."""
    return user.has_perm("orders.change_order")


def cart_for(user) -> Cart:
    """The user's cart, created on first use."""
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


def _locked_cart(user) -> Cart:
    cart = cart_for(user)
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": [f"A line holds 1 to {MAX_QUANTITY} copies."]})


@transaction.atomic
def cart_add_item(*, user, book: Book, quantity: int) -> tuple[CartItem, bool]:
    """Put `quantity` copies of `book` in the user's cart: a new line, or more on the line holding it.
    Answers the line and whether it is new. The cart row is locked so concurrent adds see each other."""
    cart = _locked_cart(user)
    items = list(cart.items.select_related("book"))
    if any(item.book.currency != book.currency for item in items if item.book_id != book.pk):
        raise CurrencyMismatch(details={"book": book.pk, "currency": book.currency})
    item = next((item for item in items if item.book_id == book.pk), None)
    if item is None:
        _check_quantity(quantity)
        return CartItem.objects.create(cart=cart, book=book, quantity=quantity), True
    _check_quantity(item.quantity + quantity)
    item.quantity += quantity
    item.save(update_fields=["quantity"])
    return item, False


@transaction.atomic
def cart_update_item(*, item: CartItem, quantity: int) -> CartItem:
    """Set a line's quantity (1 to 100)."""
    _check_quantity(quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


def cart_remove_item(*, item: CartItem) -> None:
    """Take a line out of its cart."""
    item.delete()


def cart_clear(*, user) -> None:
    """Empty the user's cart."""
    CartItem.objects.filter(cart__user=user).delete()


@transaction.atomic
def order_place(*, user, shipping_address: dict) -> Order:
    """Check out the user's cart in one transaction: take every line out of stock (all or nothing), create the
    order with its lines as they are now, and empty the cart. Refused with `cart_empty`, or with
    `insufficient_stock` listing every line short of stock or inactive; a refusal changes nothing."""
    cart = Cart.objects.select_for_update().filter(user=user).first()
    items = list(cart.items.order_by("book_id")) if cart is not None else []
    if not items:
        raise CartEmpty()
    books = stock_reserve(lines={item.book_id: item.quantity for item in items})
    currencies = {books[item.book_id].currency for item in items}
    if len(currencies) > 1:  # a book's currency changed since it was added
        raise CurrencyMismatch(details={"currencies": sorted(currencies)})
    lines = [
        OrderLine(
            book_id=item.book_id,
            title=books[item.book_id].title,
            isbn=books[item.book_id].isbn,
            unit_price=books[item.book_id].price,
            quantity=item.quantity,
        )
        for item in items
    ]
    serial = OrderSerial.objects.create()
    order = Order.objects.create(
        number=f"BK-{serial.pk:06d}",
        user=user,
        currency=currencies.pop(),
        total=sum(line.unit_price * line.quantity for line in lines),
        shipping_address=shipping_address,
    )
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    OrderStatusChange.objects.create(order=order, status=Status.PENDING_PAYMENT, by=user)
    cart.items.all().delete()
    log_event(
        logger,
        "order_placed",
        f"Order {order.number} placed",
        order_id=order.pk,
        status=Status.PENDING_PAYMENT,
        by=user.pk,
        total=str(order.total),
        currency=order.currency,
    )
    return order


def _move(order: Order, *, to: str, allowed_from: set[str], by) -> Order:
    """Lock the order, check that it may enter `to`, record the change with who and when."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status not in allowed_from:
        raise InvalidStatusTransition(details={"status": locked.status, "requested": to})
    _log_status_change(locked, previous=locked.status, to=to, by=by.pk if by is not None else None)
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    OrderStatusChange.objects.create(order=locked, status=to, by=by)
    return locked


def _log_status_change(order: Order, *, previous: str, to: str, by: int | None) -> None:
    log_event(
        logger,
        "order_status_changed",
        f"Order {order.number}: {previous} -> {to}",
        order_id=order.pk,
        previous=previous,
        status=to,
        by=by,
    )


def _require_manager(user) -> None:
    if not is_order_manager(user):
        raise PermissionDenied


@transaction.atomic
def order_cancel(*, order: Order, by) -> Order:
    """Cancel an unpaid order (its owner or an order manager; `by` None is the system) and put its books back
    in stock."""
    if by is not None and by.pk != order.user_id:
        _require_manager(by)
    order = _move(order, to=Status.CANCELLED, allowed_from={Status.PENDING_PAYMENT}, by=by)
    stock_release(lines={line.book_id: line.quantity for line in order.lines.all()})
    return order


@transaction.atomic
def order_ship(*, order: Order, by) -> Order:
    """An order manager sends a paid order."""
    _require_manager(by)
    return _move(order, to=Status.SHIPPED, allowed_from={Status.PAID}, by=by)


@transaction.atomic
def order_deliver(*, order: Order, by) -> Order:
    """An order manager records that a shipped order arrived."""
    _require_manager(by)
    return _move(order, to=Status.DELIVERED, allowed_from={Status.SHIPPED}, by=by)


def refund_handlers() -> list:
    """What else a refund sets off (settings.ORDER_REFUND_HANDLERS): each is called as `handler(order=...)` in the
    refund's transaction. The project's settings name them, so orders imports none of the apps that react."""
    return [import_string(path) for path in settings.ORDER_REFUND_HANDLERS]


@transaction.atomic
def order_refund(*, order: Order, by) -> Order:
    """An order manager refunds a paid order (not yet shipped); then each of settings.ORDER_REFUND_HANDLERS runs,
    in this transaction (the payment is refunded, the buyer's reviews of its books checked again)."""
    _require_manager(by)
    order = _move(order, to=Status.REFUNDED, allowed_from={Status.PAID}, by=by)
    for handler in refund_handlers():
        handler(order=order)
    order.refresh_from_db(fields=["payment_status", "updated_at"])
    return order


@transaction.atomic
def order_payment_update(*, order: Order, payment_status: str) -> Order:
    """Record what the payment provider says about an order's payment. A success moves a `pending_payment`
    order to `paid`; a success for an order that can no longer be paid (cancelled, expired) is kept and the
    order is marked as needing a refund, so no money is lost."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    locked.payment_status = payment_status
    fields = ["payment_status", "updated_at"]
    if payment_status == Order.PaymentStatus.SUCCEEDED:
        if locked.status == Status.PENDING_PAYMENT:
            _log_status_change(locked, previous=locked.status, to=Status.PAID, by=None)
            locked.status = Status.PAID
            fields.append("status")
            OrderStatusChange.objects.create(order=locked, status=Status.PAID, by=None)
        else:
            locked.needs_refund = True
            fields.append("needs_refund")
    locked.save(update_fields=fields)
    return locked


def order_expire_unpaid(*, created_before: datetime, batch_size: int = 100) -> int:
    """Cancel `pending_payment` orders created before `created_before` and restore their stock. Rows another
    run holds are skipped (SKIP LOCKED), and each order's status is checked again under its lock, so runs on
    several machines at once never cancel an order, or restore its stock, twice. Answers how many it cancelled."""
    cancelled = 0
    while True:
        with transaction.atomic():
            batch = list(
                Order.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING_PAYMENT, created_at__lt=created_before)
                .order_by("created_at", "id")[:batch_size]
            )
            for order in batch:
                order_cancel(order=order, by=None)
            cancelled += len(batch)
        if len(batch) < batch_size:
            return cancelled
