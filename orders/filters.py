"""Filters of the order list: by status, and (for order managers, who see every order) by customer."""

from django_filters import rest_framework as filters

from .models import Order


class OrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Order.Status.choices)
    customer = filters.NumberFilter(field_name="user", help_text="The customer's user id.")

    class Meta:
        model = Order
        fields = ["status", "customer"]
