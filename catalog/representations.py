"""Book representations for reads, built from plain rows (`values()`) instead of model instances, prefetch
managers and nested serializers: the same JSON, field for field, as BookSerializer (v1) and BookV2Serializer (v2),
at a fraction of the cost. Writes keep the serializers; tests/catalog/test_representations.py holds both to the
same answers.

A page costs three queries whatever its size: its books, their credits (with the authors' names), their genres.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connections
from rest_framework import serializers

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
