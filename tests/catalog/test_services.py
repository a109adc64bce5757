"""catalog/services.py called directly: a book's byline and genres are written with it, an update saves only the
fields it is given, and a refused write leaves every row as it was."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from catalog.models import Book, BookAuthor
from catalog.services import book_create, book_update
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory


@pytest.fixture
def people(db):
    return {
        "novelist": AuthorFactory(name="Fyodor Dostoevsky"),
        "translator": AuthorFactory(name="David McDuff"),
        "editor": AuthorFactory(name="Richard Pevear"),
    }


@pytest.fixture
def genres(db):
    return {"classics": GenreFactory(slug="classics"), "russian": GenreFactory(slug="russian")}


def fields(**overrides):
    """The plain fields of a valid new book."""
    return {
        "title": "The Idiot",
        "slug": "the-idiot",
        "isbn": "9780140447927",
        "language": "en",
        "pages": 656,
        "format": Book.Format.PAPERBACK,
        "publisher": PublisherFactory(),
        "price": Decimal("10.99"),
        "currency": Book.Currency.GBP,
        "stock": 3,
        **overrides,
    }


def byline(book):
    """(author, role, position) of each credit, in byline order."""
    return list(BookAuthor.objects.filter(book=book).order_by("position").values_list("author", "role", "position"))


def genre_ids(book):
    return sorted(book.genres.values_list("pk", flat=True))


def snapshot():
    """Every row a book write touches."""
    return [list(model.objects.order_by("pk").values()) for model in (Book, BookAuthor, Book.genres.through)]


# book_create ---------------------------------------------------------------------------------------------------


def test_book_create_writes_the_byline_in_the_order_given_and_the_genres(people, genres):
    credits = [{"author": people["translator"], "role": "translator"}, {"author": people["novelist"], "role": "author"}]

    book = book_create(credits=credits, genres=[genres["russian"], genres["classics"]], **fields())

    stored = Book.objects.get(pk=book.pk)
    assert (stored.title, stored.isbn, stored.stock, stored.price) == (
        "The Idiot",
        "9780140447927",
        3,
        Decimal("10.99"),
    )
    assert byline(book) == [(people["translator"].pk, "translator", 0), (people["novelist"].pk, "author", 1)]
    assert genre_ids(book) == sorted([genres["classics"].pk, genres["russian"].pk])


def test_book_create_without_genres_has_none(people):
    book = book_create(credits=[{"author": people["novelist"], "role": "author"}], **fields())

    assert genre_ids(book) == []
    assert byline(book) == [(people["novelist"].pk, "author", 0)]


@pytest.mark.parametrize(
    ("credits", "overrides"),
    [
        pytest.param(
            [{"author": "novelist", "role": "author"}, {"author": "novelist", "role": "author"}],
            {},
            id="same-author-twice-in-a-role",
        ),
        pytest.param([{"author": "novelist", "role": "author"}], {"stock": -1}, id="negative-stock"),
    ],
)
def test_a_refused_book_create_writes_nothing(people, genres, credits, overrides):
    BookFactory()  # rows that exist already must stay as they are, too
    before = snapshot()
    credits = [{**credit, "author": people[credit["author"]]} for credit in credits]

    with pytest.raises(IntegrityError):
        book_create(credits=credits, genres=[genres["classics"]], **fields(**overrides))

    assert snapshot() == before


# book_update ---------------------------------------------------------------------------------------------------


@pytest.fixture
def book(people, genres):
    book = BookFactory(
        title="Crime and Punishment",
        stock=7,
        authors=[people["novelist"], people["translator"]],
        genres=[genres["classics"], genres["russian"]],
    )
    return Book.objects.get(pk=book.pk)


def test_book_update_saves_only_the_fields_given(book):
    stale = Book.objects.get(pk=book.pk)
    Book.objects.filter(pk=book.pk).update(stock=2)  # another writer, after `stale` was read

    book_update(book=stale, title="Crime & Punishment")

    stored = Book.objects.get(pk=book.pk)
    assert stored.title == "Crime & Punishment"
    assert stored.stock == 2
    assert stored.updated_at > book.updated_at


def test_book_update_without_byline_or_genres_keeps_them(book, people, genres):
    book_update(book=book, price=Decimal("9.50"))

    assert Book.objects.get(pk=book.pk).price == Decimal("9.50")
    assert byline(book) == [(people["novelist"].pk, "author", 0), (people["translator"].pk, "author", 1)]
    assert genre_ids(book) == sorted([genres["classics"].pk, genres["russian"].pk])


def test_book_update_replaces_the_byline_whole_in_the_order_given(book, people):
    credits = [{"author": people["editor"], "role": "editor"}, {"author": people["novelist"], "role": "author"}]

    book_update(book=book, credits=credits)

    assert byline(book) == [(people["editor"].pk, "editor", 0), (people["novelist"].pk, "author", 1)]
    assert not BookAuthor.objects.filter(book=book, author=people["translator"]).exists()


@pytest.mark.parametrize("kept", [["russian"], []], ids=["one", "none"])
def test_book_update_replaces_the_genres(book, genres, kept):
    book_update(book=book, genres=[genres[name] for name in kept])

    assert genre_ids(book) == sorted(genres[name].pk for name in kept)


def test_a_refused_book_update_writes_nothing(book, people):
    before = snapshot()
    same_twice = [{"author": people["editor"], "role": "editor"}, {"author": people["editor"], "role": "editor"}]

    with pytest.raises(IntegrityError):
        book_update(book=book, title="Crime & Punishment", credits=same_twice)

    assert snapshot() == before
