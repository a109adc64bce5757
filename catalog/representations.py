"""Book representations for reads, built from plain rows (`values()`) instead of model instances, prefetch
managers and nested serializers: the same JSON, field for field, as BookSerializer (v1) and BookV2Serializer (v2),
at a fraction of the cost. Writes keep the serializers; tests/catalog/test_representations.py holds both to the
same answers.

On PostgreSQL, PostgreSQL builds each book's JSON in the page's own query (its credits and genres in subqueries):
one query a page, whatever its size; a list passes the JSON on as it is, a detail parses it (orjson). Elsewhere
(SQLite) a page costs three queries: its books, their credits (with the authors' names), their genres, put
together here.
"""

from collections import defaultdict
from datetime import timedelta

import orjson
from django.conf import settings
from django.db import connections
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from rest_framework import serializers

from bookstore.api.fastjson import RawJSON

from .models import Author, Book, BookAuthor, Genre
from .serializers import BookSerializer

ZERO = timedelta(0)

# The book columns a representation shows: the v1 serializer's fields in its order, less the two relations
# that come from their own queries.
COLUMNS = [name for name in BookSerializer.Meta.fields if name not in ("authors", "genres")]

# The serializers' own fields turn the scalar values into text, so that every value is written as they write it.
_price = serializers.DecimalField(max_digits=10, decimal_places=2)
_rating = serializers.DecimalField(max_digits=3, decimal_places=2)
_date = serializers.DateField()
_datetime = serializers.DateTimeField()


# The two relation queries of a page, as the ORM would write them (the same order as the prefetches: credits by
# position, genres by name), but written once instead of compiled on every request. Portable SQL; the names put
# into it are the models' tables, and the ids are bound parameters.
CREDITS_SQL = (
    "SELECT credit.book_id, credit.author_id, author.name, credit.role "  # noqa: S608
    f"FROM {BookAuthor._meta.db_table} credit JOIN {Author._meta.db_table} author ON author.id = credit.author_id "
    "WHERE credit.book_id IN ({ids}) ORDER BY credit.position, credit.id"
)
GENRES_SQL = (
    "SELECT link.book_id, genre.id, genre.name, genre.slug "  # noqa: S608
    f"FROM {Book.genres.through._meta.db_table} link JOIN {Genre._meta.db_table} genre ON genre.id = link.genre_id "
    "WHERE link.book_id IN ({ids}) ORDER BY genre.name, genre.id"
)


# PostgreSQL: the book as JSON text, field for field what the functions below answer, written compactly (to_json of
# a row writes no spaces, where json_build_object writes ' : ' and ', '), so that a page can pass it on as it is.
# Timestamps as DRF writes them with TIME_ZONE = "UTC" (ISO 8601 with Z, microseconds only when there are any);
# amounts as numeric text, which keeps the column's two decimals as DRF's DecimalField does. The table names are the
# models'; nothing else is put into the SQL.
_BOOK = f'"{Book._meta.db_table}"'


def _iso_utc(column: str) -> str:
    utc = f"({_BOOK}.{column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE to_char({utc}, '.US') END || 'Z'"
    )


def _json_object(*fields: tuple[str, str]) -> str:
    """A JSON object of (key, SQL expression) pairs, in their order."""
    columns = ", ".join(f'{expression} AS "{key}"' for key, expression in fields)
    return f"(SELECT to_json(item) FROM (SELECT {columns}) item)"  # noqa: S608 -- the constant SQL of this module


def _json_array(item: str, source: str, order: str) -> str:
    return f"COALESCE((SELECT array_to_json(array_agg({item} ORDER BY {order})) {source}), '[]'::json)"


