"""Payment attempts of orders, and the provider events already processed."""

import uuid

from django.db import models

from orders.models import Order


class Payment(models.Model):
    """One attempt to pay an order with a provider; a failed attempt leaves room for the next."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=30)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=200, blank=True)
    redirect_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "-created_at"], name="payments_payment_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="pending"), name="payments_payment_one_pending_per_order"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.amount} {self.currency} ({self.status})"


class WebhookEvent(models.Model):
    """A provider event processed once: its id is unique, so a replay (even a concurrent one) changes nothing."""

    event_id = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=50)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id
