"""/api/v2/: the same catalog and accounts, books in the richer representation, every list paged by cursor."""

from decimal import Decimal
from unittest.mock import ANY
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.utils.urls import remove_query_param, replace_query_param

from bookstore.api.pagination import KeysetPagination
from catalog.models import Book
from tests.book_queries import book_page_queries
from tests.envelope import data_of, error_of
from tests.factories import (
    PASSWORD,
    AuthorFactory,
    BookFactory,
    CatalogManagerFactory,
    GenreFactory,
    PublisherFactory,
    UserFactory,
)

# Fixtures and helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def expected_book(book, publisher, novelist, translator, classics, russian):
    """The canonical v2 representation of `book`."""
    return {
        "id": book.pk,
        "title": "Crime and Punishment",
        "subtitle": "A Novel in Six Parts with an Epilogue",
        "slug": "crime-and-punishment",
        "isbn": "9780140449136",
        "description": "A student in St Petersburg commits a murder and cannot live with it.",
        "language": "en",
        "pages": 720,
        "publication_date": "2003-01-30",
        "format": "paperback",
        "publisher": publisher.pk,
        "authors": [
            {"id": novelist.pk, "name": "Fyodor Dostoevsky", "role": "author"},
            {"id": translator.pk, "name": "David McDuff", "role": "translator"},
        ],
        "genres": [
            {"id": classics.pk, "name": "Classics", "slug": "classics"},
            {"id": russian.pk, "name": "Russian Literature", "slug": "russian-literature"},
        ],
        "price": {"amount": "12.99", "currency": "GBP"},
        "availability": {"in_stock": True, "quantity": 7},
        "rating": {"average": None, "count": 0},
        "is_active": True,
        "created_at": "2024-03-01T09:30:15.123456Z",
        "updated_at": "2024-05-17T18:05:00.654321Z",
    }


def detail_url(book, version="v2"):
    return reverse(f"{version}:book-detail", args=[book.pk])


def titles(response):
    return [row["title"] for row in data_of(response)["results"]]


def walk(client, url, params, link="next"):
    """Follow `link` from the page at url; answer the list of pages, each a list of ids."""
    pages = []
    response = client.get(url, params)
    while True:
        page = data_of(response)
        pages.append([row["id"] for row in page["results"]])
        if page[link] is None:
            return pages
        assert len(pages) < 50, "the links never end"
        response = client.get(page[link])


# 1. Representation ---------------------------------------------------------------------------------------------


def test_book_representation(api_client, book, expected_book):
    response = api_client.get(detail_url(book))

    assert data_of(response) == expected_book


def test_sold_out_book_is_not_in_stock(api_client, book):
    Book.objects.filter(pk=book.pk).update(stock=0)

    response = api_client.get(detail_url(book))

    assert data_of(response)["availability"] == {"in_stock": False, "quantity": 0}


def test_v1_answers_stay_in_the_v1_shape(api_client, book, novelist, translator, classics, russian):
    response = api_client.get(detail_url(book, "v1"))

    data = data_of(response)
    assert data["price"] == "12.99"
    assert data["currency"] == "GBP"
    assert data["stock"] == 7
    assert data["authors"] == [{"id": novelist.pk, "role": "author"}, {"id": translator.pk, "role": "translator"}]
    assert data["genres"] == [classics.pk, russian.pk]
    assert "availability" not in data


def test_list_page_is_next_previous_results(api_client, expected_book):
    response = api_client.get(reverse("v2:book-list"))

    assert data_of(response) == {"next": None, "previous": None, "results": [expected_book]}


# 2. Cursor pagination ------------------------------------------------------------------------------------------


@pytest.fixture
def shelf_of_45(db):
    """45 books created out of title order, with prices that tie across page boundaries."""
    publisher, author = PublisherFactory(), AuthorFactory()
    for n in range(45):
        BookFactory(
            title=f"Volume {(n * 17) % 45:02d}",
            price=Decimal(f"{5 + n % 4}.00"),
            publisher=publisher,
            authors=[author],
        )


