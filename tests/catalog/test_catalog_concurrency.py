"""Concurrent catalog writes (PostgreSQL): same-title creates all succeed with distinct slugs, and two
crossing genre moves never store a loop."""

import functools
import json
from collections import Counter

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Book, Genre
from tests.concurrency import at_once, concurrency_marks
from tests.factories import AuthorFactory, CatalogManagerFactory, GenreFactory, PublisherFactory, isbn13

WRITERS = 20

pytestmark = concurrency_marks()


def send_at_once(requests):
    """Send each (method, url, body) as a catalog manager from its own thread, released together; answers
    (status, body) of each."""
    manager = CatalogManagerFactory()

    def send(method, url, body):
        client = APIClient()
        client.force_authenticate(manager)
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    return at_once([functools.partial(send, *request) for request in requests])


def test_concurrent_creates_of_books_with_one_title_all_succeed_with_distinct_slugs():
    publisher, author = PublisherFactory(), AuthorFactory()
    bodies = [
        {
            "title": "The Same Title",
            "isbn": isbn13(500 + n),
            "pages": 100,
            "price": "9.99",
            "publisher": publisher.pk,
            "authors": [{"id": author.pk, "role": "author"}],
        }
        for n in range(WRITERS)
    ]

    results = send_at_once([("post", reverse("v1:book-list"), body) for body in bodies])

    assert Counter(status for status, _ in results) == {201: WRITERS}, results
    slugs = [body["data"]["slug"] for _, body in results]
    assert len(set(slugs)) == WRITERS
    assert all(slug.startswith("the-same-title") for slug in slugs), slugs
    assert sorted(Book.objects.values_list("slug", flat=True)) == sorted(slugs)


def test_concurrent_creates_of_genres_with_one_name_all_succeed():
    results = send_at_once([("post", reverse("v2:genre-list"), {"name": "Noir"})] * WRITERS)

    assert Counter(status for status, _ in results) == {201: WRITERS}, results
    assert Genre.objects.filter(name="Noir").values("slug").distinct().count() == WRITERS


def stored_loop():
    """A genre from which following `parent` comes back to it, if the table holds one."""
    parents = dict(Genre.objects.values_list("pk", "parent_id"))
    for start in parents:
        seen, node = set(), start
        while node is not None and node not in seen:
            seen.add(node)
            node = parents[node]
        if node is not None:
            return node
    return None


@pytest.mark.parametrize("attempt", range(5))
def test_two_crossing_genre_moves_never_store_a_loop(attempt):
    first, second = GenreFactory(name="First"), GenreFactory(name="Second")

    results = send_at_once(
        [
            ("patch", reverse("v1:genre-detail", args=[first.pk]), {"parent": second.pk}),
            ("patch", reverse("v1:genre-detail", args=[second.pk]), {"parent": first.pk}),
        ]
    )

    assert sorted(status for status, _ in results) == [200, 400], results
    (refused,) = [body for status, body in results if status == 400]
    assert list(refused["error"]["details"]) == ["parent"]
    assert stored_loop() is None


def test_a_move_under_a_genre_moved_below_it_at_once_is_refused():
    """A three-genre loop: top <- middle and, at the same moment, top under bottom's new parent."""
    top = GenreFactory(name="Top")
    middle = GenreFactory(name="Middle", parent=top)
    bottom = GenreFactory(name="Bottom")

    results = send_at_once(
        [
            ("patch", reverse("v1:genre-detail", args=[bottom.pk]), {"parent": middle.pk}),
            ("patch", reverse("v1:genre-detail", args=[top.pk]), {"parent": bottom.pk}),
        ]
    )

    assert sorted(status for status, _ in results) == [200, 400], results
    assert stored_loop() is None
