"""Pagination: v1 pages by limit/offset, v2 by keyset cursor. Both default to 20 items, at most 100."""

import copy
import re
from functools import cached_property
from operator import itemgetter
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, F, Func, Q
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

MAX_PAGE_SIZE = 100
# An OFFSET costs the rows it skips: v1 serves offsets up to this, and points deeper pages to v2's cursor.
MAX_OFFSET = 10_000
# v1 reads the rows up to a page's end through the order's annotation (see read_by_annotation) up to this many.
ANNOTATION_READ_MAX = 1_000
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")


def query_int(request, name, *, default, minimum, maximum, cap=False):
    """A whole-number query parameter: `default` when absent or empty; a 400 naming the parameter when it
    is not a whole number from `minimum` to `maximum` (or, with `cap`, the maximum when above it)."""
    text = request.query_params.get(name)
    if not text:
        return default
    if not WHOLE_NUMBER.fullmatch(text) or int(text) < minimum or (int(text) > maximum and not cap):
        bound = f"(above {maximum} counts as {maximum})" if cap else f"to {maximum}"
        raise ValidationError({name: [f"A whole number from {minimum} {bound} is required."]})
    return min(int(text), maximum)


def read_by_annotation(queryset, ordering, position, limit):
    """Up to `limit` rows of `queryset` strictly after `position` in `ordering`, as the annotation the order starts
    with reads them when it offers to (`keyset_rows`: search relevance does, tier by tier, catalog/search.py); None
    when there is no such annotation, or it leaves the list to be read as any other."""
    annotation = queryset.query.annotations.get(ordering[0].lstrip("-")) if ordering else None
    read = getattr(annotation, "keyset_rows", None)
    return None if read is None else read(queryset, ordering, position, limit)


class KeysetAfter(Func):
    """Rows after a keyset position: `(a, b, id) > (x, y, z)`, or `<` going down. SQL compares the two rows field by
    field, left to right (PostgreSQL; SQLite 3.15+), and an index on the same fields serves it as a range. The
    position's values are bound as their fields prepare them (no expression is made for each)."""

    output_field = BooleanField()

    def __init__(self, names, position, fields, *, descending):
        super().__init__(*map(F, names))
        self.position, self.fields, self.descending = position, fields, descending

    def as_sql(self, compiler, connection, **extra_context):
        columns, params = [], []
        for expression in self.get_source_expressions():
            sql, column_params = compiler.compile(expression)
            columns.append(sql)
            params.extend(column_params)
        values = [
            field.get_db_prep_value(value, connection) for field, value in zip(self.fields, self.position, strict=True)
        ]
        placeholders = ", ".join(["%s"] * len(values))
        return f"({', '.join(columns)}) {'<' if self.descending else '>'} ({placeholders})", [*params, *values]


def int_parameter(name, description, *, minimum, maximum=None):
    schema = {"type": "integer", "minimum": minimum, **({"maximum": maximum} if maximum is not None else {})}
    return {"name": name, "required": False, "in": "query", "description": description, "schema": schema}


