"""Payment providers: the small async interface a real provider implements, and the built-in `fake` one.

A real provider's `start` would call its API with `httpx.AsyncClient`; the fake one needs no network: its
`redirect_url` is a page on this platform where a person presses "Pay" or "Decline".
"""

import asyncio
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse


@dataclass(frozen=True)
class PaymentStart:
    reference: str
    redirect_url: str


class PaymentProvider(Protocol):
    name: str

    async def start(self, *, payment_id: str, amount, currency: str, base_url: str) -> PaymentStart:
        """Open a payment at the provider; answers its reference and where to send the customer."""


class FakeProvider:
    """Deterministic and offline: the reference derives from the payment id; the page sends a signed event."""

    name = "fake"

    async def start(self, *, payment_id: str, amount, currency: str, base_url: str) -> PaymentStart:
        # A real provider answers over the network; the benchmark (bench/payment_start.py) simulates its wait.
        if settings.PAYMENT_FAKE_PROVIDER_DELAY_SECONDS:
            await asyncio.sleep(settings.PAYMENT_FAKE_PROVIDER_DELAY_SECONDS)
        path = reverse("fake-payment-page", args=[payment_id])
        return PaymentStart(reference=f"fake_{payment_id}", redirect_url=f"{base_url.rstrip('/')}{path}")


PROVIDERS = {"fake": FakeProvider}


def get_provider() -> PaymentProvider:
    """The configured provider (`PAYMENT_PROVIDER`). Production refuses the fake one unless
    `PAYMENT_FAKE_PROVIDER_ALLOWED` is set: it would let anyone mark orders paid."""
    name = settings.PAYMENT_PROVIDER
    if name == "fake" and not settings.PAYMENT_FAKE_PROVIDER_ALLOWED:
        raise ImproperlyConfigured("The fake payment provider is disabled; set PAYMENT_PROVIDER to a real provider.")
    if name not in PROVIDERS:
        raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {name!r}.")
    return PROVIDERS[name]()