_CREDITS = (
    f"FROM {BookAuthor._meta.db_table} credit JOIN {Author._meta.db_table} author ON author.id = credit.author_id "
    f"WHERE credit.book_id = {_BOOK}.id"
)
_GENRES = (
    f"FROM {Book.genres.through._meta.db_table} link JOIN {Genre._meta.db_table} genre ON genre.id = link.genre_id "
    f"WHERE link.book_id = {_BOOK}.id"
)
_COMMON = [
    (name, f"{_BOOK}.{column}")
    for name, column in [
        ("id", "id"),
        ("title", "title"),
        ("subtitle", "subtitle"),
        ("slug", "slug"),
        ("isbn", "isbn"),
        ("description", "description"),
        ("language", "language"),
        ("pages", "pages"),
        ("publication_date", "publication_date"),
        ("format", "format"),
        ("publisher", "publisher_id"),
    ]
]
_RATING = f"CASE WHEN {_BOOK}.rating_count > 0 THEN {_BOOK}.rating_average::text END"
_TIMES = [
    ("is_active", f"{_BOOK}.is_active"),
    ("created_at", _iso_utc("created_at")),
    ("updated_at", _iso_utc("updated_at")),
]
_CREDIT_ORDER, _GENRE_ORDER = "credit.position, credit.id", "genre.name, genre.id"
BOOK_JSON_SQL = {
    "v1": _json_object(
        *_COMMON,
        (
            "authors",
            _json_array(_json_object(("id", "credit.author_id"), ("role", "credit.role")), _CREDITS, _CREDIT_ORDER),
        ),
        ("genres", _json_array("genre.id", _GENRES, _GENRE_ORDER)),
        ("price", f"{_BOOK}.price::text"),
        ("currency", f"{_BOOK}.currency"),
        ("stock", f"{_BOOK}.stock"),
        ("rating_average", _RATING),
        ("rating_count", f"{_BOOK}.rating_count"),
        *_TIMES,
    )
    + "::text",
    "v2": _json_object(
        *_COMMON,
        (
            "authors",
            _json_array(
                _json_object(("id", "credit.author_id"), ("name", "author.name"), ("role", "credit.role")),
                _CREDITS,
                _CREDIT_ORDER,
            ),
        ),
        (
            "genres",
            _json_array(
                _json_object(("id", "genre.id"), ("name", "genre.name"), ("slug", "genre.slug")), _GENRES, _GENRE_ORDER
            ),
        ),
        ("price", _json_object(("amount", f"{_BOOK}.price::text"), ("currency", f"{_BOOK}.currency"))),
        ("availability", _json_object(("in_stock", f"{_BOOK}.stock > 0"), ("quantity", f"{_BOOK}.stock"))),
        ("rating", _json_object(("average", _RATING), ("count", f"{_BOOK}.rating_count"))),
        *_TIMES,
    )
    + "::text",
}
# The expressions, made once: a query copies an expression as it resolves it, and a model field is costly to make
# (4% of a cursor page's samples went to making a TextField for each request).
BOOK_JSON = {
    version: RawSQL(sql, (), output_field=TextField())  # noqa: S611 -- constant SQL
    for version, sql in BOOK_JSON_SQL.items()
}
# What a page's rows hold besides the JSON: of the columns a list may be ordered by, those its order uses, which a
# cursor is made from. (Reading all six made psycopg parse a timestamp, two decimals and a date per book for
# nothing: 0.18 to 0.29 ms of a 20-book page's 0.57 to 0.59 ms in the ORM.)
KEY_COLUMNS = ["id", "title", "price", "publication_date", "created_at", "rating_average"]


def book_rows(queryset, version: str, *extra: str):
    """The queryset as the rows `books()` represents: on PostgreSQL each book's JSON (built there) beside the sort
    keys of its order (the queryset's, else the model's), elsewhere its columns. `extra`: annotations to keep (a
    search rank the order may use)."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.values(*order_keys(queryset), *extra, book_json=BOOK_JSON[version])
    return queryset.values(*COLUMNS, *extra)


def order_keys(queryset) -> list[str]:
    """The book columns the queryset's order names (else the model's default order), and the primary key, which
    every order ends in: what a page's cursor is made from."""
    names = [_order_name(item) for item in queryset.query.order_by] or Book._meta.ordering
    names = {name.lstrip("-") for name in names if name} | {"id"}
    return [column for column in KEY_COLUMNS if column in names]


def _order_name(item) -> str | None:
    """The field an item of `order_by` sorts by: a name ("-price"), or F("name") inside an ordering expression
    (a nullable field sorted with its empty values last)."""
    if isinstance(item, str):
        return item
    if isinstance(item, F):
        return item.name
    return getattr(getattr(item, "expression", None), "name", None)