@pytest.mark.parametrize(
    ("ordering", "order_by"),
    [
        (None, ["title", "id"]),
        ("-price", ["-price", "-id"]),
        ("price", ["price", "id"]),
        ("-created_at", ["-created_at", "-id"]),
        # Mixed directions: no row comparison serves them, the condition is spelt out field by field (prices tie, so
        # the second field decides within each price).
        ("price,-created_at", ["price", "-created_at", "-id"]),
        ("-price,title", ["-price", "title", "id"]),
    ],
)
def test_following_next_visits_every_book_once_in_order(api_client, shelf_of_45, ordering, order_by):
    params = {"limit": 10} if ordering is None else {"limit": 10, "ordering": ordering}

    pages = walk(api_client, reverse("v2:book-list"), params)

    assert [len(page) for page in pages] == [10, 10, 10, 10, 5]
    visited = [book_id for page in pages for book_id in page]
    assert visited == list(Book.objects.order_by(*order_by).values_list("id", flat=True))


@pytest.mark.parametrize("ordering", [None, "-price", "-price,title"])
def test_following_previous_from_the_last_page_visits_every_earlier_book_once(api_client, shelf_of_45, ordering):
    params = {"limit": 10} if ordering is None else {"limit": 10, "ordering": ordering}
    forward = walk(api_client, reverse("v2:book-list"), params)
    response = api_client.get(reverse("v2:book-list"), params)
    while data_of(response)["next"]:
        response = api_client.get(data_of(response)["next"])

    backward = walk(api_client, data_of(response)["previous"], {}, link="previous")

    # Each page reads in list order; the pages come last to first.
    assert [book_id for page in reversed(backward) for book_id in page] == [
        book_id for page in forward[:-1] for book_id in page
    ]


def test_first_page_has_no_previous_and_links_keep_the_query(api_client, shelf_of_45):
    response = api_client.get(reverse("v2:book-list"), {"limit": 10, "ordering": "-price"})

    page = data_of(response)
    assert page["previous"] is None
    link = urlsplit(page["next"])
    assert link.path == reverse("v2:book-list")
    query = parse_qs(link.query)
    assert query["limit"] == ["10"]
    assert query["ordering"] == ["-price"]
    assert set(query) == {"cursor", "limit", "ordering"}


@pytest.mark.parametrize(
    ("ordering", "condition"),
    [
        (None, '("catalog_book"."title", "catalog_book"."id") > ('),
        ("-price", '("catalog_book"."price", "catalog_book"."id") < ('),
    ],
)
def test_a_cursor_in_one_direction_is_one_row_comparison(api_client, shelf_of_45, ordering, condition):
    """What lets the (field, id) index serve a cursor page as a range, at any depth."""
    params = {"limit": 10} if ordering is None else {"limit": 10, "ordering": ordering}
    page_2 = data_of(api_client.get(reverse("v2:book-list"), params))["next"]

    with CaptureQueriesContext(connection) as queries:
        data_of(api_client.get(page_2))

    assert any(condition in query["sql"] for query in queries.captured_queries), queries.captured_queries


def test_links_write_the_query_as_drf_does(api_client, shelf_of_45):
    """The links are built from the page's URL split once; they say what DRF's replace_query_param would write: the
    parameters by name (some before the cursor's, some after), a repeated one's values in their order, the cursor in
    place of the page's own."""
    params = "?ordering=title&limit=10&ordering=-price&flag=&brand=a+b%26c&cursors=2"
    page_2 = data_of(api_client.get(reverse("v2:book-list") + params))["next"]
    page = data_of(api_client.get(page_2))

    for link in ("next", "previous"):
        cursor = parse_qs(urlsplit(page[link]).query)["cursor"][0]
        assert page[link] == replace_query_param(page_2, "cursor", cursor)
    first = f"http://testserver{reverse('v2:book-list')}{params}"
    assert page_2 == replace_query_param(first, "cursor", parse_qs(urlsplit(page_2).query)["cursor"][0])
    # Past the last book: an empty page, whose previous link is the list without a cursor.
    beyond = KeysetPagination.signer.sign_object({"v": ["Volume 99", "0.00", "999999"], "r": False})
    empty = data_of(api_client.get(f"{reverse('v2:book-list')}{params}&cursor={beyond}"))
    assert empty["results"] == []
    assert empty["previous"] == remove_query_param(first, "cursor")


