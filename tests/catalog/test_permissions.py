"""Who may do what in the catalog: one table of role x action, held against every resource in v1 and v2.

Anyone reads; writing needs the catalog_managers role (or a superuser). A refused write answers 401 to the anonymous
and 403 to a customer, in the error envelope, and changes no row; an allowed write is stored as sent.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from catalog.models import Author, Book, BookAuthor, Genre, Publisher
from tests.envelope import data_of, error_of, no_content
from tests.factories import AuthorFactory, GenreFactory, PublisherFactory

RESOURCES = ["book", "author", "publisher", "genre"]
VERSIONS = ["v1", "v2"]
ROLES = ["anonymous", "customer", "catalog_manager", "superuser"]

# The status each role gets for each action: the same for every resource in both versions.
# fmt: off
TABLE = [
    # action           anonymous  customer  catalog_manager  superuser
    ("list",           200,       200,      200,             200),
    ("retrieve",       200,       200,      200,             200),
    ("create",         401,       403,      201,             201),
    ("update",         401,       403,      200,             200),
    ("partial_update", 401,       403,      200,             200),
    ("destroy",        401,       403,      204,             204),
]
# fmt: on
CELLS = [
    pytest.param(role, action, status, id=f"{role}-{action}")
    for action, *statuses in TABLE
    for role, status in zip(ROLES, statuses, strict=True)
]
REFUSAL_CODES = {401: "not_authenticated", 403: "permission_denied"}


# The object of each resource that the table reads and writes, the bodies it sends, and the stored fields after
# each allowed write (fields the body does not name are there to show that they were left alone).


@pytest.fixture
def book_case(book, new_book, novelist, translator, classics, russian):
    byline = [(novelist.pk, "author"), (translator.pk, "translator")]
    return SimpleNamespace(
        obj=book,
        listed=[book.pk],
        bodies={
            "create": new_book,
            "update": {**new_book, "authors": [{"id": novelist.pk, "role": "author"}]},
            "partial_update": {"stock": 0, "price": "9.50"},
        },
        stored={
            "create": {"title": "The Idiot", "isbn": "9780140447927", "credits": byline, "genres": [classics.pk]},
            "update": {
                "title": "The Idiot",
                "isbn": "9780140447927",
                "credits": [(novelist.pk, "author")],
                "genres": [classics.pk],
            },
            "partial_update": {
                "stock": 0,
                "price": Decimal("9.50"),
                "title": "Crime and Punishment",
                "credits": byline,
                "genres": [classics.pk, russian.pk],
            },
        },
    )


@pytest.fixture
def author_case(db):
    orwell = AuthorFactory(name="George Orwell", slug="george-orwell", sort_name="Orwell, George")
    le_guin = {
        "name": "Ursula K. Le Guin",
        "slug": "ursula-k-le-guin",
        "sort_name": "Le Guin, Ursula K.",
        "bio": "American author of speculative fiction.",
        "birth_date": "1929-10-21",
        "death_date": "2018-01-22",
    }
    return SimpleNamespace(
        obj=orwell,
        listed=[orwell.pk],
        bodies={
            "create": le_guin,
            "update": {**le_guin, "slug": "george-orwell"},
            "partial_update": {"bio": "Author of Animal Farm."},
        },
        stored={
            "create": {"name": "Ursula K. Le Guin", "sort_name": "Le Guin, Ursula K.", "death_date": date(2018, 1, 22)},
            "update": {"name": "Ursula K. Le Guin", "slug": "george-orwell", "death_date": date(2018, 1, 22)},
            "partial_update": {"bio": "Author of Animal Farm.", "name": "George Orwell"},
        },
    )


@pytest.fixture
def publisher_case(db):
    penguin = PublisherFactory(
        name="Penguin Classics", slug="penguin-classics", website="https://www.penguin.co.uk/", country="GB"
    )
    faber = {"name": "Faber & Faber", "slug": "faber-faber", "website": "https://www.faber.co.uk/", "country": "GB"}
    return SimpleNamespace(
        obj=penguin,
        listed=[penguin.pk],
        bodies={
            "create": faber,
            "update": {**faber, "slug": "penguin-classics", "country": "US"},
            "partial_update": {"website": ""},
        },
        stored={
            "create": {"name": "Faber & Faber", "website": "https://www.faber.co.uk/", "country": "GB"},
            "update": {"name": "Faber & Faber", "website": "https://www.faber.co.uk/", "country": "US"},
            "partial_update": {"website": "", "name": "Penguin Classics"},
        },
    )


@pytest.fixture
def genre_case(db):
    fiction = GenreFactory(name="Fiction", slug="fiction")
    science_fiction = GenreFactory(name="Science Fiction", slug="science-fiction", parent=fiction)
    return SimpleNamespace(
        obj=science_fiction,
        listed=[fiction.pk, science_fiction.pk],
        bodies={
            "create": {"name": "Fantasy", "slug": "fantasy", "parent": fiction.pk},
            "update": {"name": "SF", "slug": "sf", "parent": None},
            "partial_update": {"name": "Sci-Fi"},
        },
        stored={
            "create": {"name": "Fantasy", "slug": "fantasy", "parent_id": fiction.pk},
            "update": {"name": "SF", "slug": "sf", "parent_id": None},
            "partial_update": {"name": "Sci-Fi", "slug": "science-fiction"},
        },
    )


@pytest.fixture
def case(request, resource):
    return request.getfixturevalue(f"{resource}_case")


def send(client, action, version, resource, case):
    list_url = reverse(f"{version}:{resource}-list")
    detail_url = reverse(f"{version}:{resource}-detail", args=[case.obj.pk])
    if action == "list":
        return client.get(list_url)
    if action == "retrieve":
        return client.get(detail_url)
    if action == "create":
        return client.post(list_url, case.bodies["create"])
    if action == "update":
        return client.put(detail_url, case.bodies["update"])
    if action == "partial_update":
        return client.patch(detail_url, case.bodies["partial_update"])
    return client.delete(detail_url)


def snapshot():
    """Every catalog row."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Book, BookAuthor, Book.genres.through, Author, Publisher, Genre)
    ]


