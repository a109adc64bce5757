"""Reviews cost the book list nothing: its rating is stored on the book, so the list's query count is what it
was before reviews existed. The review lists are pinned too."""

import pytest
from django.urls import reverse

from tests.book_queries import book_page_queries
from tests.envelope import data_of
from tests.factories import AuthorFactory, BookFactory, CustomerFactory, GenreFactory
from tests.reviews.conftest import write

pytestmark = pytest.mark.django_db


# The same numbers as tests/catalog/test_books_api.py and test_books_v2_api.py pin without reviews.
@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("limit", [5, 50])
@pytest.mark.parametrize("ordering", [None, "-rating_average"])
def test_the_book_list_costs_the_same_queries_with_reviews(
    api_client, django_assert_num_queries, version, limit, ordering
):
    queries = book_page_queries(version)
    authors, genres = AuthorFactory.create_batch(2), GenreFactory.create_batch(2)
    books = BookFactory.create_batch(50, authors=authors, genres=genres)
    readers = CustomerFactory.create_batch(3)
    for book in books:
        for rating, reader in enumerate(readers, start=3):
            write(reader, book, rating=rating)
    params = {"limit": limit, **({"ordering": ordering} if ordering else {})}

    with django_assert_num_queries(queries):
        response = api_client.get(reverse(f"{version}:book-list"), params)

    rows = data_of(response)["results"]
    assert len(rows) == limit
    rating = [(row["rating_average"], row["rating_count"]) if version == "v1" else row["rating"] for row in rows]
    assert rating == [("4.00", 3) if version == "v1" else {"average": "4.00", "count": 3}] * limit


# v1: the book, COUNT, the page with its authors; v2: the book, the page.
@pytest.mark.parametrize(("version", "queries"), [("v1", 3), ("v2", 2)])
@pytest.mark.parametrize("limit", [5, 50])
def test_a_books_review_list_costs_a_fixed_number_of_queries(
    api_client, django_assert_num_queries, version, queries, limit
):
    book = BookFactory()
    for reader in CustomerFactory.create_batch(60):
        write(reader, book)

    with django_assert_num_queries(queries):
        response = api_client.get(reverse(f"{version}:book-review-list", args=[book.pk]), {"limit": limit})

    assert len(data_of(response)["results"]) == limit
