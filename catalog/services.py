"""Writes to the catalog that span several models."""

from django.db import transaction

from .models import Book, BookAuthor


@transaction.atomic
def book_create(*, credits: list[dict], genres: list = (), **fields) -> Book:
    """Create a book with its byline (authors in order, each with a role) and genres."""
    book = Book.objects.create(**fields)
    _replace_credits(book, credits)
    book.genres.set(genres)
    return book


@transaction.atomic
def book_update(*, book: Book, credits: list[dict] | None = None, genres: list | None = None, **fields) -> Book:
    """Change a book's fields; a byline or genre list that is given replaces the old one whole."""
    for name, value in fields.items():
        setattr(book, name, value)
    # Only the fields given: two PATCHes of different fields must not undo each other.
    book.save(update_fields=[*fields, "updated_at"])
    if credits is not None:
        _replace_credits(book, credits)
    if genres is not None:
        book.genres.set(genres)
    return book


def _replace_credits(book: Book, credits: list[dict]) -> None:
    book.credits.all().delete()
    BookAuthor.objects.bulk_create(
        BookAuthor(book=book, author=credit["author"], role=credit["role"], position=position)
        for position, credit in enumerate(credits)
    )
