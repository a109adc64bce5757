"""Pagination of v1 lists: limit/offset, 20 by default, never more than 100."""

from rest_framework import pagination
from rest_framework.response import Response


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    max_limit = 100

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
