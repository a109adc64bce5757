"""The webhook signature: `Bookstore-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with
PAYMENT_WEBHOOK_SECRET; one older than 5 minutes is refused, so a captured event cannot be sent again later"""

import hashlib
import hmac
import time

from django.conf import settings

from bookstore.api.errors import InvalidRequest

HEADER = "Bookstore-Signature"
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(InvalidRequest):
    code = "invalid_signature"
    message = "The Bookstore-Signature header is missing, wrong or too old."


def sign(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.PAYMENT_WEBHOOK_SECRET if secret is None else secret
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, header: str | None, *, now: float | None = None) -> None:
    """Raise InvalidSignature unless `header` signs `body` with the secret, within the tolerance."""
    try:
        parts = dict(part.split("=", 1) for part in (header or "").split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (ValueError, KeyError) as exc:
        raise InvalidSignature() from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature()
    expected = sign(body, timestamp=timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature()
