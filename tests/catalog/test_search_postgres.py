"""Book search on PostgreSQL: relevance ranking, misspellings, ISBNs in any form, paging by relevance."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookstore.api import pagination
from catalog import search
from catalog.models import Book
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


# Paging by relevance at scale ---------------------------------------------------------------------------------
# A page in relevance order is read tier by tier (catalog/search.py): a tier that PostgreSQL's statistics say many
# books are in is walked in title order through the title index, a small one is read through the GIN index. These
# tests make each way happen (the statistics are made up; the windows made small) and hold every way to the same
# order: tier, then title, then id; no book skipped or repeated, forwards and backwards.


def statistics_saying(share):
    """Statistics of a million books in which every known word is in `share` of them, in each field."""

    def made_up(table, using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT word FROM catalog_search_word")
            words = [word for (word,) in cursor.fetchall()]
        return search.Statistics(books=1e6, fields={name: dict.fromkeys(words, share) for name in search.FIELDS})

    return made_up


@pytest.fixture(params=["through the index", "walked", "walked in small windows"])
def read_path(request, monkeypatch):
    if request.param == "through the index":
        monkeypatch.setattr(search, "statistics", lambda table, using: search.Statistics())
    else:
        monkeypatch.setattr(search, "statistics", statistics_saying(0.3))
    if request.param == "walked in small windows":
        # A window of one row: most walks end short, and the rest of the tier is read through the GIN index.
        monkeypatch.setattr(search, "WINDOW_FACTOR", 0)
    return request.param


@pytest.fixture
def ring_shelf(db):
    """Books matching "ring" in each tier, with equal titles in each (their ids decide), some matching in more
    than one field (the best one counts), and two that do not show."""
    ringo = AuthorFactory(name="Ringo Starr")
    title = [BookFactory(title=t) for t in ["Ring", "The Ring", "Ring", "A Ring Cycle"]]
    title.append(BookFactory(title="Ring", authors=[ringo], subtitle="A Ring Story"))
    byline = [BookFactory(title=t, authors=[ringo]) for t in ["Zebra", "Abacus"]]
    byline.append(BookFactory(title="Abacus", authors=[ringo], subtitle="A Ring Story"))
    elsewhere = [BookFactory(title=t, subtitle="A Ring Story") for t in ["Moon", "Aardvark", "Aardvark"]]
    BookFactory(title="Unrelated")
    BookFactory(title="Ring", is_active=False)  # visible only to those who may change books

    def ordered(books):
        return sorted(books, key=lambda book: (book.title, book.pk))

    return [book.pk for book in ordered(title) + ordered(byline) + ordered(elsewhere)]


def page_through(client, params, direction="next"):
    """The ids of every page from the one `params` asks for, following `next` (or `previous`) links."""
    url, pages, last = reverse("v2:book-list"), [], None
    for _ in range(50):  # a bound, in case paging never ends
        page = data_of(client.get(url, params))
        pages.append([row["id"] for row in page["results"]])
        last = params
        if not page[direction]:
            return pages, last
        params = {key: value[0] for key, value in parse_qs(urlsplit(page[direction]).query).items()}
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("limit", [1, 2, 4, 100])
def test_v2_pages_through_every_tier_without_skipping_or_repeating(api_client, ring_shelf, read_path, limit):
    pages, last_page = page_through(api_client, {"search": "ring", "limit": limit})

    assert [book for page in pages for book in page] == ring_shelf
    assert all(len(page) == limit for page in pages[:-1])
    # And back from the last page to the first, page for page.
    back, _ = page_through(api_client, last_page, direction="previous")
    assert back == pages[::-1]


@pytest.mark.parametrize("read_max", [1_000, 3], ids=["every page read by relevance", "deeper pages sliced"])
def test_v1_pages_by_offset_in_relevance_order(api_client, ring_shelf, read_path, read_max, monkeypatch):
    monkeypatch.setattr(pagination, "ANNOTATION_READ_MAX", read_max)
    url, pages = reverse("v1:book-list"), []
    for offset in range(0, len(ring_shelf) + 2, 2):
        page = data_of(api_client.get(url, {"search": "ring", "limit": 2, "offset": offset}))
        assert page["count"] == len(ring_shelf)
        pages += [row["id"] for row in page["results"]]

    assert pages == ring_shelf


def test_v1_and_v2_rank_alike(api_client, ring_shelf, read_path):
    v1 = data_of(api_client.get(reverse("v1:book-list"), {"search": "ring"}))
    v2, _ = page_through(api_client, {"search": "ring", "limit": 3})

    assert [row["id"] for row in v1["results"]] == [book for page in v2 for book in page] == ring_shelf
    assert v1["count"] == len(ring_shelf)


@pytest.mark.parametrize("params", [{"in_stock": "true"}, {"search": "ring starr"}, {"search": "ring aardvark"}])
def test_v2_pages_of_a_search_with_other_filters_agree_with_v1(api_client, ring_shelf, read_path, params):
    Book.objects.filter(pk__in=ring_shelf[::3]).update(stock=0)
    params = {"search": "ring", **params}

    v1 = data_of(api_client.get(reverse("v1:book-list"), params))
    v2, _ = page_through(api_client, {**params, "limit": 2})

    assert [book for page in v2 for book in page] == [row["id"] for row in v1["results"]]
    assert v1["results"]


@pytest.mark.parametrize("term", ["of", "978", "ring 978"], ids=["a short word", "a number", "a word and a number"])
def test_short_words_and_numbers_page_as_the_rank_orders_them(api_client, ring_shelf, read_path, term):
    # A short word matches whole and has title bounds like any other; a number matches ISBNs as a prefix, and the
    # statistics cannot say how many: its tiers are probed by a short walk.
    for title in ["Tales of Ring", "The Wolf of Lisbon", "Of Mice", "A Sea of Salt", "Of Mice"]:
        BookFactory(title=title)
    ranked = search.search(Book.objects.filter(is_active=True), text_terms=term.split(), isbns=[])

    pages, last_page = page_through(api_client, {"search": term, "limit": 2})

    assert [book for page in pages for book in page] == list(ranked.values_list("id", flat=True))
    assert len(pages) > 2
    back, _ = page_through(api_client, last_page, direction="previous")
    assert back == pages[::-1]


def test_a_book_whose_title_comes_first_is_found_at_once(catalog_manager_client, ring_shelf, monkeypatch):
    # Walks of the title tier start at the first title that holds the word: a new title before it moves it.
    monkeypatch.setattr(search, "statistics", statistics_saying(0.3))
    body = {
        "title": "0 Ring",
        "isbn": "9780547773742",
        "pages": 100,
        "price": "9.00",
        "publisher": Book.objects.get(pk=ring_shelf[0]).publisher_id,
        "authors": [{"id": AuthorFactory().pk, "role": "author"}],
    }
    created = data_of(catalog_manager_client.post(reverse("v1:book-list"), body, format="json"), status=201)
    renamed = ring_shelf[-1]
    catalog_manager_client.patch(reverse("v1:book-detail", args=[renamed]), {"title": "Zzz Ring"}, format="json")

    pages, _ = page_through(catalog_manager_client, {"search": "ring", "limit": 2})

    found = [book for page in pages for book in page]
    assert found[0] == created["id"]
    assert found.index(renamed) < found.index(ring_shelf[5])  # now in the title tier, after "The Ring"


@pytest.mark.parametrize(
    ("read_path", "queries"),
    [
        # The vocabulary, and the page with its books' JSON (read by a walk, or through the GIN index for every tier
        # at once).
        ("walked", 2),
        ("through the index", 2),
    ],
    indirect=["read_path"],
)
def test_a_v2_search_page_costs_a_fixed_number_of_queries(api_client, ring_shelf, read_path, queries, monkeypatch):
    # The statistics are read once every few minutes per process: not within the page's queries.
    statistics = search.statistics("catalog_book", "default")
    monkeypatch.setattr(search, "statistics", lambda table, using: statistics)
    with CaptureQueriesContext(connection) as captured:
        page = data_of(api_client.get(reverse("v2:book-list"), {"search": "ring", "limit": 3}))

    assert [row["id"] for row in page["results"]] == ring_shelf[:3]
    assert len(captured) == queries, [query["sql"] for query in captured]
