"""Pagination: v1 pages by limit/offset, v2 by cursor. Both default to 20 items and allow at most 100."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

MAX_PAGE_SIZE = 100


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    max_limit = MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "limit": self.limit,
                "offset": self.offset,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["count", "limit", "offset", "next", "previous", "results"]
        page["properties"]["limit"] = {"type": "integer", "example": self.default_limit}
        page["properties"]["offset"] = {"type": "integer", "example": 0}
        return page


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: each page is an index range scan, as fast at page 10,000 as at page 1.

    The order is the list's `?ordering=` or else the model's default order, which always ends in
    the primary key; the cursor keeps the position of its first field.
    """

    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        self.ordering = queryset.query.order_by or queryset.model._meta.ordering
        return super().get_ordering(request, queryset, view)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            # A malformed cursor is bad input, not a missing resource.
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from exc

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["next", "previous", "results"]
        return page