class OffsetPagination(pagination.LimitOffsetPagination):
    """v1 pages: DRF's limit/offset, answering `limit` and `offset` beside `count`, `next`, `previous`."""

    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        return query_int(
            request, self.limit_query_param, default=self.default_limit, minimum=1, maximum=self.max_limit, cap=True
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.view, self.request = view, request
        self.limit = self.get_limit(request)
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        end = self.offset + self.limit
        # An order that reads its own pages (search relevance) reads the rows up to the page's end, when they are
        # few; deeper, a slice of the ordered rows costs less than reading every row before it.
        ordering = [name for name in queryset.query.order_by if isinstance(name, str)]
        rows = read_by_annotation(queryset, ordering, None, end) if end <= ANNOTATION_READ_MAX else None
        return list(queryset[self.offset : end]) if rows is None else rows[self.offset :]

    def get_count(self, queryset):
        """The view's `known_count()` when it has one and knows the total (e.g. a maintained counter), else
        a COUNT of the queryset."""
        known = getattr(self.view, "known_count", None)
        count = known() if known is not None else None
        return queryset.count() if count is None else count

    def get_offset(self, request):
        text = request.query_params.get(self.offset_query_param)
        if text and WHOLE_NUMBER.fullmatch(text) and int(text) > MAX_OFFSET:
            raise ValidationError(
                {
                    self.offset_query_param: [
                        f"Offsets above {MAX_OFFSET} are not served, because their cost grows with the depth: "
                        "page deeper with API v2, whose cursor pages (the `next` link) cost the same at any depth."
                    ]
                }
            )
        return query_int(request, self.offset_query_param, default=0, minimum=0, maximum=MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        return [
            int_parameter(
                self.limit_query_param,
                f"Results per page (default {api_settings.PAGE_SIZE}, at most {self.max_limit}).",
                minimum=1,
            ),
            int_parameter(
                self.offset_query_param,
                f"How many results to skip, at most {MAX_OFFSET} (deeper: API v2's cursor).",
                minimum=0,
                maximum=MAX_OFFSET,
            ),
        ]

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


class KeysetPagination(pagination.BasePagination):
    """Keyset pagination: a cursor holds the sort key of the row it stands at, and a page is the
    rows strictly after (or, going back, before) that key in the list's order.

    The order is the list's `?ordering=` or the model's default order; both end in the primary key,
    so the key is unique and no row is skipped or repeated, ties included. A page is an index range
    scan (the first field bounds it), so page 10,000 costs what page 1 costs. Ordering fields must be
    non-null.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page."
    signer = signing.Signer(salt="bookstore.api.pagination.KeysetPagination")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self.fields = [self._field(queryset, name.lstrip("-")) for name in self.ordering]
        position, self.reverse = self.decode_cursor(request)

        ordering = [self._flip(name) for name in self.ordering] if self.reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        rows = read_by_annotation(queryset, ordering, position, self.page_size + 1)
        if rows is None:
            if position is not None:
                queryset = queryset.filter(self._after(ordering, position, self.fields))
            rows = list(queryset[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if self.reverse:
            rows.reverse()
        self.has_next = has_more if not self.reverse else bool(rows)
        self.has_previous = has_more if self.reverse else position is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_page_size(self, request):
        return query_int(
            request,
            self.page_size_query_param,
            default=api_settings.PAGE_SIZE,
            minimum=1,
            maximum=self.max_page_size,
            cap=True,
        )

    def get_ordering(self, request, queryset, view):
        ordering = None
        for backend in getattr(view, "filter_backends", []):
            if hasattr(backend, "get_ordering"):
                ordering = backend().get_ordering(request, queryset, view)
                break
        # Without `?ordering=`, the order the list's filters gave (e.g. search relevance), else the model's.
        ordering = list(ordering or self._names(queryset.query.order_by) or queryset.model._meta.ordering or [])
        if not ordering or ordering[-1].lstrip("-") not in ("id", "pk"):
            ordering.append("-id" if ordering and ordering[-1].startswith("-") else "id")
        return [
            ("-" if name.startswith("-") else "") + ("id" if name.lstrip("-") == "pk" else name.lstrip("-"))
            for name in ordering
        ]

    @staticmethod
    def _names(order_by):
        """The queryset's own order when it is given as field or annotation names (else nothing)."""
        return list(order_by) if all(isinstance(name, str) for name in order_by) else []

    @staticmethod
    def _field(queryset, name):
        """The model field, or an annotation (e.g. a search rank) with its output field, named `name`."""
        if name in queryset.query.annotations:
            field = copy.copy(queryset.query.annotations[name].output_field)
            field.attname = field.name = name
            return field
        return queryset.model._meta.get_field(name)

    def get_next_link(self):
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:
            return self._url_with_cursor(None)
        return self._link(self.rows[0], reverse=True)

    def decode_cursor(self, request):
        """The position and direction a cursor holds. Cursors are signed: one the server did not issue
        is refused before anything in it is read, and a signed one is still checked field by field."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            payload = self.signer.unsign_object(encoded)
            values, reverse = payload["v"], payload["r"]
            if not isinstance(values, list) or len(values) != len(self.fields) or not isinstance(reverse, bool):
                raise ValueError
            position = [field.to_python(value) for field, value in zip(self.fields, values, strict=True)]
            for field, value in zip(self.fields, position, strict=True):
                if value is None:
                    raise ValueError
                field.run_validators(value)
        except (signing.BadSignature, ValueError, TypeError, KeyError, ArithmeticError, DjangoValidationError) as exc:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        return position, reverse

    def _link(self, row, reverse):
        row = SimpleNamespace(**row) if isinstance(row, dict) else row  # a page of values() rows
        values = [field.value_to_string(row) for field in self.fields]
        encoded = self.signer.sign_object({"v": values, "r": reverse})
        return self._url_with_cursor(encoded)

    def _url_with_cursor(self, cursor):
        """This page's URL with `cursor` in place of its own (None: with none), its parameters in the order DRF's
        replace_query_param writes them (by name)."""
        url, before, after = self._url_parts
        pairs = [before, None if cursor is None else f"{self.cursor_query_param}={quote_plus(cursor)}", after]
        query = "&".join(pair for pair in pairs if pair)
        return f"{url}?{query}" if query else url

    @cached_property
    def _url_parts(self):
        """This page's URL without its query, and its query's parameters (less the cursor) sorted by name and
        encoded once for both links: those named before the cursor's parameter, and those after."""
        scheme, netloc, path, query, _ = urlsplit(self.request.build_absolute_uri())
        pairs = sorted(parse_qsl(query, keep_blank_values=True), key=itemgetter(0))
        before = urlencode([pair for pair in pairs if pair[0] < self.cursor_query_param])
        after = urlencode([pair for pair in pairs if pair[0] > self.cursor_query_param])
        return urlunsplit((scheme, netloc, path, "", "")), before, after

    @staticmethod
    def _flip(name):
        return name[1:] if name.startswith("-") else f"-{name}"

    @staticmethod
    def _after(ordering, position, fields):
        """Rows strictly after `position` in `ordering`. One direction throughout (the default order, and any
        order of one field): a row comparison, `(a, b, id) > (x, y, z)`. Mixed directions: the same spelt out,
        plus an inclusive bound on the first field that an index can serve."""
        names = [name.lstrip("-") for name in ordering]
        descending = [name.startswith("-") for name in ordering]
        if len(set(descending)) == 1:
            return KeysetAfter(names, position, fields, descending=descending[0])
        ops = ["lt" if down else "gt" for down in descending]
        condition = Q()
        for i in range(len(ordering)):
            equal = {names[j]: position[j] for j in range(i)}
            condition |= Q(**equal, **{f"{names[i]}__{ops[i]}": position[i]})
        return Q(**{f"{names[0]}__{ops[0]}e": position[0]}) & condition

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the `next` or `previous` link of another page carries it.",
                "schema": {"type": "string"},
            },
            int_parameter(
                self.page_size_query_param,
                f"Results per page (default {api_settings.PAGE_SIZE}, at most {self.max_page_size}).",
                minimum=1,
            ),
        ]
