"""/api/v1/books/: anyone reads active books, catalog managers and superusers write and see inactive ones."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse

from catalog.models import Author, Book, BookAuthor, Genre
from tests.book_queries import book_page_queries
from tests.envelope import data_of, error_of, no_content
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory

WRITERS = ["catalog_manager", "superuser"]
READERS = ["anonymous", "customer"]
UNKNOWN_ID = 999_999_999


# Fixtures and helpers ------------------------------------------------------------------------------------------


def detail_url(book):
    return reverse("v1:book-detail", args=[book.pk])


def titles(response):
    return [row["title"] for row in data_of(response)["results"]]


def snapshot():
    """Every catalog row a book write could touch."""
    return (
        list(Book.objects.order_by("pk").values()),
        list(BookAuthor.objects.order_by("pk").values()),
        list(Book.genres.through.objects.order_by("pk").values()),
        list(Author.objects.order_by("pk").values()),
    )


# 1. Answers to writes (who may write: tests/catalog/test_permissions.py) ------------------------------------------


def test_put_answers_the_replaced_book(catalog_manager_client, book, new_book, novelist):
    body = {**new_book, "authors": [{"id": novelist.pk, "role": "author"}]}

    response = catalog_manager_client.put(detail_url(book), body)

    data = data_of(response)
    assert (data["id"], data["title"], data["isbn"]) == (book.pk, "The Idiot", "9780140447927")
    assert data["authors"] == [{"id": novelist.pk, "role": "author"}]


def test_patch_answers_the_changed_fields(catalog_manager_client, book):
    response = catalog_manager_client.patch(detail_url(book), {"stock": 0, "price": "9.50"})

    data = data_of(response)
    assert (data["stock"], data["price"], data["title"]) == (0, "9.50", "Crime and Punishment")


# 2. Representation ---------------------------------------------------------------------------------------------


def test_book_representation(api_client, book, publisher, novelist, translator, classics, russian):
    response = api_client.get(detail_url(book))

    assert data_of(response) == {
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
        "authors": [{"id": novelist.pk, "role": "author"}, {"id": translator.pk, "role": "translator"}],
        "genres": [classics.pk, russian.pk],
        "price": "12.99",
        "currency": "GBP",
        "stock": 7,
        "rating_average": None,
        "rating_count": 0,
        "is_active": True,
        "created_at": "2024-03-01T09:30:15.123456Z",
        "updated_at": "2024-05-17T18:05:00.654321Z",
    }


# 3. Create -----------------------------------------------------------------------------------------------------


def test_create_answers_201_with_location_and_normalised_isbn(client_for, new_book, novelist, translator, classics):
    body = {
        **new_book,
        "isbn": "0-306-40615-2",
        "authors": [{"id": translator.pk, "role": "translator"}, {"id": novelist.pk, "role": "author"}],
    }

    response = client_for("catalog_manager").post(reverse("v1:book-list"), body)

    created = Book.objects.get()
    assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url(created))
    data = data_of(response, 201)
    assert data["isbn"] == "9780306406157"
    assert created.isbn == "9780306406157"
    assert data["authors"] == [{"id": translator.pk, "role": "translator"}, {"id": novelist.pk, "role": "author"}]
    assert [(c.author_id, c.role) for c in created.credits.all()] == [
        (translator.pk, "translator"),
        (novelist.pk, "author"),
    ]
    assert data["genres"] == [classics.pk]
    assert list(created.genres.all()) == [classics]


def test_credit_role_defaults_to_author(client_for, new_book, novelist):
    body = {**new_book, "authors": [{"id": novelist.pk}]}

    response = client_for("catalog_manager").post(reverse("v1:book-list"), body)

    assert data_of(response, 201)["authors"] == [{"id": novelist.pk, "role": "author"}]


def test_same_author_in_two_roles_is_accepted(client_for, new_book, novelist):
    body = {**new_book, "authors": [{"id": novelist.pk, "role": "author"}, {"id": novelist.pk, "role": "editor"}]}

    response = client_for("catalog_manager").post(reverse("v1:book-list"), body)

    assert [credit["role"] for credit in data_of(response, 201)["authors"]] == ["author", "editor"]
    assert [c.role for c in Book.objects.get().credits.all()] == ["author", "editor"]


@pytest.mark.parametrize(("taken", "expected"), [([], "the-idiot"), (["the-idiot"], "the-idiot-2")])
def test_slug_is_made_from_the_title_when_omitted(client_for, new_book, taken, expected):
    for slug in taken:
        BookFactory(slug=slug)
    body = {key: value for key, value in new_book.items() if key != "slug"}

    response = client_for("catalog_manager").post(reverse("v1:book-list"), body)

    assert data_of(response, 201)["slug"] == expected
    assert Book.objects.get(isbn="9780140447927").slug == expected


# 4. Bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "X"}, "title"),
        ({"title": "X" * 101}, "title"),
        ({"pages": 0}, "pages"),
        ({"price": "-0.01"}, "price"),
        ({"stock": -1}, "stock"),
        ({"isbn": "9780140447928"}, "isbn"),
        ({"isbn": "0-306-40615-3"}, "isbn"),
        ({"isbn": "not an isbn"}, "isbn"),
        ({"publisher": UNKNOWN_ID}, "publisher"),
        ({"authors": [{"id": UNKNOWN_ID, "role": "author"}]}, "authors"),
        ({"authors": []}, "authors"),
        ({"format": "scroll"}, "format"),
        ({"is_staff": True}, "is_staff"),
    ],
)
def test_invalid_book_is_refused(client_for, book, new_book, overrides, field):
    before = snapshot()

    response = client_for("catalog_manager").post(reverse("v1:book-list"), {**new_book, **overrides})

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert snapshot() == before


@pytest.mark.parametrize("isbn", ["9780140449136", "978-0-14-044913-6", "0140449132", "0-14-044913-2"])
def test_duplicate_isbn_in_any_form_is_refused(client_for, book, new_book, isbn):
    count = Book.objects.count()

    response = client_for("catalog_manager").post(reverse("v1:book-list"), {**new_book, "isbn": isbn})

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == ["isbn"]
    assert Book.objects.count() == count


def test_same_author_twice_in_a_role_is_refused(client_for, new_book, novelist):
    body = {**new_book, "authors": [{"id": novelist.pk, "role": "author"}, {"id": novelist.pk, "role": "author"}]}

    response = client_for("catalog_manager").post(reverse("v1:book-list"), body)

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == ["authors"]
    assert Book.objects.count() == 0
    assert BookAuthor.objects.count() == 0


def test_text_body_is_unsupported_media(client_for, new_book):
    response = client_for("catalog_manager").post(reverse("v1:book-list"), "title=The Idiot", content_type="text/plain")

    error_of(response, 415, "unsupported_media_type")
    assert Book.objects.count() == 0


def test_broken_json_is_a_parse_error(client_for, new_book):
    response = client_for("catalog_manager").post(
        reverse("v1:book-list"), '{"title": "The Idiot", ', content_type="application/json"
    )

    error_of(response, 400, "parse_error")
    assert Book.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "X"}, "title"),
        ({"pages": 0}, "pages"),
        ({"price": "-1.00"}, "price"),
        ({"stock": -5}, "stock"),
        ({"isbn": "9780140449137"}, "isbn"),
        ({"authors": []}, "authors"),
        ({"genres": [UNKNOWN_ID]}, "genres"),
    ],
)
def test_invalid_patch_changes_nothing(client_for, book, body, field):
    before = snapshot()

    response = client_for("catalog_manager").patch(detail_url(book), body)

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_patch_to_the_isbn_of_another_book_is_refused(client_for, book):
    other = BookFactory(isbn="9780140447927")

    response = client_for("catalog_manager").patch(detail_url(other), {"isbn": "978-0-14-044913-6"})

    assert list(error_of(response, 400)["details"]) == ["isbn"]
    other.refresh_from_db()
    assert other.isbn == "9780140447927"


# 5. Filters ----------------------------------------------------------------------------------------------------


@pytest.fixture
def shelf(db):
    """Six books whose authors, genres, publishers and attributes differ, to filter on."""
    authors = {
        "orwell": AuthorFactory(name="George Orwell"),
        "huxley": AuthorFactory(name="Aldous Huxley"),
        "atwood": AuthorFactory(name="Margaret Atwood"),
    }
    fiction = GenreFactory(name="Fiction", slug="fiction")
    genres = {
        "fiction": fiction,
        "dystopia": GenreFactory(name="Dystopia", slug="dystopia", parent=fiction),
        "satire": GenreFactory(name="Satire", slug="satire", parent=fiction),
        "memoir": GenreFactory(name="Memoir", slug="memoir"),
    }
    publishers = {name: PublisherFactory() for name in ["secker", "chatto", "fischer", "mcclelland"]}
    rows = [
        # title, author, genre, publisher, language, format, price, stock, publication date
        ("Animal Farm", "orwell", "satire", "secker", "en", "paperback", "8.50", 0, date(1945, 8, 17)),
        ("Brave New World", "huxley", "dystopia", "chatto", "en", "hardcover", "15.00", 10, date(1932, 1, 1)),
        ("Homage to Catalonia", "orwell", "memoir", "secker", "en", "paperback", "11.00", 4, date(1938, 4, 25)),
        ("Nineteen Eighty-Four", "orwell", "dystopia", "secker", "en", "hardcover", "12.00", 3, date(1949, 6, 8)),
        ("Schöne neue Welt", "huxley", "dystopia", "fischer", "de", "ebook", "20.00", 0, date(1953, 1, 1)),
        ("The Handmaid's Tale", "atwood", "fiction", "mcclelland", "en", "audiobook", "9.99", 2, date(1985, 1, 1)),
    ]
    books = {}
    for title, author, genre, publisher, language, book_format, price, stock, published in rows:
        books[title] = BookFactory(
            title=title,
            authors=[authors[author]],
            genres=[genres[genre]],
            publisher=publishers[publisher],
            language=language,
            format=book_format,
            price=Decimal(price),
            stock=stock,
            publication_date=published,
        )
    Book.objects.filter(title="Nineteen Eighty-Four").update(isbn="9780451524935", subtitle="A Novel")
    return SimpleNamespace(authors=authors, genres=genres, publishers=publishers, books=books)


ALL_TITLES = [
    "Animal Farm",
    "Brave New World",
    "Homage to Catalonia",
    "Nineteen Eighty-Four",
    "Schöne neue Welt",
    "The Handmaid's Tale",
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_TITLES),
        ({"genre": "dystopia"}, ["Brave New World", "Nineteen Eighty-Four", "Schöne neue Welt"]),
        ({"genre": "satire,memoir"}, ["Animal Farm", "Homage to Catalonia"]),
        (
            {"genre": "fiction"},
            ["Animal Farm", "Brave New World", "Nineteen Eighty-Four", "Schöne neue Welt", "The Handmaid's Tale"],
        ),
        ({"language": "de"}, ["Schöne neue Welt"]),
        ({"format": "hardcover"}, ["Brave New World", "Nineteen Eighty-Four"]),
        ({"price_min": "12.00"}, ["Brave New World", "Nineteen Eighty-Four", "Schöne neue Welt"]),
        ({"price_max": "9.99"}, ["Animal Farm", "The Handmaid's Tale"]),
        ({"price_min": "9", "price_max": "12"}, ["Homage to Catalonia", "Nineteen Eighty-Four", "The Handmaid's Tale"]),
        (
            {"in_stock": "true"},
            ["Brave New World", "Homage to Catalonia", "Nineteen Eighty-Four", "The Handmaid's Tale"],
        ),
        ({"in_stock": "false"}, ["Animal Farm", "Schöne neue Welt"]),
        ({"published_after": "1949-06-08"}, ["Nineteen Eighty-Four", "Schöne neue Welt", "The Handmaid's Tale"]),
        ({"published_before": "1938-04-25"}, ["Brave New World", "Homage to Catalonia"]),
        ({"published_after": "1940-01-01", "published_before": "1950-01-01"}, ["Animal Farm", "Nineteen Eighty-Four"]),
        ({"isbn": "9780451524935"}, ["Nineteen Eighty-Four"]),
        ({"isbn": "0451524934"}, ["Nineteen Eighty-Four"]),
        ({"isbn": "978-0-451-52493-5"}, ["Nineteen Eighty-Four"]),
        ({"isbn": "0-451-52493-4"}, ["Nineteen Eighty-Four"]),
        ({"genre": "dystopia", "language": "en", "in_stock": "true"}, ["Brave New World", "Nineteen Eighty-Four"]),
    ],
)
def test_filters(api_client, shelf, params, expected):
    response = api_client.get(reverse("v1:book-list"), params)

    assert titles(response) == expected
    assert data_of(response)["count"] == len(expected)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["orwell"], ["Animal Farm", "Homage to Catalonia", "Nineteen Eighty-Four"]),
        (["huxley", "atwood"], ["Brave New World", "Schöne neue Welt", "The Handmaid's Tale"]),
    ],
)
def test_filter_by_author_ids(api_client, shelf, names, expected):
    ids = ",".join(str(shelf.authors[name].pk) for name in names)

    response = api_client.get(reverse("v1:book-list"), {"author": ids})

    assert titles(response) == expected


def query(url, pairs):
    """`url?k=v&k=v...` with keys repeated as given (a dict cannot repeat a key)."""
    return f"{url}?{urlencode(pairs)}"


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("form", ["commas", "repeated", "both"])
def test_list_filters_take_repeated_keys_and_commas_alike(api_client, shelf, version, form):
    # Generated clients (openapi-python-client) send a list as repeated keys: `?author=1&author=2`.
    huxley, atwood = (str(shelf.authors[name].pk) for name in ["huxley", "atwood"])
    pairs = {
        "commas": [("author", f"{huxley},{atwood}"), ("genre", "dystopia,fiction")],
        "repeated": [("author", huxley), ("author", atwood), ("genre", "dystopia"), ("genre", "fiction")],
        "both": [("author", f"{huxley},{atwood}"), ("genre", "dystopia"), ("genre", "fiction")],
    }[form]

    response = api_client.get(query(reverse(f"{version}:book-list"), pairs))

    assert titles(response) == ["Brave New World", "Schöne neue Welt", "The Handmaid's Tale"]


@pytest.mark.parametrize(
    "pairs",
    [
        [("ordering", "-price,title")],
        [("ordering", "-price"), ("ordering", "title")],
    ],
    ids=["commas", "repeated"],
)
def test_ordering_takes_repeated_keys_and_commas_alike(api_client, db, pairs):
    for title, price in [("Dune", "10.00"), ("Beloved", "5.00"), ("Carrie", "10.00")]:
        BookFactory(title=title, price=Decimal(price))

    response = api_client.get(query(reverse("v1:book-list"), pairs))

    assert titles(response) == ["Carrie", "Dune", "Beloved"]


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ([("author", "1"), ("author", "x")], "author"),
        ([("author", "1"), ("author", "")], "author"),
        ([("author", "1,")], "author"),
        ([("genre", "fiction"), ("genre", "")], "genre"),
        ([("ordering", "title"), ("ordering", "stock")], "ordering"),
        ([("ordering", "title"), ("ordering", "")], "ordering"),
    ],
)
def test_a_bad_value_among_repeated_keys_is_refused(api_client, shelf, pairs, field):
    response = api_client.get(query(reverse("v1:book-list"), pairs))

    assert field in error_of(response, 400, "validation_error")["details"]


@pytest.mark.parametrize("name", ["author", "genre", "ordering"])
def test_a_list_parameter_sent_empty_is_no_filter(api_client, shelf, name):
    response = api_client.get(query(reverse("v1:book-list"), [(name, "")]))

    assert titles(response) == ALL_TITLES


def test_filter_by_publisher(api_client, shelf):
    response = api_client.get(reverse("v1:book-list"), {"publisher": shelf.publishers["secker"].pk})

    assert titles(response) == ["Animal Farm", "Homage to Catalonia", "Nineteen Eighty-Four"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "scroll"}, "format"),
        ({"isbn": "9780451524936"}, "isbn"),
        ({"isbn": "0-451-52493-5"}, "isbn"),
        ({"isbn": "orwell"}, "isbn"),
        ({"price_min": "cheap"}, "price_min"),
        ({"published_after": "1949-02-30"}, "published_after"),
    ],
)
def test_invalid_filter_is_refused(api_client, shelf, params, field):
    response = api_client.get(reverse("v1:book-list"), params)

    error = error_of(response, 400, "validation_error")
    assert field in error["details"]


@pytest.fixture
def twice_matching(db):
    """A book with two authors, two genres and a genre with its parent, next to an unrelated book."""
    first = AuthorFactory(name="Terry Pratchett")
    second = AuthorFactory(name="Neil Pratchett-Gaiman")
    parent = GenreFactory(slug="fantasy")
    child = GenreFactory(slug="comic-fantasy", parent=parent)
    other = GenreFactory(slug="horror")
    BookFactory(title="Good Omens", authors=[first, second], genres=[parent, child, other])
    BookFactory(title="Carrie", genres=[GenreFactory(slug="thriller")])
    return SimpleNamespace(first=first, second=second)


@pytest.mark.parametrize(
    "params",
    [
        {"author": "{first},{second}"},
        {"genre": "fantasy,horror"},
        {"genre": "fantasy"},
        {"genre": "comic-fantasy,horror,fantasy"},
        {"search": "pratchett"},
        {"author": "{first},{second}", "genre": "fantasy,horror", "search": "pratchett"},
    ],
)
def test_many_to_many_filters_never_duplicate_a_book(api_client, twice_matching, params):
    query = {
        key: value.format(first=twice_matching.first.pk, second=twice_matching.second.pk)
        for key, value in params.items()
    }

    response = api_client.get(reverse("v1:book-list"), query)

    assert titles(response) == ["Good Omens"]
    assert data_of(response)["count"] == 1


# 6. Search and ordering ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("brave", ["Brave New World"]),
        ("a novel", ["Nineteen Eighty-Four"]),
        ("huxley", ["Brave New World", "Schöne neue Welt"]),
        ("Margaret", ["The Handmaid's Tale"]),
        ("9780451524935", ["Nineteen Eighty-Four"]),
        ("orwell farm", ["Animal Farm"]),
        ("tolstoy", []),
    ],
)
def test_search(api_client, shelf, term, expected):
    response = api_client.get(reverse("v1:book-list"), {"search": term})

    assert titles(response) == expected


# Four books per field: the first and third share the highest value, so the tie is broken by id.
ORDERING_VALUES = {
    "title": ["Dune", "Beloved", "Dune", "Carrie"],
    "price": [Decimal("10.00"), Decimal("5.00"), Decimal("10.00"), Decimal("7.50")],
    "publication_date": [date(2001, 5, 1), date(1987, 9, 2), date(2001, 5, 1), date(1990, 1, 1)],
    "created_at": [
        datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        datetime(2023, 1, 1, 12, 0, tzinfo=UTC),
        datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        datetime(2023, 6, 1, 12, 0, tzinfo=UTC),
    ],
}


@pytest.mark.parametrize("field", list(ORDERING_VALUES))
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_ordering_breaks_ties_by_id_in_the_same_direction(api_client, db, field, descending):
    books = BookFactory.create_batch(4, title="Zadie")
    for book, value in zip(books, ORDERING_VALUES[field], strict=True):
        Book.objects.filter(pk=book.pk).update(**{field: value})
    ids = [book.pk for book in books]
    ascending = [ids[1], ids[3], ids[0], ids[2]]

    response = api_client.get(reverse("v1:book-list"), {"ordering": f"-{field}" if descending else field})

    assert [row["id"] for row in data_of(response)["results"]] == (ascending[::-1] if descending else ascending)


def test_default_order_is_by_title_then_id(api_client, db):
    books = [BookFactory(title=title) for title in ["Dune", "Beloved", "Dune"]]

    response = api_client.get(reverse("v1:book-list"))

    assert [row["id"] for row in data_of(response)["results"]] == [books[1].pk, books[0].pk, books[2].pk]


# 7. Pagination -------------------------------------------------------------------------------------------------


@pytest.fixture
def many_books(db):
    """`many_books(n)`: n books sharing one publisher and author, in title order."""

    def make(n):
        BookFactory.create_batch(n, publisher=PublisherFactory(), authors=[AuthorFactory()])
        return list(Book.objects.order_by("title", "id").values_list("id", flat=True))

    return make


def link_params(url):
    parts = urlsplit(url)
    assert parts.path == reverse("v1:book-list")
    return parse_qs(parts.query)


def test_default_page_has_20_books(api_client, many_books):
    ids = many_books(25)

    response = api_client.get(reverse("v1:book-list"))

    page = data_of(response)
    assert page["count"] == 25
    assert page["limit"] == 20
    assert page["offset"] == 0
    assert [row["id"] for row in page["results"]] == ids[:20]
    assert link_params(page["next"]) == {"limit": ["20"], "offset": ["20"]}
    assert page["previous"] is None


def test_limit_offset_page(api_client, many_books):
    ids = many_books(12)

    response = api_client.get(reverse("v1:book-list"), {"limit": 5, "offset": 5})

    page = data_of(response)
    assert list(page) == ["count", "limit", "offset", "next", "previous", "results"]
    assert page["count"] == 12
    assert page["limit"] == 5
    assert page["offset"] == 5
    assert link_params(page["next"]) == {"limit": ["5"], "offset": ["10"]}
    assert link_params(page["previous"]) == {"limit": ["5"]}
    assert [row["id"] for row in page["results"]] == ids[5:10]


def test_last_page_has_no_next(api_client, many_books):
    ids = many_books(12)

    response = api_client.get(reverse("v1:book-list"), {"limit": 5, "offset": 10})

    page = data_of(response)
    assert page["next"] is None
    assert [row["id"] for row in page["results"]] == ids[10:]


def test_limit_is_capped_at_100(api_client, many_books):
    ids = many_books(101)

    response = api_client.get(reverse("v1:book-list"), {"limit": 1000})

    page = data_of(response)
    assert page["count"] == 101
    assert page["limit"] == 100
    assert [row["id"] for row in page["results"]] == ids[:100]
    assert link_params(page["next"]) == {"limit": ["100"], "offset": ["100"]}


# 8. Query count ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 50])
def test_list_queries_do_not_grow_with_page_size(api_client, django_assert_num_queries, db, limit):
    authors = AuthorFactory.create_batch(2)
    genres = GenreFactory.create_batch(2)
    BookFactory.create_batch(50, authors=authors, genres=genres)

    with django_assert_num_queries(book_page_queries("v1")):
        response = api_client.get(reverse("v1:book-list"), {"limit": limit})

    page = data_of(response)
    assert len(page["results"]) == limit
    assert all(len(row["authors"]) == 2 and len(row["genres"]) == 2 for row in page["results"])


# 9. Inactive books ---------------------------------------------------------------------------------------------


@pytest.fixture
def withdrawn(db):
    return BookFactory(title="Withdrawn Edition", is_active=False)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", ["Crime and Punishment"]),
        ("customer", ["Crime and Punishment"]),
        ("catalog_manager", ["Crime and Punishment", "Withdrawn Edition"]),
        ("superuser", ["Crime and Punishment", "Withdrawn Edition"]),
    ],
)
def test_inactive_books_are_listed_only_for_writers(client_for, book, withdrawn, role, expected):
    response = client_for(role).get(reverse("v1:book-list"))

    assert titles(response) == expected
    assert data_of(response)["count"] == len(expected)


@pytest.mark.parametrize("role", READERS)
def test_inactive_book_is_not_found_for_readers(client_for, withdrawn, role):
    response = client_for(role).get(detail_url(withdrawn))

    error_of(response, 404, "not_found")


@pytest.mark.parametrize("role", WRITERS)
def test_inactive_book_is_retrieved_by_writers(client_for, withdrawn, role):
    response = client_for(role).get(detail_url(withdrawn))

    assert data_of(response)["is_active"] is False


@pytest.mark.parametrize("role", READERS)
def test_inactive_book_is_not_found_by_isbn_filter_for_readers(client_for, withdrawn, role):
    response = client_for(role).get(reverse("v1:book-list"), {"isbn": withdrawn.isbn})

    assert titles(response) == []


# 10. Delete ----------------------------------------------------------------------------------------------------


def test_deleting_a_book_deletes_its_credits_not_its_authors(client_for, book, novelist, translator, classics):
    other = BookFactory(authors=[novelist])

    response = client_for("catalog_manager").delete(detail_url(book))

    no_content(response)
    assert not BookAuthor.objects.filter(book_id=book.pk).exists()
    assert set(Author.objects.values_list("pk", flat=True)) >= {novelist.pk, translator.pk}
    assert Genre.objects.filter(pk=classics.pk).exists()
    assert [c.author_id for c in other.credits.all()] == [novelist.pk]