def test_default_page_has_20_books(api_client, shelf_of_45):
    response = api_client.get(reverse("v2:book-list"))

    assert len(data_of(response)["results"]) == 20


def test_limit_is_capped_at_100(api_client, db):
    BookFactory.create_batch(101, publisher=PublisherFactory(), authors=[AuthorFactory()])

    response = api_client.get(reverse("v2:book-list"), {"limit": 1000})

    page = data_of(response)
    assert len(page["results"]) == 100
    assert page["next"] is not None
    assert len(data_of(api_client.get(page["next"]))["results"]) == 1


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="bad-base64-padding"),
        pytest.param("bz0tMQ==", id="negative-offset"),
        pytest.param("%%%", id="no-base64-characters"),
    ],
)
def test_malformed_cursor_is_a_validation_error(api_client, book, cursor):
    response = api_client.get(reverse("v2:book-list"), {"cursor": cursor})

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == ["cursor"]


# 3. Filters and search work as in v1 ---------------------------------------------------------------------------


@pytest.fixture
def shelf(db):
    orwell, huxley = AuthorFactory(name="George Orwell"), AuthorFactory(name="Aldous Huxley")
    dystopia, satire = GenreFactory(slug="dystopia"), GenreFactory(slug="satire")
    BookFactory(title="Animal Farm", authors=[orwell], genres=[satire], stock=0)
    BookFactory(title="Brave New World", authors=[huxley], genres=[dystopia])
    BookFactory(title="Nineteen Eighty-Four", authors=[orwell], genres=[dystopia])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"genre": "dystopia"}, ["Brave New World", "Nineteen Eighty-Four"]),
        ({"search": "orwell"}, ["Animal Farm", "Nineteen Eighty-Four"]),
        ({"in_stock": "false"}, ["Animal Farm"]),
        ({"search": "orwell", "ordering": "-title"}, ["Nineteen Eighty-Four", "Animal Farm"]),
    ],
)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_filters_and_search_agree_across_versions(api_client, shelf, params, expected, version):
    response = api_client.get(reverse(f"{version}:book-list"), params)

    assert titles(response) == expected


def test_invalid_filter_is_refused_in_v2(api_client, shelf):
    response = api_client.get(reverse("v2:book-list"), {"price_min": "cheap"})

    assert "price_min" in error_of(response, 400)["details"]


# 4. Writes: v1 input, v2 answers -------------------------------------------------------------------------------


def test_create_answers_201_with_v2_location_and_representation(
    catalog_manager_client, new_book, publisher, novelist, translator, classics
):
    response = catalog_manager_client.post(reverse("v2:book-list"), new_book)

    created = Book.objects.get(isbn="9780140447927")
    assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url(created))
    assert data_of(response, 201) == {
        "id": created.pk,
        "title": "The Idiot",
        "subtitle": "",
        "slug": "the-idiot",
        "isbn": "9780140447927",
        "description": "Prince Myshkin returns to Russia.",
        "language": "en",
        "pages": 656,
        "publication_date": "2004-02-26",
        "format": "paperback",
        "publisher": publisher.pk,
        "authors": [
            {"id": novelist.pk, "name": "Fyodor Dostoevsky", "role": "author"},
            {"id": translator.pk, "name": "David McDuff", "role": "translator"},
        ],
        "genres": [{"id": classics.pk, "name": "Classics", "slug": "classics"}],
        "price": {"amount": "10.99", "currency": "GBP"},
        "availability": {"in_stock": True, "quantity": 3},
        "rating": {"average": None, "count": 0},
        "is_active": True,
        "created_at": ANY,
        "updated_at": ANY,
    }
    assert [(c.author_id, c.role) for c in created.credits.all()] == [
        (novelist.pk, "author"),
        (translator.pk, "translator"),
    ]


def test_create_with_the_v2_price_object_is_refused(catalog_manager_client, new_book):
    body = {**new_book, "price": {"amount": "10.99", "currency": "GBP"}}

    response = catalog_manager_client.post(reverse("v2:book-list"), body)

    assert "price" in error_of(response, 400)["details"]
    assert not Book.objects.filter(isbn="9780140447927").exists()


