"""The payment of an order (v1 and v2), the provider's webhook, and the fake provider's page.

The payment and webhook views are async (adrf's APIView: DRF's authentication, permissions, throttles, envelope
renderer and exception handler, with async handlers), so under ASGI a worker waiting for the provider serves
other requests meanwhile; the ORM work runs in sync_to_async."""

import json

from adrf.views import APIView
from asgiref.sync import sync_to_async
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from orders.models import Order

from .models import Payment
from .serializers import PaymentSerializer
from .services import payment_start, webhook_process
from .signatures import HEADER, sign


class OrderPaymentView(APIView):
    """The latest payment of an order (GET), or start one (POST: 201, or 200 with the one still pending)."""

    serializer_class = PaymentSerializer

    def get_queryset(self):
        """The orders whose payment the caller may read (the schema also learns from it that a start may be a 409)."""
        return Order.objects.visible_to(self.request.user)

    def order(self, *, own=False) -> Order:
        orders = Order.objects.filter(user=self.request.user) if own else self.get_queryset()
        return get_object_or_404(orders, pk=self.kwargs["pk"])

    def latest_payment(self) -> dict:
        payment = self.order().payments.first()
        if payment is None:
            raise Http404
        return PaymentSerializer(payment).data

    async def get(self, request, pk):
        return Response(await sync_to_async(self.latest_payment)())

    @extend_schema(request=None, responses={200: PaymentSerializer, 201: PaymentSerializer})
    async def post(self, request, pk):
        order = await sync_to_async(self.order)(own=True)
        payment, created = await payment_start(order=order, base_url=request.build_absolute_uri("/"))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(PaymentSerializer(payment).data, status=code)


class PaymentWebhookView(APIView):
    """The provider's signed events (`Bookstore-Signature`); not versioned, no user: the signature authenticates."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    async def post(self, request):
        body = request.body  # the raw bytes, as signed: read before anything parses them
        processed = await sync_to_async(webhook_process)(body=body, signature=request.headers.get(HEADER))
        return Response({"processed": processed})


@require_http_methods(["GET", "POST"])
def fake_payment_page(request, payment_id):
    """The fake provider's payment page: "Pay" or "Decline" sends a correctly signed event to the webhook. As a
    real provider's page returns the customer to the shop, it links back to the order (in v2, the recommended
    version: the payment does not know which version started it)."""
    payment = get_object_or_404(Payment, pk=payment_id, provider="fake")
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        outcome = "payment.succeeded" if request.POST.get("outcome") == "pay" else "payment.failed"
        event = {
            "id": f"evt_{payment.pk}_{outcome}",
            "type": outcome,
            "data": {"payment": str(payment.pk), "amount": f"{payment.amount:.2f}", "currency": payment.currency},
        }
        body = json.dumps(event).encode()
        webhook_process(body=body, signature=sign(body))
        payment.refresh_from_db()
    order_url = reverse("v2:order-detail", args=[payment.order_id])
    return render(request, "payments/fake_page.html", {"payment": payment, "order_url": order_url})
