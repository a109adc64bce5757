"""Filter backends shared by every API list."""

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """Ordering that always ends in the primary key, so that equal values page deterministically."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(field.lstrip("-") in ("id", "pk") for field in ordering):
            return ordering
        # The tie-breaker follows the last field's direction, so (field, id) indexes serve both ways.
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]
