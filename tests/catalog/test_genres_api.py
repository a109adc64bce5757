"""/api/v1/genres/: anyone reads, catalog managers and superusers write; genres form a tree by `parent`."""

import pytest
from django.urls import reverse

from catalog.models import Genre
from tests.factories import BookFactory, GenreFactory

WRITERS = ["catalog_manager", "superuser"]
ROLES = ["anonymous", "customer", *WRITERS]
WRITE_ACTIONS = ["create", "put", "patch", "delete"]


@pytest.fixture
def fiction(db):
    return GenreFactory(name="Fiction", slug="fiction")


@pytest.fixture
def genre(fiction):
    return GenreFactory(name="Science Fiction", slug="science-fiction", parent=fiction)


def detail_url(genre):
    return reverse("v1:genre-detail", args=[genre.pk])


def write(client, action, genre):
    if action == "create":
        return client.post(reverse("v1:genre-list"), {"name": "Poetry", "slug": "poetry", "parent": None})
    if action == "put":
        return client.put(detail_url(genre), {"name": "SF", "slug": "sf", "parent": None})
    if action == "patch":
        return client.patch(detail_url(genre), {"name": "SF"})
    return client.delete(detail_url(genre))


def snapshot():
    return list(Genre.objects.order_by("pk").values())


@pytest.mark.parametrize("role", ROLES)
def test_anyone_lists_genres(client_for, genre, role):
    response = client_for(role).get(reverse("v1:genre-list"))

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["data"]["results"]] == ["fiction", "science-fiction"]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_retrieves_a_genre(client_for, genre, role):
    response = client_for(role).get(detail_url(genre))

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Science Fiction"


def test_genre_representation(api_client, fiction, genre):
    response = api_client.get(detail_url(genre))

    assert response.json() == {
        "success": True,
        "data": {"id": genre.pk, "name": "Science Fiction", "slug": "science-fiction", "parent": fiction.pk},
        "error": None,
    }


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_anonymous_cannot_write(client_for, genre, action):
    before = snapshot()

    response = write(client_for("anonymous"), action, genre)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"
    assert snapshot() == before


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_customer_cannot_write(client_for, genre, action):
    before = snapshot()

    response = write(client_for("customer"), action, genre)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize("role", WRITERS)
def test_writer_creates_a_sub_genre(client_for, fiction, role):
    body = {"name": "Fantasy", "slug": "fantasy", "parent": fiction.pk}

    response = client_for(role).post(reverse("v1:genre-list"), body)

    assert response.status_code == 201
    created = Genre.objects.get(slug="fantasy")
    assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url(created))
    assert response.json()["data"] == {"id": created.pk, **body}
    assert created.parent == fiction


@pytest.mark.parametrize("role", WRITERS)
def test_writer_replaces_a_genre(client_for, genre, role):
    response = client_for(role).put(detail_url(genre), {"name": "SF", "slug": "sf", "parent": None})

    assert response.status_code == 200
    genre.refresh_from_db()
    assert (genre.name, genre.slug, genre.parent) == ("SF", "sf", None)


@pytest.mark.parametrize("role", WRITERS)
def test_writer_patches_a_genre(client_for, genre, role):
    response = client_for(role).patch(detail_url(genre), {"name": "Sci-Fi"})

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Sci-Fi"
    genre.refresh_from_db()
    assert genre.name == "Sci-Fi"
    assert genre.slug == "science-fiction"


@pytest.mark.parametrize("role", WRITERS)
def test_writer_deletes_a_genre(client_for, genre, role):
    response = client_for(role).delete(detail_url(genre))

    assert response.status_code == 204
    assert not Genre.objects.filter(pk=genre.pk).exists()


def test_deleting_a_genre_keeps_its_books(client_for, genre):
    book = BookFactory(genres=[genre])

    response = client_for("catalog_manager").delete(detail_url(genre))

    assert response.status_code == 204
    assert list(book.genres.all()) == []


def test_slug_is_made_from_the_name_when_omitted(client_for, genre):
    response = client_for("catalog_manager").post(reverse("v1:genre-list"), {"name": "Science fiction!"})

    assert response.status_code == 201
    assert response.json()["data"]["slug"] == "science-fiction-2"
    assert response.json()["data"]["parent"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Horror", "parent": 999999}, "parent"),
        ({"name": "Horror", "slug": "fiction"}, "slug"),
    ],
)
def test_invalid_genre_is_refused(client_for, fiction, body, field):
    before = snapshot()

    response = client_for("catalog_manager").post(reverse("v1:genre-list"), body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_a_genre_cannot_be_its_own_parent(client_for, fiction):
    before = snapshot()

    response = client_for("catalog_manager").patch(detail_url(fiction), {"parent": fiction.pk})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert list(response.json()["error"]["details"]) == ["parent"]
    assert snapshot() == before


@pytest.mark.parametrize("depth", [1, 2], ids=["child", "grandchild"])
def test_a_genre_cannot_be_placed_under_its_own_sub_genre(client_for, fiction, genre, depth):
    descendant = genre if depth == 1 else GenreFactory(name="Space Opera", parent=genre)
    before = snapshot()

    response = client_for("catalog_manager").patch(detail_url(fiction), {"parent": descendant.pk})

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["parent"]
    assert snapshot() == before


def test_deleting_a_genre_with_sub_genres_is_a_conflict(client_for, fiction, genre):
    response = client_for("catalog_manager").delete(detail_url(fiction))

    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == "conflict"
    assert Genre.objects.filter(pk=fiction.pk).exists()
    assert list(fiction.children.all()) == [genre]


def test_search_finds_genres_by_name(api_client, genre):
    response = api_client.get(reverse("v1:genre-list"), {"search": "science"})

    assert [row["slug"] for row in response.json()["data"]["results"]] == ["science-fiction"]


def test_filter_by_parent(api_client, fiction, genre):
    GenreFactory(name="Poetry")

    response = api_client.get(reverse("v1:genre-list"), {"parent": fiction.pk})

    assert [row["slug"] for row in response.json()["data"]["results"]] == ["science-fiction"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Biography", "History", "Poetry"]),
        ("name", ["Biography", "History", "Poetry"]),
        ("-name", ["Poetry", "History", "Biography"]),
    ],
)
def test_ordering(api_client, db, ordering, expected):
    for name in ["History", "Poetry", "Biography"]:
        GenreFactory(name=name)

    response = api_client.get(reverse("v1:genre-list"), {"ordering": ordering} if ordering else {})

    assert [row["name"] for row in response.json()["data"]["results"]] == expected
