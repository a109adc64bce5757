"""Every catalog list costs a fixed number of queries, whatever the page size."""

import pytest
from django.urls import reverse

from tests.envelope import data_of
from tests.factories import AuthorFactory, GenreFactory, PublisherFactory

# (list URL name, factory, queries for a page): v1 counts the rows and reads a page; v2 reads a page.
LISTS = [
    ("v1:author-list", AuthorFactory, 2),
    ("v1:publisher-list", PublisherFactory, 2),
    ("v1:genre-list", GenreFactory, 2),
    ("v2:author-list", AuthorFactory, 1),
    ("v2:publisher-list", PublisherFactory, 1),
    ("v2:genre-list", GenreFactory, 1),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "factory", "queries"), LISTS)
@pytest.mark.parametrize("limit", [5, 50])
def test_list_queries_do_not_grow_with_page_size(
    api_client, django_assert_num_queries, url_name, factory, queries, limit
):
    factory.create_batch(60)
    with django_assert_num_queries(queries):
        response = api_client.get(reverse(url_name), {"limit": limit})
    assert len(data_of(response)["results"]) == limit
