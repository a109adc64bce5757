from rest_framework import serializers

from .models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    """A payment of an order; send the customer to `redirect_url` to pay."""

    class Meta:
        model = Payment
        fields = ["id", "status", "amount", "currency", "provider", "redirect_url", "created_at"]
        read_only_fields = fields
