"""Filters of the users list."""

from django.contrib.auth import get_user_model
from django_filters import rest_framework as filters

from bookstore.api.filters import BooleanFilter


class UserFilter(filters.FilterSet):
    """Users list filters."""

    is_active = BooleanFilter(label="Active accounts (true) or deactivated ones (false).")
    is_staff = BooleanFilter(label="Staff (true) or not (false).")

    class Meta:
        model = get_user_model()
        fields = ["is_active", "is_staff"]