def stored(obj, fields):
    """The named fields of the object's row as stored now; a book's byline and genres as "credits" and "genres"."""
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    if isinstance(obj, Book):
        row["credits"] = list(BookAuthor.objects.filter(book=obj).order_by("position").values_list("author", "role"))
        row["genres"] = sorted(obj.genres.values_list("pk", flat=True))
    return {field: row[field] for field in fields}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("role", "action", "status"), CELLS)
def test_permission_table(client_for, case, role, action, status, resource, version):
    model = type(case.obj)
    before, count = snapshot(), model.objects.count()

    response = send(client_for(role), action, version, resource, case)

    if status in REFUSAL_CODES:
        error_of(response, status, REFUSAL_CODES[status])
        if status == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")
        assert snapshot() == before
    elif action == "list":
        assert [row["id"] for row in data_of(response, status)["results"]] == case.listed
    elif action == "retrieve":
        data = data_of(response, status)
        assert (data["id"], data["slug"]) == (case.obj.pk, case.obj.slug)
    elif action == "create":
        created = model.objects.get(pk=data_of(response, status)["id"])
        detail_url = reverse(f"{version}:{resource}-detail", args=[created.pk])
        assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url)
        assert stored(created, case.stored["create"]) == case.stored["create"]
        assert model.objects.count() == count + 1
    elif action in ("update", "partial_update"):
        assert data_of(response, status)["id"] == case.obj.pk
        assert stored(case.obj, case.stored[action]) == case.stored[action]
    else:
        assert status == 204
        no_content(response)
        assert not model.objects.filter(pk=case.obj.pk).exists()
