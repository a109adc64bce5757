"""Carts, orders and their history, and the idempotency keys of checkout."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from catalog.models import Book

MAX_QUANTITY = 100


class Cart(models.Model):
    """A signed-in user's cart: one per user, created on first use."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Cart of {self.user}"


class CartItem(models.Model):
    """One book in a cart, in a quantity of 1 to 100; prices are read live from the book."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)])
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "book"], name="orders_cartitem_one_line_per_book"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="orders_cartitem_quantity_range"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.book_id}"


class OrderSerial(models.Model):
    """Hands out the sequential part of order numbers ("BK-000123") without a lock: one row per order."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self):
        return f"BK-{self.pk:06d}"


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Order managers (and superusers) see every order; a customer their own."""
        return self if user.has_perm("orders.view_order") else self.filter(user=user)

    def with_relations(self):
        """Everything an order's representation shows, in a fixed number of queries."""
        return self.prefetch_related("lines", "history")


class Order(models.Model):
    """A customer's purchase: the lines as bought (title, ISBN and price copied), where it goes, and its status."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    class PaymentStatus(models.TextChoices):
        NONE = "none", "No payment yet"
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.NONE)
    # A payment that succeeded after the order was cancelled: the money must go back.
    needs_refund = models.BooleanField(default=False)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="orders_order_created_idx"),
            models.Index(fields=["user", "-created_at", "-id"], name="orders_order_user_created_idx"),
            models.Index(fields=["status", "created_at"], name="orders_order_status_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="orders_order_total_not_negative")]

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    """One book of an order, with its title, ISBN and unit price as they were at purchase."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    isbn = models.CharField("ISBN", max_length=13)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_orderline_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} x {self.title}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class OrderStatusChange(models.Model):
    """One step of an order's history: the status it entered, when, and who moved it (null: the system)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=Order.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one user: the request it came with (a fingerprint) and the answer given,
    replayed to any retry. The row is inserted before the work starts, so concurrent duplicates wait on it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    # The answer's JSON as text: jsonb would reorder its keys, and a replay must be the same body.
    body = models.TextField(blank=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="orders_idempotencykey_unique_per_user")]

    def __str__(self):
        return self.key
