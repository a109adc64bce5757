"""The payment of an order (v1 and v2), the provider's webhook, and the fake provider's page.

The views are synchronous for now: DRF has no async views and `adrf` is not installed; the provider interface
is async and is awaited through `async_to_sync`."""

import json

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import Order

from .models import Payment
from .serializers import PaymentSerializer
from .services import payment_start, webhook_process
from .signatures import HEADER, sign


class OrderPaymentView(APIView):
    """The latest payment of an order (GET), or start one (POST: 201, or 200 with the one still pending)."""

    serializer_class = PaymentSerializer

    def order(self, *, own=False):
        orders = Order.objects.filter(user=self.request.user) if own else Order.objects.visible_to(self.request.user)
        return get_object_or_404(orders, pk=self.kwargs["pk"])

    def get(self, request, pk):
        payment = self.order().payments.first()
        if payment is None:
            raise Http404
        return Response(PaymentSerializer(payment).data)

    @extend_schema(request=None, responses={200: PaymentSerializer, 201: PaymentSerializer})
    def post(self, request, pk):
        payment, created = payment_start(order=self.order(own=True), base_url=request.build_absolute_uri("/"))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(PaymentSerializer(payment).data, status=code)


class PaymentWebhookView(APIView):
    """The provider's signed events (`Bookstore-Signature`); not versioned, no user: the signature authenticates."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def post(self, request):
        body = request.body  # the raw bytes, as signed: read before anything parses them
        processed = webhook_process(body=body, signature=request.headers.get(HEADER))
        return Response({"processed": processed})


@require_http_methods(["GET", "POST"])
def fake_payment_page(request, payment_id):
    """The fake provider's payment page: "Pay" or "Decline" sends a correctly signed event to the webhook."""
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
    return render(request, "payments/fake_page.html", {"payment": payment})