def test_patch_answers_the_v2_representation(catalog_manager_client, book, expected_book):
    response = catalog_manager_client.patch(detail_url(book), {"stock": 0, "price": "9.50"})

    assert data_of(response) == {
        **expected_book,
        "price": {"amount": "9.50", "currency": "GBP"},
        "availability": {"in_stock": False, "quantity": 0},
        "updated_at": ANY,
    }
    book.refresh_from_db()
    assert book.stock == 0
    assert book.price == Decimal("9.50")


def test_put_answers_the_v2_representation(catalog_manager_client, book, new_book, novelist):
    body = {**new_book, "authors": [{"id": novelist.pk, "role": "author"}]}

    response = catalog_manager_client.put(detail_url(book), body)

    data = data_of(response)
    assert data["id"] == book.pk
    assert data["title"] == "The Idiot"
    assert data["authors"] == [{"id": novelist.pk, "name": "Fyodor Dostoevsky", "role": "author"}]
    assert data["price"] == {"amount": "10.99", "currency": "GBP"}
    book.refresh_from_db()
    assert book.title == "The Idiot"


def test_a_book_written_in_v2_reads_back_in_v1_shape(catalog_manager_client, api_client, book):
    catalog_manager_client.patch(detail_url(book), {"price": "9.50", "currency": "USD"})

    data = data_of(api_client.get(detail_url(book, "v1")))

    assert data["price"] == "9.50"
    assert data["currency"] == "USD"
    assert data["stock"] == 7


# 5. The other resources page by cursor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "factory", "role"),
    [
        ("author", AuthorFactory, "anonymous"),
        ("publisher", PublisherFactory, "anonymous"),
        ("genre", GenreFactory, "anonymous"),
        ("user", UserFactory, "superuser"),
    ],
)
def test_every_v2_list_pages_by_cursor(client_for, basename, factory, role):
    client = client_for(role)
    factory.create_batch(4)
    model = factory._meta.model
    expected = list(model.objects.values_list("id", flat=True))
    assert len(expected) >= 4

    first = client.get(reverse(f"v2:{basename}-list"), {"limit": 2})
    pages = walk(client, reverse(f"v2:{basename}-list"), {"limit": 2})

    page = data_of(first)
    assert set(page) == {"next", "previous", "results"}
    assert "cursor=" in page["next"]
    assert [object_id for page in pages for object_id in page] == expected


@pytest.mark.parametrize("basename", ["author", "publisher", "genre", "user"])
def test_v1_lists_still_page_by_limit_and_offset(client_for, basename):
    response = client_for("superuser").get(reverse(f"v1:{basename}-list"))

    assert set(data_of(response)) == {"count", "limit", "offset", "next", "previous", "results"}


# 6. Tokens -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_token_obtained_in_v2_works_in_both_versions(db, version):
    manager = CatalogManagerFactory(email="manager@example.com")
    client = APIClient()
    obtained = client.post(reverse("v2:token-obtain"), {"email": "manager@example.com", "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data_of(obtained)['access']}")

    me = client.get(reverse(f"{version}:me"))
    created = client.post(reverse(f"{version}:author-list"), {"name": "Mary Shelley", "sort_name": "Shelley, Mary"})

    assert data_of(me)["email"] == manager.email
    assert data_of(created, 201)["name"] == "Mary Shelley"


# 7. Query count ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 50])
def test_list_queries_do_not_grow_with_page_size(api_client, django_assert_num_queries, db, limit):
    authors = AuthorFactory.create_batch(2)
    genres = GenreFactory.create_batch(2)
    BookFactory.create_batch(60, authors=authors, genres=genres)

    # No count (tests/book_queries.py).
    with django_assert_num_queries(book_page_queries("v2")):
        response = api_client.get(reverse("v2:book-list"), {"limit": limit})

    page = data_of(response)
    assert len(page["results"]) == limit
    assert all(len(row["authors"]) == 2 and len(row["genres"]) == 2 for row in page["results"])
