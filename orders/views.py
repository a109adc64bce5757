"""Cart and order endpoints of v1 and v2: a signed-in user's own cart and orders; order managers (and
superusers) see every order and work its lifecycle."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bookstore.api.filters import FilterBackend
from bookstore.api.viewsets import ByVersion, ResourceViewSet, VersionedViewSet

from . import services
from .filters import OrderFilter
from .idempotency import HEADER, idempotent, request_fingerprint
from .models import CartItem, Order
from .serializers import (
    CartItemCreateSerializer,
    CartItemSerializer,
    CartItemUpdateSerializer,
    CartItemV2Serializer,
    CartSerializer,
    CartV2Serializer,
    OrderCreateSerializer,
    OrderSerializer,
    OrderV2Serializer,
)


def cart_items_of(user):
    return list(CartItem.objects.filter(cart__user=user).select_related("book").order_by("id"))


class CartViewSet(VersionedViewSet):
    """The signed-in user's cart, priced live."""

    serializer_class = ByVersion(CartSerializer, v2=CartV2Serializer)
    pagination_class = None
    filter_backends = []

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(cart_items_of(request.user)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        services.cart_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, VersionedViewSet):
    """The lines of the signed-in user's cart; another user's line is a 404."""

    queryset = CartItem.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ByVersion(CartItemSerializer, v2=CartItemV2Serializer)
    # What a client sends; the browsable API's forms are built from these too (a `book` and a `quantity`).
    write_serializer_class = {"create": CartItemCreateSerializer, "partial_update": CartItemUpdateSerializer}
    filter_backends = []

    def get_queryset(self):
        return CartItem.objects.filter(cart__user=self.request.user).select_related("book")

    def represent(self, item, **kwargs):
        # A plain dict, not the serializer's ReturnDict: the browsable API builds the form under an answer to a
        # POST from the serializer that made the answer, which would be the read-only line (an empty form).
        data = self.serializer_class(item, context=self.get_serializer_context()).data
        return Response(dict(data), **kwargs)

    # The outer decoration wins where it applies: v2 answers with its own representation.
    @extend_schema(responses={200: CartItemV2Serializer, 201: CartItemV2Serializer}, versions=["v2"])
    @extend_schema(responses={200: CartItemSerializer, 201: CartItemSerializer})
    def create(self, request, *args, **kwargs):
        """Add copies of a book: a new line (201), or more on the line already holding it (200)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item, created = services.cart_add_item(user=request.user, **serializer.validated_data)
        if not created:
            return self.represent(item)
        location = request.build_absolute_uri(reverse(f"{request.version}:cart-item-detail", args=[item.pk]))
        return self.represent(item, status=status.HTTP_201_CREATED, headers={"Location": location})

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.represent(services.cart_update_item(item=item, **serializer.validated_data))

    def perform_destroy(self, instance):
        services.cart_remove_item(item=instance)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A key of the client's choosing (e.g. a UUID), 1 to 255 characters: a retry with the same key and "
    "body answers the first answer again and places no second order. Keys are kept 24 hours.",
)


class OrderViewSet(ResourceViewSet):
    """Orders: your own, newest first (order managers see all, and filter by status and customer). Checkout
    needs an `Idempotency-Key`; state changes are POST actions."""

    queryset = Order.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ByVersion(OrderSerializer, v2=OrderV2Serializer)
    write_serializer_class = OrderCreateSerializer
    http_method_names = ["get", "post", "head", "options"]
    filter_backends = [FilterBackend]
    filterset_class = OrderFilter

    def get_queryset(self):
        return Order.objects.visible_to(self.request.user).with_relations()

    @property
    def idempotency_key_header(self):
        """The header checkout needs, on the page that checks out: the browsable API's forms send it too
        (rest_framework/api.html)."""
        return HEADER if self.action in ("list", "create") else None

    @extend_schema(parameters=[IDEMPOTENCY_PARAMETER])
    def create(self, request, *args, **kwargs):
        """Check out the cart: 201 with the order; the same Idempotency-Key answers the first answer again."""
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return idempotent(self, request, fingerprint=request_fingerprint(request, data), run=lambda: self._place(data))

    def _place(self, data):
        order = services.order_place(user=self.request.user, **data)
        # A plain dict: under the answer, the browsable API builds its checkout form from the answer's serializer
        # when it has one, which would be the read-only order (a form without the address).
        body = dict(self.represent(self.get_queryset().get(pk=order.pk)))
        return Response(body, status=status.HTTP_201_CREATED, headers=self.get_success_headers(body))

    def _move(self, service):
        order = service(order=self.get_object(), by=self.request.user)
        order = self.get_queryset().get(pk=order.pk)
        return Response(self.represent(order))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel an unpaid order (its owner or an order manager); its books go back in stock."""
        return self._move(services.order_cancel)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def ship(self, request, *args, **kwargs):
        """Ship a paid order (order managers)."""
        return self._move(services.order_ship)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def deliver(self, request, *args, **kwargs):
        """Record the delivery of a shipped order (order managers)."""
        return self._move(services.order_deliver)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def refund(self, request, *args, **kwargs):
        """Refund a paid order (order managers)."""
        return self._move(services.order_refund)
