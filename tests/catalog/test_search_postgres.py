"""Book search on PostgreSQL: relevance ranking, misspellings, ISBNs in any form, paging by relevance."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from tests.envelope import data_of
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: full-text search and pg_trgm"
)


def titles(response):
    return [row["title"] for row in data_of(response)["results"]]


@pytest.fixture
def tolkien_shelf(db):
    tolkien = AuthorFactory(name="J. R. R. Tolkien")
    return {
        # "ring" in the subtitle only (C), in the author's name only (B), in the title (A).
        "subtitle": BookFactory(title="Aardvark Tales", subtitle="A Ring Cycle"),
        "author": BookFactory(title="Abacus", authors=[AuthorFactory(name="Ringo Starr")]),
        "title": BookFactory(title="Zebra Ring", authors=[tolkien]),
        "hobbit": BookFactory(title="The Hobbit", authors=[tolkien], isbn="9780261103344"),
        "other": BookFactory(title="Unrelated"),
    }


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_results_are_ranked_title_before_author_before_subtitle(api_client, tolkien_shelf, version):
    response = api_client.get(reverse(f"{version}:book-list"), {"search": "ring"})

    # Alphabetically it would be Aardvark, Abacus, Zebra: relevance puts the title match first.
    assert titles(response) == ["Zebra Ring", "Abacus", "Aardvark Tales"]


def test_an_ordering_replaces_relevance(api_client, tolkien_shelf):
    response = api_client.get(reverse("v1:book-list"), {"search": "ring", "ordering": "title"})

    assert titles(response) == ["Aardvark Tales", "Abacus", "Zebra Ring"]


@pytest.mark.parametrize("term", ["tolkein", "Tolkein", "hobit", "tolkein hobbit"])
def test_a_misspelt_word_still_finds_the_book(api_client, tolkien_shelf, term):
    response = api_client.get(reverse("v1:book-list"), {"search": term})

    assert "The Hobbit" in titles(response)
    assert "Unrelated" not in titles(response)


def test_a_word_like_nothing_finds_nothing(api_client, tolkien_shelf):
    response = api_client.get(reverse("v1:book-list"), {"search": "xylophonist"})

    assert titles(response) == []
    assert data_of(response)["count"] == 0


@pytest.mark.parametrize("term", ["9780261103344", "978-0-261-10334-4", "0261103342", "0-261-10334-2"])
def test_an_isbn_in_any_accepted_form_finds_its_book(api_client, tolkien_shelf, term):
    response = api_client.get(reverse("v1:book-list"), {"search": term})

    assert titles(response) == ["The Hobbit"]


def test_a_word_prefix_matches(api_client, tolkien_shelf):
    response = api_client.get(reverse("v1:book-list"), {"search": "tolk hob"})

    assert titles(response) == ["The Hobbit"]


def test_renaming_an_author_is_searchable_at_once(catalog_manager_client, tolkien_shelf):
    author = tolkien_shelf["hobbit"].credits.get().author

    catalog_manager_client.patch(reverse("v1:author-detail", args=[author.pk]), {"name": "Bilbo Baggins"})

    # Both match in the byline alike: equal relevance, then title order.
    assert titles(catalog_manager_client.get(reverse("v1:book-list"), {"search": "baggins"})) == [
        "The Hobbit",
        "Zebra Ring",
    ]
    assert titles(catalog_manager_client.get(reverse("v1:book-list"), {"search": "tolkien"})) == []


def test_a_new_book_is_searchable_by_its_words_and_their_misspellings(catalog_manager_client, tolkien_shelf):
    author = AuthorFactory(name="Ursula Le Guin")
    body = {
        "title": "A Wizard of Earthsea",
        "isbn": "9780547773742",
        "pages": 200,
        "price": "9.00",
        "publisher": tolkien_shelf["other"].publisher_id,
        "authors": [{"id": author.pk, "role": "author"}],
    }
    data_of(catalog_manager_client.post(reverse("v1:book-list"), body, format="json"), status=201)

    assert titles(catalog_manager_client.get(reverse("v1:book-list"), {"search": "earthsee guin"})) == [
        "A Wizard of Earthsea"
    ]


def test_v2_pages_through_ranked_results_without_skipping_or_repeating(api_client, db):
    for n in range(7):
        BookFactory(title=f"Ring {n}" if n % 2 else f"Book {n}", subtitle="" if n % 2 else "ring")
    url, seen = reverse("v2:book-list"), []
    params = {"search": "ring", "limit": 2}
    for _ in range(10):  # 7 books, 2 a page: 4 pages, and a bound in case paging never ends
        page = data_of(api_client.get(url, params))
        seen += [row["title"] for row in page["results"]]
        if not page["next"]:
            break
        params = {key: value[0] for key, value in parse_qs(urlsplit(page["next"]).query).items()}

    assert seen == ["Ring 1", "Ring 3", "Ring 5", "Book 0", "Book 2", "Book 4", "Book 6"]
