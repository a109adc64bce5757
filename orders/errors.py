"""The orders app's domain errors: each a stable code a client can act on."""

from bookstore.api.errors import Conflict, InvalidRequest


class CartEmpty(InvalidRequest):
    code = "cart_empty"
    message = "The cart is empty: add a book before checking out."


class CurrencyMismatch(InvalidRequest):
    code = "currency_mismatch"
    message = "A cart holds books of one currency only."


class InvalidStatusTransition(Conflict):
    code = "invalid_status_transition"
    message = "The order cannot make this move from its current status."


class IdempotencyKeyRequired(InvalidRequest):
    code = "idempotency_key_required"
    message = "Send an Idempotency-Key header (1 to 255 printable characters) to place an order."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request."