def books(rows: list[dict], version: str, *, using: str = "default") -> list:
    """The books of `rows` (from `book_rows`) as the version represents them. From PostgreSQL, each as the JSON text
    PostgreSQL wrote (RawJSON), which the renderer writes as it is: parsing twenty books to write them again cost a
    fifth of a page's instructions. Elsewhere, as dicts."""
    if rows and "book_json" in rows[0]:
        return [RawJSON(row["book_json"]) for row in rows]
    return (books_v2 if version == "v2" else books_v1)(rows, using=using)


def book(row: dict, version: str, *, using: str = "default") -> dict:
    """One book of `book_rows` as the version represents it, as a dict: a detail's ETag is taken from its data, and
    must be the one an If-Match is checked against (the serializer's)."""
    if "book_json" in row:
        return orjson.loads(row["book_json"])
    return books([row], version, using=using)[0]


def _relations(book_ids: list[int], using: str) -> tuple[dict, dict]:
    """Each book's byline (in order) and genres (by name), in one query each, from the database `using` (the
    one the page was read from: the primary or a replica)."""
    credits, genres = defaultdict(list), defaultdict(list)
    if not book_ids:
        return credits, genres
    placeholders = ", ".join(["%s"] * len(book_ids))
    with connections[using].cursor() as cursor:
        cursor.execute(CREDITS_SQL.format(ids=placeholders), book_ids)
        for book_id, author_id, name, role in cursor.fetchall():
            credits[book_id].append((author_id, name, role))
        cursor.execute(GENRES_SQL.format(ids=placeholders), book_ids)
        for book_id, genre_id, name, slug in cursor.fetchall():
            genres[book_id].append((genre_id, name, slug))
    return credits, genres


def _timestamp(value) -> str:
    """A timestamp as DRF's DateTimeField writes it; directly when it is in UTC already (always, from the
    database with USE_TZ and TIME_ZONE = "UTC")."""
    if value.utcoffset() == ZERO and settings.TIME_ZONE == "UTC":
        text = value.replace(tzinfo=None).isoformat()
        return f"{text}Z"
    return _datetime.to_representation(value)


def _rating_average(row: dict) -> str | None:
    """The average rating, or None before the first (visible) review (Book.rating)."""
    return _rating.to_representation(row["rating_average"]) if row["rating_count"] else None


def _common(row: dict) -> dict:
    published = row["publication_date"]
    return {
        "id": row["id"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "slug": row["slug"],
        "isbn": row["isbn"],
        "description": row["description"],
        "language": row["language"],
        "pages": row["pages"],
        "publication_date": None if published is None else _date.to_representation(published),
        "format": row["format"],
        "publisher": row["publisher"],
    }


def books_v1(rows: list[dict], *, using: str = "default") -> list[dict]:
    """v1 books: `authors` as [{id, role}], `genres` as ids, `price` and `currency`, `stock`, `rating_average`."""
    credits, genres = _relations([row["id"] for row in rows], using)
    return [
        {
            **_common(row),
            "authors": [{"id": author_id, "role": role} for author_id, _, role in credits[row["id"]]],
            "genres": [genre_id for genre_id, _, _ in genres[row["id"]]],
            "price": _price.to_representation(row["price"]),
            "currency": row["currency"],
            "stock": row["stock"],
            "rating_average": _rating_average(row),
            "rating_count": row["rating_count"],
            "is_active": row["is_active"],
            "created_at": _timestamp(row["created_at"]),
            "updated_at": _timestamp(row["updated_at"]),
        }
        for row in rows
    ]


def books_v2(rows: list[dict], *, using: str = "default") -> list[dict]:
    """v2 books: authors and genres as objects, price with its currency, availability, rating."""
    credits, genres = _relations([row["id"] for row in rows], using)
    return [
        {
            **_common(row),
            "authors": [{"id": author_id, "name": name, "role": role} for author_id, name, role in credits[row["id"]]],
            "genres": [{"id": genre_id, "name": name, "slug": slug} for genre_id, name, slug in genres[row["id"]]],
            "price": {"amount": _price.to_representation(row["price"]), "currency": row["currency"]},
            "availability": {"in_stock": row["stock"] > 0, "quantity": row["stock"]},
            "rating": {"average": _rating_average(row), "count": row["rating_count"]},
            "is_active": row["is_active"],
            "created_at": _timestamp(row["created_at"]),
            "updated_at": _timestamp(row["updated_at"]),
        }
        for row in rows
    ]
