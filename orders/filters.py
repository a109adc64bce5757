"""Filters of the order list: by status, and (for order managers, who see every order) by customer."""

from django_filters import rest_framework as filters

from bookstore.api.filters import IdFilter

from .models import Order


class OrderFilter(filters.FilterSet):
    """Order list filters."""

    status = filters.ChoiceFilter(choices=Order.Status.choices, label="Orders in this status.")
    customer = IdFilter(field_name="user_id", label="The customer's user id (order managers see every order).")

    class Meta:
        model = Order
        fields = ["status", "customer"]
