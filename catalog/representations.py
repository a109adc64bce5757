"""Book representations for reads, built from plain rows (`values()`) instead of model instances, prefetch
managers and nested serializers: the same JSON, field for field, as BookSerializer (v1) and BookV2Serializer (v2),
at a fraction of the cost. Writes keep the serializers; tests/catalog/test_representations.py holds both to the
same answers.

A page costs three queries whatever its size: its books, their credits (with the authors' names), their genres.
"""

from collections import defaultdict

from rest_framework import serializers

from .models import Book, BookAuthor

# The book columns a representation shows, in the serializers' field order.
COLUMNS = [
    "id",
    "title",
    "subtitle",
    "slug",
    "isbn",
    "description",
    "language",
    "pages",
    "publication_date",
    "format",
    "publisher",
    "price",
    "currency",
    "stock",
    "is_active",
    "created_at",
    "updated_at",
]

# The serializers' own fields turn the scalar values into text, so that every value is written as they write it.
_price = serializers.DecimalField(max_digits=10, decimal_places=2)
_date = serializers.DateField()
_datetime = serializers.DateTimeField()


def _relations(book_ids: list[int]) -> tuple[dict, dict]:
    """Each book's byline (in order) and genres (by name), in one query each."""
    credits = defaultdict(list)
    rows = BookAuthor.objects.filter(book_id__in=book_ids).order_by("position", "id")
    for book_id, author_id, name, role in rows.values_list("book_id", "author_id", "author__name", "role"):
        credits[book_id].append((author_id, name, role))
    genres = defaultdict(list)
    links = Book.genres.through.objects.filter(book_id__in=book_ids).order_by("genre__name", "genre_id")
    for book_id, genre_id, name, slug in links.values_list("book_id", "genre_id", "genre__name", "genre__slug"):
        genres[book_id].append((genre_id, name, slug))
    return credits, genres


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


def books_v1(rows: list[dict]) -> list[dict]:
    """v1 books: `authors` as [{id, role}], `genres` as ids, `price` and `currency`, `stock`."""
    credits, genres = _relations([row["id"] for row in rows])
    return [
        {
            **_common(row),
            "authors": [{"id": author_id, "role": role} for author_id, _, role in credits[row["id"]]],
            "genres": [genre_id for genre_id, _, _ in genres[row["id"]]],
            "price": _price.to_representation(row["price"]),
            "currency": row["currency"],
            "stock": row["stock"],
            "is_active": row["is_active"],
            "created_at": _datetime.to_representation(row["created_at"]),
            "updated_at": _datetime.to_representation(row["updated_at"]),
        }
        for row in rows
    ]


def books_v2(rows: list[dict]) -> list[dict]:
    """v2 books: authors and genres as objects, price with its currency, availability."""
    credits, genres = _relations([row["id"] for row in rows])
    return [
        {
            **_common(row),
            "authors": [{"id": author_id, "name": name, "role": role} for author_id, name, role in credits[row["id"]]],
            "genres": [{"id": genre_id, "name": name, "slug": slug} for genre_id, name, slug in genres[row["id"]]],
            "price": {"amount": _price.to_representation(row["price"]), "currency": row["currency"]},
            "availability": {"in_stock": row["stock"] > 0, "quantity": row["stock"]},
            "is_active": row["is_active"],
            "created_at": _datetime.to_representation(row["created_at"]),
            "updated_at": _datetime.to_representation(row["updated_at"]),
        }
        for row in rows
    ]
