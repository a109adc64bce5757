"""The v1 book list's total: exact after every kind of write, read from a maintained counter on PostgreSQL; and
v1 offsets capped, with the way deeper (v2's cursor) in the error."""

import pytest
from django.db import connection
from django.urls import reverse

from catalog.models import Book
from tests.book_queries import book_page_queries
from tests.envelope import data_of, error_of
from tests.factories import BookFactory


def listed_count(client, **params):
    return data_of(client.get(reverse("v1:book-list"), params))["count"]


@pytest.mark.django_db
def test_the_total_stays_exact_through_creates_updates_deactivations_and_deletes(api_client, catalog_manager_client):
    BookFactory.create_batch(3)
    hidden = BookFactory(is_active=False)
    assert (listed_count(api_client), listed_count(catalog_manager_client)) == (3, 4)

    book = BookFactory()
    assert (listed_count(api_client), listed_count(catalog_manager_client)) == (4, 5)

    catalog_manager_client.patch(reverse("v1:book-detail", args=[book.pk]), {"is_active": False}, format="json")
    assert (listed_count(api_client), listed_count(catalog_manager_client)) == (3, 5)

    Book.objects.filter(pk=hidden.pk).update(is_active=True)  # a bulk write outside the services counts too
    catalog_manager_client.patch(reverse("v1:book-detail", args=[book.pk]), {"stock": 9}, format="json")
    assert (listed_count(api_client), listed_count(catalog_manager_client)) == (4, 5)

    assert catalog_manager_client.delete(reverse("v1:book-detail", args=[hidden.pk])).status_code == 204
    Book.objects.filter(pk=book.pk).delete()
    assert (listed_count(api_client), listed_count(catalog_manager_client)) == (3, 3)
    assert listed_count(api_client) == Book.objects.filter(is_active=True).count()


@pytest.mark.django_db
def test_a_filtered_total_counts_the_matching_books(api_client):
    BookFactory.create_batch(2, stock=0)
    BookFactory(stock=4)

    assert listed_count(api_client, in_stock="true") == 1
    assert listed_count(api_client, in_stock="false", limit=1) == 2
    assert listed_count(api_client, ordering="-price", limit=1) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: the maintained counter")
@pytest.mark.django_db
def test_an_unfiltered_list_reads_the_counter_instead_of_counting_rows(api_client, django_assert_num_queries):
    BookFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT books FROM catalog_book_count WHERE is_active")
        assert cursor.fetchone()[0] == 2

    with django_assert_num_queries(book_page_queries("v1")) as queries:
        api_client.get(reverse("v1:book-list"))

    assert not any("COUNT(*)" in query["sql"] for query in queries.captured_queries)
    assert any("catalog_book_count" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["v1:book-list", "v1:author-list"])
def test_an_offset_beyond_the_cap_is_refused_and_points_to_the_v2_cursor(api_client, url_name):
    BookFactory()
    assert data_of(api_client.get(reverse(url_name), {"offset": 10_000}))["results"] == []

    error = error_of(api_client.get(reverse(url_name), {"offset": 10_001}), 400, "validation_error")

    assert "v2" in error["details"]["offset"][0]
    assert "cursor" in error["details"]["offset"][0]
