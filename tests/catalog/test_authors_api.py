"""/api/v1/authors/: anyone reads, catalog managers and superusers write."""

import pytest
from django.urls import reverse

from catalog.models import Author
from tests.envelope import data_of, error_of
from tests.factories import AuthorFactory, BookFactory


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


def snapshot():
    return list(Author.objects.order_by("pk").values())


def test_author_representation(api_client, author):
    response = api_client.get(detail_url(author))

    assert data_of(response) == {
        "id": author.pk,
        "name": "George Orwell",
        "slug": "george-orwell",
        "sort_name": "Orwell, George",
        "bio": "English novelist and essayist.",
        "birth_date": "1903-06-25",
        "death_date": "1950-01-21",
    }


def test_create_answers_the_new_author(catalog_manager_client):
    response = catalog_manager_client.post(reverse("v1:author-list"), payload())

    created = Author.objects.get(slug="ursula-k-le-guin")
    assert data_of(response, 201) == {"id": created.pk, **payload()}
    assert created.sort_name == "Le Guin, Ursula K."


def test_patch_answers_the_changed_author(catalog_manager_client, author):
    response = catalog_manager_client.patch(detail_url(author), {"bio": "Author of Animal Farm."})

    assert data_of(response)["bio"] == "Author of Animal Farm."
    author.refresh_from_db()
    assert author.bio == "Author of Animal Farm."
    assert author.name == "George Orwell"


def test_slug_is_made_from_the_name_when_omitted(client_for):
    AuthorFactory(slug="jane-austen")
    body = payload(name="Jane Austen", sort_name="Austen, Jane")
    del body["slug"]

    response = client_for("catalog_manager").post(reverse("v1:author-list"), body)

    assert data_of(response, 201)["slug"] == "jane-austen-2"


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

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_patch_death_date_before_stored_birth_date_is_refused(client_for, author):
    response = client_for("catalog_manager").patch(detail_url(author), {"death_date": "1900-01-01"})

    assert list(error_of(response, 400)["details"]) == ["death_date"]
    author.refresh_from_db()
    assert str(author.death_date) == "1950-01-21"


def test_deleting_a_credited_author_is_a_conflict(client_for, author):
    book = BookFactory(authors=[author])

    response = client_for("catalog_manager").delete(detail_url(author))

    error_of(response, 409, "conflict")
    assert Author.objects.filter(pk=author.pk).exists()
    assert list(book.authors.all()) == [author]


def test_search_finds_authors_by_name_and_sort_name(api_client, author):
    AuthorFactory(name="Aldous Huxley", sort_name="Huxley, Aldous")

    by_name = api_client.get(reverse("v1:author-list"), {"search": "orwell"})
    by_sort_name = api_client.get(reverse("v1:author-list"), {"search": "Huxley, A"})

    assert [row["name"] for row in data_of(by_name)["results"]] == ["George Orwell"]
    assert [row["name"] for row in data_of(by_sort_name)["results"]] == ["Aldous Huxley"]


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

    assert [row["name"] for row in data_of(response)["results"]] == expected
