"""Fixtures shared by the catalog tests: one fully specified book and everything it refers to, and a valid
request body for a new book."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from catalog.models import Book, BookAuthor
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory

CREATED_AT = datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
UPDATED_AT = datetime(2024, 5, 17, 18, 5, 0, 654321, tzinfo=UTC)


@pytest.fixture
def publisher(db):
    return PublisherFactory(name="Penguin Classics", slug="penguin-classics")


@pytest.fixture
def novelist(db):
    return AuthorFactory(name="Fyodor Dostoevsky", slug="fyodor-dostoevsky", sort_name="Dostoevsky, Fyodor")


@pytest.fixture
def translator(db):
    return AuthorFactory(name="David McDuff", slug="david-mcduff", sort_name="McDuff, David")


@pytest.fixture
def classics(db):
    return GenreFactory(name="Classics", slug="classics")


@pytest.fixture
def russian(db):
    return GenreFactory(name="Russian Literature", slug="russian-literature")


@pytest.fixture
def book(publisher, novelist, translator, classics, russian):
    """A fully specified book: a novelist and (second in the byline) a translator, two genres."""
    book = BookFactory(
        title="Crime and Punishment",
        subtitle="A Novel in Six Parts with an Epilogue",
        slug="crime-and-punishment",
        isbn="9780140449136",
        description="A student in St Petersburg commits a murder and cannot live with it.",
        language="en",
        pages=720,
        publication_date=date(2003, 1, 30),
        format=Book.Format.PAPERBACK,
        publisher=publisher,
        authors=[],
        genres=[classics, russian],
        price=Decimal("12.99"),
        currency=Book.Currency.GBP,
        stock=7,
        is_active=True,
    )
    # The translator's credit is written first, so byline order (position) differs from row order.
    BookAuthor.objects.create(book=book, author=translator, role=BookAuthor.Role.TRANSLATOR, position=1)
    BookAuthor.objects.create(book=book, author=novelist, role=BookAuthor.Role.AUTHOR, position=0)
    Book.objects.filter(pk=book.pk).update(created_at=CREATED_AT, updated_at=UPDATED_AT)
    book.refresh_from_db()
    return book


@pytest.fixture
def new_book(publisher, novelist, translator, classics):
    """A valid request body for POST and PUT of a book ("The Idiot"): v1 and v2 take the same input."""
    return {
        "title": "The Idiot",
        "subtitle": "",
        "slug": "the-idiot",
        "isbn": "9780140447927",
        "description": "Prince Myshkin returns to Russia.",
        "language": "en",
        "pages": 656,
        "publication_date": "2004-02-26",
        "format": "paperback",
        "publisher": publisher.pk,
        "authors": [{"id": novelist.pk, "role": "author"}, {"id": translator.pk, "role": "translator"}],
        "genres": [classics.pk],
        "price": "10.99",
        "currency": "GBP",
        "stock": 3,
        "is_active": True,
    }
