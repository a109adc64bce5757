"""/api/v1/genres/: anyone reads, catalog managers and superusers write; genres form a tree by `parent`."""

import pytest
from django.urls import reverse

from catalog.models import Genre
from tests.envelope import data_of, error_of, no_content
from tests.factories import BookFactory, GenreFactory


@pytest.fixture
def fiction(db):
    return GenreFactory(name="Fiction", slug="fiction")


@pytest.fixture
def genre(fiction):
    return GenreFactory(name="Science Fiction", slug="science-fiction", parent=fiction)


def detail_url(genre):
    return reverse("v1:genre-detail", args=[genre.pk])


def snapshot():
    return list(Genre.objects.order_by("pk").values())


def test_genre_representation(api_client, fiction, genre):
    response = api_client.get(detail_url(genre))

    assert data_of(response) == {
        "id": genre.pk,
        "name": "Science Fiction",
        "slug": "science-fiction",
        "parent": fiction.pk,
    }


def test_create_answers_the_new_sub_genre(catalog_manager_client, fiction):
    body = {"name": "Fantasy", "slug": "fantasy", "parent": fiction.pk}

    response = catalog_manager_client.post(reverse("v1:genre-list"), body)

    created = Genre.objects.get(slug="fantasy")
    assert data_of(response, 201) == {"id": created.pk, **body}
    assert created.parent == fiction


def test_patch_answers_the_changed_genre(catalog_manager_client, genre):
    response = catalog_manager_client.patch(detail_url(genre), {"name": "Sci-Fi"})

    assert data_of(response)["name"] == "Sci-Fi"
    genre.refresh_from_db()
    assert genre.name == "Sci-Fi"
    assert genre.slug == "science-fiction"


def test_deleting_a_genre_keeps_its_books(client_for, genre):
    book = BookFactory(genres=[genre])

    response = client_for("catalog_manager").delete(detail_url(genre))

    no_content(response)
    assert list(book.genres.all()) == []


def test_slug_is_made_from_the_name_when_omitted(client_for, genre):
    response = client_for("catalog_manager").post(reverse("v1:genre-list"), {"name": "Science fiction!"})

    data = data_of(response, 201)
    assert data["slug"] == "science-fiction-2"
    assert data["parent"] is None


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

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_a_genre_cannot_be_its_own_parent(client_for, fiction):
    before = snapshot()

    response = client_for("catalog_manager").patch(detail_url(fiction), {"parent": fiction.pk})

    error_of(response, 400, "validation_error")
    assert list(error_of(response, 400)["details"]) == ["parent"]
    assert snapshot() == before


@pytest.mark.parametrize("depth", [1, 2], ids=["child", "grandchild"])
def test_a_genre_cannot_be_placed_under_its_own_sub_genre(client_for, fiction, genre, depth):
    descendant = genre if depth == 1 else GenreFactory(name="Space Opera", parent=genre)
    before = snapshot()

    response = client_for("catalog_manager").patch(detail_url(fiction), {"parent": descendant.pk})

    assert list(error_of(response, 400)["details"]) == ["parent"]
    assert snapshot() == before


def test_deleting_a_genre_with_sub_genres_is_a_conflict(client_for, fiction, genre):
    response = client_for("catalog_manager").delete(detail_url(fiction))

    error_of(response, 409, "conflict")
    assert Genre.objects.filter(pk=fiction.pk).exists()
    assert list(fiction.children.all()) == [genre]


def test_search_finds_genres_by_name(api_client, genre):
    response = api_client.get(reverse("v1:genre-list"), {"search": "science"})

    assert [row["slug"] for row in data_of(response)["results"]] == ["science-fiction"]


def test_filter_by_parent(api_client, fiction, genre):
    GenreFactory(name="Poetry")

    response = api_client.get(reverse("v1:genre-list"), {"parent": fiction.pk})

    assert [row["slug"] for row in data_of(response)["results"]] == ["science-fiction"]


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

    assert [row["name"] for row in data_of(response)["results"]] == expected
