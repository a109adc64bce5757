"""generate_catalog: a large reproducible catalog for benchmarks (tested here at a small size)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from catalog.isbn import normalize_isbn
from catalog.models import Author, Book, BookAuthor, Genre, Publisher
from tests.factories import BookFactory


def generate(books, seed=1, **options):
    call_command("generate_catalog", books=books, seed=seed, stdout=StringIO(), stderr=StringIO(), **options)


def snapshot():
    """The generated rows without ids: what a seed must reproduce."""
    return {
        "books": list(
            Book.objects.order_by("isbn").values_list("title", "subtitle", "isbn", "price", "stock", "publisher__slug")
        ),
        "credits": sorted(BookAuthor.objects.values_list("book__isbn", "author__slug", "role", "position")),
        "genres": sorted(Book.genres.through.objects.values_list("book__isbn", "genre__slug")),
    }


def wipe():
    BookAuthor.objects.all().delete()
    Book.objects.all().delete()
    Author.objects.all().delete()
    Publisher.objects.all().delete()
    Genre.objects.filter(parent__isnull=False).delete()
    Genre.objects.all().delete()


@pytest.mark.django_db
def test_generates_valid_books_with_bylines_and_genres():
    generate(300, seed=7)

    assert Book.objects.count() == 300
    for book in Book.objects.prefetch_related("credits", "genres"):
        book.full_clean()  # every model validator and constraint: title length, ISBN-13 check digit, ...
        assert normalize_isbn(book.isbn) == book.isbn
        assert 1 <= len(book.credits.all()) <= 3
        assert [credit.position for credit in book.credits.all()] == list(range(len(book.credits.all())))
        assert 1 <= len(book.genres.all()) <= 2
    assert Author.objects.count() >= 10
    assert Publisher.objects.count() >= 5
    assert Genre.objects.filter(parent__isnull=False).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_catalog_and_another_seed_another():
    generate(200, seed=5)
    first = snapshot()
    wipe()
    generate(200, seed=5)
    assert snapshot() == first
    wipe()
    generate(200, seed=6)
    assert snapshot()["books"] != first["books"]


@pytest.mark.django_db
def test_new_rows_get_ids_after_the_generated_ones():
    generate(50)

    assert BookFactory().pk > max(Book.objects.exclude(title__startswith="Book ").values_list("pk", flat=True))


@pytest.mark.django_db
def test_refuses_a_catalog_that_has_books_and_writes_nothing():
    BookFactory()
    authors = Author.objects.count()

    with pytest.raises(CommandError, match="already has 1 books"):
        generate(10)

    assert Book.objects.count() == 1
    assert Author.objects.count() == authors


@pytest.mark.django_db
@override_settings(SETTINGS_MODULE="bookstore.settings.production")
def test_refuses_production_settings_unless_forced():
    with pytest.raises(CommandError, match="production"):
        generate(10)
    assert not Book.objects.exists()

    generate(10, force=True)
    assert Book.objects.count() == 10
