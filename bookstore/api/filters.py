"""Filter pieces shared by every API list."""

from django.db.models import F
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

# Ids are bigint primary keys: a larger number is a client error, not a database overflow.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """One object id: a whole number from 1 up."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class IdInFilter(filters.BaseInFilter, IdFilter):
    """A comma-separated list of ids."""


class BoundedSearchFilter(SearchFilter):
    """DRF's search with a cap on the number of terms: each term adds a condition to the query."""

    max_terms = 10

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        if len(terms) > self.max_terms:
            raise ValidationError({self.search_param: [f"Use at most {self.max_terms} search terms."]})
        return terms


class StableOrderingFilter(OrderingFilter):
    """Ordering that always ends in the primary key, so that equal values page deterministically.

    Nullable fields sort their empty values last in both directions, on SQLite and PostgreSQL alike.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(field.lstrip("-") in ("id", "pk") for field in ordering):
            return ordering
        # The tie-breaker follows the last field's direction, so (field, id) indexes serve both ways.
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(self._expression(queryset.model, field) for field in ordering))

    @staticmethod
    def _expression(model, field):
        name = field.lstrip("-")
        if "__" in name or not model._meta.get_field(name).null:
            return field
        return F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True)
