"""Query counts of writes: a conditional write (If-Match) reads its row once, under a lock, and costs no more
queries than an unconditional one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.envelope import data_of

# A catalog manager's PATCH of a book: savepoints (4), the book with its byline and genres (3), the UPDATE,
# and the byline and genres again for the answer (2). A DELETE: savepoints (2), the book (3), the deletes (3), and
# the rows of other apps that refer to books: order lines that protect it, cart lines and reviews that go with it (3).
PATCH_QUERIES = {"v1": 10, "v2": 10}
DELETE_QUERIES = {"v1": 11, "v2": 11}


def etag(client, url):
    return client.get(url).headers["ETag"]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("conditional", [False, True], ids=["plain", "if-match"])
def test_patch_query_count(catalog_manager_client, book, version, conditional):
    url = reverse(f"{version}:book-detail", args=[book.pk])
    current = etag(catalog_manager_client, url)  # also warms the manager's permission cache, for both cases alike
    headers = {"If-Match": current} if conditional else {}
    with CaptureQueriesContext(connection) as queries:
        data_of(catalog_manager_client.patch(url, {"stock": 3}, headers=headers))
    assert len(queries) == PATCH_QUERIES[version], [q["sql"] for q in queries]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("conditional", [False, True], ids=["plain", "if-match"])
def test_delete_query_count(catalog_manager_client, book, version, conditional):
    url = reverse(f"{version}:book-detail", args=[book.pk])
    current = etag(catalog_manager_client, url)  # also warms the manager's permission cache, for both cases alike
    headers = {"If-Match": current} if conditional else {}
    with CaptureQueriesContext(connection) as queries:
        assert catalog_manager_client.delete(url, headers=headers).status_code == 204
    assert len(queries) == DELETE_QUERIES[version], [q["sql"] for q in queries]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite has no row locks")
def test_if_match_reads_the_row_once_under_a_lock_of_its_own_table(catalog_manager_client, book):
    url = reverse("v1:book-detail", args=[book.pk])
    headers = {"If-Match": etag(catalog_manager_client, url)}
    with CaptureQueriesContext(connection) as queries:
        data_of(catalog_manager_client.patch(url, {"stock": 3}, headers=headers))
    book_reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and 'FROM "catalog_book"' in q["sql"]]
    assert len(book_reads) == 1, book_reads
    assert book_reads[0].endswith('FOR UPDATE OF "catalog_book"'), book_reads[0]
