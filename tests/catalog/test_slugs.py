"""Slugs made by the create services: the next free one, and a retry when a concurrent writer took it first."""

import pytest
from django.db import IntegrityError

from catalog import slugs
from catalog.models import Book, Genre
from catalog.services import book_create, genre_create
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory


@pytest.fixture
def book_fields(db):
    return {
        "title": "The Idiot",
        "isbn": "9780140447927",
        "pages": 656,
        "price": "10.99",
        "publisher": PublisherFactory(),
        "credits": [{"author": AuthorFactory(), "role": "author"}],
    }


def test_a_book_without_a_slug_gets_the_next_free_one(book_fields):
    BookFactory(slug="the-idiot")
    BookFactory(slug="the-idiot-2")

    assert book_create(**book_fields).slug == "the-idiot-3"


def test_a_slug_taken_by_a_concurrent_writer_is_retried(book_fields, monkeypatch):
    GenreFactory(slug="noir")
    real = slugs.unique_slug
    answers = iter(["noir"])  # what a writer that read before the other's commit would compute
    monkeypatch.setattr(slugs, "unique_slug", lambda *args: next(answers, None) or real(*args))

    genre = genre_create(name="Noir")

    assert genre.slug == "noir-2"
    assert Genre.objects.filter(slug__startswith="noir").count() == 2


def test_a_writer_that_keeps_losing_takes_a_random_suffix(db, monkeypatch):
    GenreFactory(slug="noir")
    monkeypatch.setattr(slugs, "unique_slug", lambda *args: "noir")

    genre = genre_create(name="Noir")

    assert genre.slug.startswith("noir-")
    assert len(genre.slug) == len("noir-") + 6


def test_another_integrity_error_is_not_retried(book_fields):
    BookFactory(isbn=book_fields["isbn"])

    with pytest.raises(IntegrityError):
        book_create(**book_fields)
    assert Book.objects.count() == 1
