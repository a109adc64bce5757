"""/api/v1/authors/: anyone reads, catalog managers and superusers write."""

import pytest
from django.urls import reverse

from catalog.models import Author
from tests.factories import AuthorFactory, BookFactory

WRITERS = ["catalog_manager", "superuser"]
ROLES = ["anonymous", "customer", *WRITERS]
WRITE_ACTIONS = ["create", "put", "patch", "delete"]


@pytest.fixture
def author(db):
    return AuthorFactory(
        name="George Orwell",
        slug="george-orwell",
        sort_name="Orwell, George",
        bio="English novelist and essayist.",
        birth_date="1903-06-25",
        death_date="1950-01-21",
    )


def detail_url(author):
    return reverse("v1:author-detail", args=[author.pk])


def payload(**overrides):
    return {
        "name": "Ursula K. Le Guin",
        "slug": "ursula-k-le-guin",
        "sort_name": "Le Guin, Ursula K.",
        "bio": "American author of speculative fiction.",
        "birth_date": "1929-10-21",
        "death_date": "2018-01-22",
        **overrides,
    }


def write(client, action, author):
    if action == "create":
        return client.post(reverse("v1:author-list"), payload())
    if action == "put":
        return client.put(detail_url(author), payload())
    if action == "patch":
        return client.patch(detail_url(author), {"name": "Eric Blair"})
    return client.delete(detail_url(author))


def snapshot():
    return list(Author.objects.order_by("pk").values())


@pytest.mark.parametrize("role", ROLES)
def test_anyone_lists_authors(client_for, author, role):
    response = client_for(role).get(reverse("v1:author-list"))

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["data"]["results"]] == ["george-orwell"]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_retrieves_an_author(client_for, author, role):
    response = client_for(role).get(detail_url(author))

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "George Orwell"


def test_author_representation(api_client, author):
    response = api_client.get(detail_url(author))

    assert response.json() == {
        "success": True,
        "data": {
            "id": author.pk,
            "name": "George Orwell",
            "slug": "george-orwell",
            "sort_name": "Orwell, George",
            "bio": "English novelist and essayist.",
            "birth_date": "1903-06-25",
            "death_date": "1950-01-21",
        },
        "error": None,
    }


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_anonymous_cannot_write(client_for, author, action):
    before = snapshot()

    response = write(client_for("anonymous"), action, author)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"
    assert snapshot() == before


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_customer_cannot_write(client_for, author, action):
    before = snapshot()

    response = write(client_for("customer"), action, author)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize("role", WRITERS)
def test_writer_creates_an_author(client_for, role):
    response = client_for(role).post(reverse("v1:author-list"), payload())

    assert response.status_code == 201
    created = Author.objects.get(slug="ursula-k-le-guin")
    assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url(created))
    assert response.json()["data"] == {"id": created.pk, **payload()}
    assert created.sort_name == "Le Guin, Ursula K."


@pytest.mark.parametrize("role", WRITERS)
def test_writer_replaces_an_author(client_for, author, role):
    response = client_for(role).put(detail_url(author), payload(slug="george-orwell"))

    assert response.status_code == 200
    author.refresh_from_db()
    assert author.name == "Ursula K. Le Guin"
    assert str(author.death_date) == "2018-01-22"


@pytest.mark.parametrize("role", WRITERS)
def test_writer_patches_an_author(client_for, author, role):
    response = client_for(role).patch(detail_url(author), {"bio": "Author of Animal Farm."})

    assert response.status_code == 200
    assert response.json()["data"]["bio"] == "Author of Animal Farm."
    author.refresh_from_db()
    assert author.bio == "Author of Animal Farm."
    assert author.name == "George Orwell"


@pytest.mark.parametrize("role", WRITERS)
def test_writer_deletes_an_author(client_for, author, role):
    response = client_for(role).delete(detail_url(author))

    assert response.status_code == 204
    assert not Author.objects.filter(pk=author.pk).exists()


def test_slug_is_made_from_the_name_when_omitted(client_for):
    AuthorFactory(slug="jane-austen")
    body = payload(name="Jane Austen", sort_name="Austen, Jane")
    del body["slug"]

    response = client_for("catalog_manager").post(reverse("v1:author-list"), body)

    assert response.status_code == 201
    assert response.json()["data"]["slug"] == "jane-austen-2"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload(birth_date="1950-01-01", death_date="1949-12-31"), "death_date"),
        (payload(name=""), "name"),
        (payload(sort_name=None), "sort_name"),
        (payload(birth_date="25/06/1903"), "birth_date"),
        (payload(is_staff=True), "is_staff"),
    ],
)
def test_invalid_author_is_refused(client_for, author, body, field):
    before = snapshot()

    response = client_for("catalog_manager").post(reverse("v1:author-list"), body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_patch_death_date_before_stored_birth_date_is_refused(client_for, author):
    response = client_for("catalog_manager").patch(detail_url(author), {"death_date": "1900-01-01"})

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["death_date"]
    author.refresh_from_db()
    assert str(author.death_date) == "1950-01-21"


def test_deleting_a_credited_author_is_a_conflict(client_for, author):
    book = BookFactory(authors=[author])

    response = client_for("catalog_manager").delete(detail_url(author))

    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == "conflict"
    assert Author.objects.filter(pk=author.pk).exists()
    assert list(book.authors.all()) == [author]


def test_search_finds_authors_by_name_and_sort_name(api_client, author):
    AuthorFactory(name="Aldous Huxley", sort_name="Huxley, Aldous")

    by_name = api_client.get(reverse("v1:author-list"), {"search": "orwell"})
    by_sort_name = api_client.get(reverse("v1:author-list"), {"search": "Huxley, A"})

    assert [row["name"] for row in by_name.json()["data"]["results"]] == ["George Orwell"]
    assert [row["name"] for row in by_sort_name.json()["data"]["results"]] == ["Aldous Huxley"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Isaac Asimov", "Anne Brontë", "Charlotte Brontë"]),
        ("sort_name", ["Isaac Asimov", "Anne Brontë", "Charlotte Brontë"]),
        ("-sort_name", ["Charlotte Brontë", "Anne Brontë", "Isaac Asimov"]),
        ("name", ["Anne Brontë", "Charlotte Brontë", "Isaac Asimov"]),
        ("-name", ["Isaac Asimov", "Charlotte Brontë", "Anne Brontë"]),
    ],
)
def test_ordering(api_client, db, ordering, expected):
    AuthorFactory(name="Charlotte Brontë", sort_name="Brontë, Charlotte")
    AuthorFactory(name="Isaac Asimov", sort_name="Asimov, Isaac")
    AuthorFactory(name="Anne Brontë", sort_name="Brontë, Anne")

    response = api_client.get(reverse("v1:author-list"), {"ordering": ordering} if ordering else {})

    assert [row["name"] for row in response.json()["data"]["results"]] == expected
