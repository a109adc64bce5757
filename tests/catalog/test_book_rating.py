"""A book's stored rating: what book_rating_set stores, how books answer it, and ordering and filtering by it.
(The reviews keep it up to date: tests/reviews.)"""

from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from catalog.admin import BookAdmin
from catalog.models import Book
from catalog.services import book_rating_set
from tests.catalog.test_admin import change_form_data
from tests.envelope import data_of, error_of
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def rate(book, count, total):
    return book_rating_set(book=book, count=count, total=total)


@pytest.mark.parametrize(
    ("count", "total", "average"),
    [(0, 0, "0.00"), (1, 5, "5.00"), (3, 10, "3.33"), (3, 11, "3.67"), (8, 36, "4.50"), (200, 201, "1.01")],
)
def test_book_rating_set_stores_the_average_to_two_places_half_up(count, total, average):
    book = BookFactory()

    rate(book, count, total)

    book.refresh_from_db()
    assert (book.rating_average, book.rating_count) == (Decimal(average), count)


@pytest.mark.parametrize(("count", "total"), [(-1, 0), (2, 1), (2, 11), (0, 3)])
def test_book_rating_set_refuses_impossible_sums_and_changes_nothing(count, total):
    book = BookFactory()
    rate(book, 2, 7)

    with pytest.raises(ValueError, match="cannot add up"):
        rate(book, count, total)

    book.refresh_from_db()
    assert (book.rating_average, book.rating_count) == (Decimal("3.50"), 2)


def test_the_database_refuses_an_average_outside_1_to_5_or_without_ratings():
    book = BookFactory()

    with pytest.raises(IntegrityError):
        Book.objects.filter(pk=book.pk).update(rating_average=Decimal("4.00"), rating_count=0)


def test_book_rating_set_leaves_updated_at_alone():
    book = BookFactory()
    before = Book.objects.get(pk=book.pk).updated_at

    rate(book, 1, 4)

    assert Book.objects.get(pk=book.pk).updated_at == before


def test_books_answer_their_rating_in_each_version(api_client):
    rated, unrated = BookFactory(), BookFactory()
    rate(rated, 3, 13)

    v1 = data_of(api_client.get(reverse("v1:book-detail", args=[rated.pk])))
    v2 = data_of(api_client.get(reverse("v2:book-detail", args=[rated.pk])))
    v1_unrated = data_of(api_client.get(reverse("v1:book-detail", args=[unrated.pk])))
    v2_unrated = data_of(api_client.get(reverse("v2:book-detail", args=[unrated.pk])))

    assert (v1["rating_average"], v1["rating_count"]) == ("4.33", 3)
    assert v2["rating"] == {"average": "4.33", "count": 3}
    assert (v1_unrated["rating_average"], v1_unrated["rating_count"]) == (None, 0)
    assert v2_unrated["rating"] == {"average": None, "count": 0}


def test_a_rating_sent_in_a_book_write_is_ignored(catalog_manager_client):
    book = BookFactory()
    rate(book, 2, 9)

    response = catalog_manager_client.patch(
        reverse("v1:book-detail", args=[book.pk]),
        {"rating_average": "1.00", "rating_count": 99, "stock": 3},
        format="json",
    )

    data = data_of(response)
    assert (data["rating_average"], data["rating_count"], data["stock"]) == ("4.50", 2, 3)


@pytest.fixture
def rated_shelf():
    """Four books: 4.50 (x2, a tie), 3.00, and one without reviews."""
    books = {name: BookFactory(title=name) for name in ["Alpha", "Beta", "Gamma", "Delta"]}
    rate(books["Alpha"], 2, 9)
    rate(books["Beta"], 1, 3)
    rate(books["Gamma"], 4, 18)
    return books


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-rating_average", ["Gamma", "Alpha", "Beta", "Delta"]),  # ties by -id: Gamma was created after Alpha
        ("rating_average", ["Delta", "Beta", "Alpha", "Gamma"]),
    ],
)
def test_books_order_by_rating(api_client, rated_shelf, version, ordering, expected):
    response = api_client.get(reverse(f"{version}:book-list"), {"ordering": ordering})

    assert [row["title"] for row in data_of(response)["results"]] == expected


def test_v2_pages_by_rating_without_skipping_or_repeating(api_client, rated_shelf):
    seen = []
    url, params = reverse("v2:book-list"), {"ordering": "-rating_average", "limit": 1}
    while url:
        page = data_of(api_client.get(url, params))
        seen += [row["title"] for row in page["results"]]
        url, params = page["next"], None

    assert seen == ["Gamma", "Alpha", "Beta", "Delta"]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("rating_min", "expected"),
    [("1", ["Alpha", "Beta", "Gamma"]), ("3.01", ["Alpha", "Gamma"]), ("4.5", ["Alpha", "Gamma"]), ("5", [])],
)
def test_books_filter_by_lowest_rating_leaving_out_unrated_ones(api_client, rated_shelf, version, rating_min, expected):
    response = api_client.get(reverse(f"{version}:book-list"), {"rating_min": rating_min})

    assert [row["title"] for row in data_of(response)["results"]] == expected


@pytest.mark.parametrize("value", ["0", "0.99", "5.01", "6", "4.555", "high", "1e0", " 4", "-3", "4.", ".5", "NaN"])
def test_an_invalid_rating_min_is_a_400_naming_it(api_client, rated_shelf, value):
    response = api_client.get(reverse("v1:book-list"), {"rating_min": value})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["rating_min"]


def test_saving_a_book_in_the_admin_keeps_a_rating_that_changed_since_the_form_loaded(superuser_browser, monkeypatch):
    book = BookFactory(title="Emma", price="9.99")
    stale = Book.objects.get(pk=book.pk)  # what the admin read before a review came in
    rate(book, 2, 9)
    monkeypatch.setattr(BookAdmin, "get_object", lambda self, request, object_id, from_field=None: stale)

    response = superuser_browser.post(
        reverse("admin:catalog_book_change", args=[book.pk]), change_form_data(book, price="12.00")
    )

    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.price, book.rating_average, book.rating_count) == (Decimal("12.00"), Decimal("4.50"), 2)
