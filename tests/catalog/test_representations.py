"""The row-built read representations answer exactly what the serializers answer, field for field: the one the
database in use builds (PostgreSQL: JSON built by PostgreSQL), and the one put together in Python from plain rows."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import orjson
import pytest
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from rest_framework.request import Request

from catalog.models import Book
from catalog.representations import COLUMNS, KEY_COLUMNS, book_rows, books, books_v1, books_v2, order_keys
from catalog.serializers import BookSerializer, BookV2Serializer
from catalog.views import BookViewSet
from tests.factories import AuthorFactory, BookFactory, GenreFactory


@pytest.fixture
def varied_books(db):
    authors = [AuthorFactory(name=name) for name in ("Zoë Ünïcode", "Al Able", "Bo Bee")]
    genres = [GenreFactory(name=name) for name in ("Zeta", "Alpha", "Mu")]
    books = [
        BookFactory(authors=authors[::-1], genres=genres, price=Decimal("0.00"), stock=0, publication_date=None),
        BookFactory(authors=authors[:1], genres=[], price=Decimal("12.5"), is_active=False, subtitle="Sub"),
        BookFactory(authors=authors[1:], genres=genres[1:], price=Decimal("99999999.99"), stock=7),
    ]
    Book.objects.filter(pk=books[0].pk).update(created_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC))
    Book.objects.filter(pk=books[1].pk).update(
        publication_date=date(1999, 12, 31),
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: DRF writes none
        updated_at=datetime(2024, 1, 2, 3, 4, 5, 10, tzinfo=UTC),
        description='Quotes " and \\ backslashes,\nnew lines, tabs\t, emoji \U0001f4da and \u2028.',
    )
    Book.objects.filter(pk=books[2].pk).update(rating_average=Decimal("4.5"), rating_count=2)
    return books


VERSIONS = [("v1", BookSerializer, books_v1), ("v2", BookV2Serializer, books_v2)]


def serialized(serializer):
    request = Request(RequestFactory().get("/"))
    instances = Book.objects.with_relations().order_by("id")
    return [dict(serializer(book, context={"request": request}).data) for book in instances]


@pytest.mark.parametrize(("version", "serializer", "_"), VERSIONS)
def test_the_databases_rows_answer_what_the_serializer_answers(varied_books, version, serializer, _):
    expected = serialized(serializer)

    rows = list(book_rows(Book.objects.order_by("id"), version))
    built = books(rows, version)

    assert ("book_json" in rows[0]) == (connection.vendor == "postgresql")  # PostgreSQL built them
    if connection.vendor == "postgresql":
        # Passed on as PostgreSQL wrote them, which is what orjson writes for the same data: compact, in order.
        texts = [raw.text for raw in built]
        assert texts == [orjson.dumps(orjson.loads(text)).decode() for text in texts]
        built = [orjson.loads(text) for text in texts]

    assert built == expected
    assert [list(book) for book in built] == [list(book) for book in expected]  # the same key order


@pytest.mark.parametrize(("_", "serializer", "build"), VERSIONS)
def test_python_built_rows_answer_what_the_serializer_answers(varied_books, _, serializer, build):
    expected = serialized(serializer)

    built = build(list(Book.objects.order_by("id").values(*COLUMNS)))

    assert built == expected
    assert [list(book) for book in built] == [list(book) for book in expected]  # the same key order


@pytest.mark.parametrize(
    ("order", "keys"),
    [
        pytest.param([], ["id", "title"], id="the-models-order"),
        pytest.param(["-price", "-id"], ["id", "price"], id="price-descending"),
        pytest.param(["created_at", "id"], ["id", "created_at"], id="created"),
        pytest.param(["-rating_average", "title", "-id"], ["id", "title", "rating_average"], id="rating-then-title"),
        pytest.param([F("publication_date").asc(nulls_last=True), "id"], ["id", "publication_date"], id="nulls-last"),
        pytest.param([F("price"), "id"], ["id", "price"], id="a-bare-f"),
    ],
)
def test_a_page_reads_the_sort_keys_of_its_order_and_no_others(order, keys):
    queryset = Book.objects.order_by(*order)

    assert order_keys(queryset) == keys


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_every_order_a_list_allows_is_among_the_sort_keys_a_page_can_read(version):
    view = BookViewSet()
    view.request = SimpleNamespace(version=version)
    allowed = [*view.ordering_fields, *Book._meta.ordering]

    assert set(allowed) <= set(KEY_COLUMNS)
