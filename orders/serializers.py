"""Representations of carts and orders: v1 with decimal strings and a `currency`, v2 with `{amount, currency}`."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookstore.api.serializers import StrictFieldsMixin
from catalog.models import Book

from .models import MAX_QUANTITY, CartItem, Order, OrderLine, OrderStatusChange


def money(amount, currency):
    return {"amount": f"{amount:.2f}" if amount is not None else None, "currency": currency}


class MoneySerializer(serializers.Serializer):
    """An amount with its currency (v2)."""

    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField(allow_null=True)


# Cart -----------------------------------------------------------------------------------------------------------


class CartItemSerializer(serializers.ModelSerializer):
    """A cart line with the book's live price; `problems` names what would stop its checkout."""

    title = serializers.CharField(source="book.title", read_only=True)
    unit_price = serializers.DecimalField(source="book.price", max_digits=10, decimal_places=2, read_only=True)
    line_total = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = CartItem
        fields = ["id", "book", "title", "quantity", "unit_price", "line_total", "problems"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_line_total(self, item):
        return f"{item.book.price * item.quantity:.2f}"

    def get_problems(self, item) -> list[str]:
        if not item.book.is_active:
            return ["inactive"]
        return ["insufficient_stock"] if item.book.stock < item.quantity else []


class CartItemV2Serializer(CartItemSerializer):
    unit_price = serializers.SerializerMethodField()
    line_total = serializers.SerializerMethodField()

    @extend_schema_field(MoneySerializer)
    def get_unit_price(self, item):
        return money(item.book.price, item.book.currency)

    @extend_schema_field(MoneySerializer)
    def get_line_total(self, item):
        return money(item.book.price * item.quantity, item.book.currency)


def cart_total(items):
    return sum((item.book.price * item.quantity for item in items), Decimal("0"))


class CartSerializer(serializers.Serializer):
    """The signed-in user's cart (a list of its lines), priced live: the lines, their total in the cart's one
    currency (null while empty), and how many copies it holds."""

    items = CartItemSerializer(many=True, read_only=True, source="*")
    total = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_total(self, items):
        return f"{cart_total(items):.2f}"

    @extend_schema_field({"type": "string", "nullable": True})
    def get_currency(self, items) -> str | None:
        return items[0].book.currency if items else None

    def get_item_count(self, items) -> int:
        return sum(item.quantity for item in items)


class CartV2Serializer(serializers.Serializer):
    """The cart in v2: prices as `{amount, currency}`."""

    items = CartItemV2Serializer(many=True, read_only=True, source="*")
    total = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()

    @extend_schema_field(MoneySerializer)
    def get_total(self, items):
        return money(cart_total(items), items[0].book.currency if items else None)

    def get_item_count(self, items) -> int:
        return sum(item.quantity for item in items)


class CartItemCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """`{book, quantity}`: an active book, 1 to 100 copies."""

    book = serializers.PrimaryKeyRelatedField(queryset=Book.objects.filter(is_active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class CartItemUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """`{quantity}`: 1 to 100 copies."""

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


# Orders ---------------------------------------------------------------------------------------------------------


class ShippingAddressSerializer(StrictFieldsMixin, serializers.Serializer):
    """Where an order goes; `country` is an ISO 3166-1 alpha-2 code such as "GB"."""

    name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.RegexField(
        r"^[A-Z]{2}$", max_length=2, error_messages={"invalid": "Use the two-letter ISO 3166 country code, e.g. “GB”."}
    )


class OrderCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """Checkout: the cart becomes an order shipped to this address."""

    shipping_address = ShippingAddressSerializer()


class OrderLineSerializer(serializers.ModelSerializer):
    """A book of an order as bought: title, ISBN and unit price copied at purchase."""

    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["book", "title", "isbn", "unit_price", "quantity", "line_total"]
        read_only_fields = fields


class OrderLineV2Serializer(OrderLineSerializer):
    unit_price = serializers.SerializerMethodField()
    line_total = serializers.SerializerMethodField()

    @extend_schema_field(MoneySerializer)
    def get_unit_price(self, line):
        return money(line.unit_price, line.order.currency)

    @extend_schema_field(MoneySerializer)
    def get_line_total(self, line):
        return money(line.line_total, line.order.currency)


class OrderStatusChangeSerializer(serializers.ModelSerializer):
    """A step of an order's history; `by` is the user who made it, null for the system (payments, expiry)."""

    class Meta:
        model = OrderStatusChange
        fields = ["status", "at", "by"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """An order (v1)."""

    lines = OrderLineSerializer(many=True, read_only=True)
    shipping_address = ShippingAddressSerializer(read_only=True)
    history = OrderStatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "lines",
            "total",
            "currency",
            "shipping_address",
            "payment_status",
            "history",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderV2Serializer(OrderSerializer):
    """An order (v2): prices as `{amount, currency}`."""

    lines = OrderLineV2Serializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [name for name in OrderSerializer.Meta.fields if name != "currency"]
        read_only_fields = fields

    @extend_schema_field(MoneySerializer)
    def get_total(self, order):
        return money(order.total, order.currency)
