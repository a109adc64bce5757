"""/api/v1/publishers/: anyone reads, catalog managers and superusers write."""

import pytest
from django.urls import reverse

from catalog.models import Publisher
from tests.envelope import data_of, error_of
from tests.factories import BookFactory, PublisherFactory


@pytest.fixture
def publisher(db):
    return PublisherFactory(
        name="Penguin Classics", slug="penguin-classics", website="https://www.penguin.co.uk/", country="GB"
    )


def detail_url(publisher):
    return reverse("v1:publisher-detail", args=[publisher.pk])


def payload(**overrides):
    return {
        "name": "Faber & Faber",
        "slug": "faber-faber",
        "website": "https://www.faber.co.uk/",
        "country": "GB",
        **overrides,
    }


def snapshot():
    return list(Publisher.objects.order_by("pk").values())


def test_publisher_representation(api_client, publisher):
    response = api_client.get(detail_url(publisher))

    assert data_of(response) == {
        "id": publisher.pk,
        "name": "Penguin Classics",
        "slug": "penguin-classics",
        "website": "https://www.penguin.co.uk/",
        "country": "GB",
    }


def test_create_answers_the_new_publisher(catalog_manager_client):
    response = catalog_manager_client.post(reverse("v1:publisher-list"), payload())

    created = Publisher.objects.get(slug="faber-faber")
    assert data_of(response, 201) == {"id": created.pk, **payload()}


def test_patch_answers_the_changed_publisher(catalog_manager_client, publisher):
    response = catalog_manager_client.patch(detail_url(publisher), {"website": ""})

    assert data_of(response)["website"] == ""
    publisher.refresh_from_db()
    assert publisher.website == ""
    assert publisher.name == "Penguin Classics"


def test_slug_is_made_from_the_name_when_omitted(client_for):
    body = payload(name="Simon & Schuster")
    del body["slug"]

    response = client_for("catalog_manager").post(reverse("v1:publisher-list"), body)

    assert data_of(response, 201)["slug"] == "simon-schuster"
    assert Publisher.objects.filter(slug="simon-schuster").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload(country="gbr"), "country"),
        (payload(country="gb"), "country"),
        (payload(website="not a url"), "website"),
        (payload(name=""), "name"),
        (payload(slug="not a slug!"), "slug"),
    ],
)
def test_invalid_publisher_is_refused(client_for, publisher, body, field):
    before = snapshot()

    response = client_for("catalog_manager").post(reverse("v1:publisher-list"), body)

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_slug_of_another_publisher_is_refused(client_for, publisher):
    response = client_for("catalog_manager").post(reverse("v1:publisher-list"), payload(slug="penguin-classics"))

    assert list(error_of(response, 400)["details"]) == ["slug"]
    assert Publisher.objects.count() == 1


def test_deleting_a_publisher_with_books_is_a_conflict(client_for, publisher):
    BookFactory(publisher=publisher)

    response = client_for("catalog_manager").delete(detail_url(publisher))

    error_of(response, 409, "conflict")
    assert Publisher.objects.filter(pk=publisher.pk).exists()
    assert publisher.books.count() == 1


def test_search_finds_publishers_by_name(api_client, publisher):
    PublisherFactory(name="HarperCollins")

    response = api_client.get(reverse("v1:publisher-list"), {"search": "harper"})

    assert [row["name"] for row in data_of(response)["results"]] == ["HarperCollins"]


def test_filter_by_country(api_client, publisher):
    PublisherFactory(name="Scribner", country="US")

    response = api_client.get(reverse("v1:publisher-list"), {"country": "US"})

    assert [row["name"] for row in data_of(response)["results"]] == ["Scribner"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Ecco", "Picador", "Scribner"]),
        ("name", ["Ecco", "Picador", "Scribner"]),
        ("-name", ["Scribner", "Picador", "Ecco"]),
    ],
)
def test_ordering(api_client, db, ordering, expected):
    for name in ["Picador", "Scribner", "Ecco"]:
        PublisherFactory(name=name)

    response = api_client.get(reverse("v1:publisher-list"), {"ordering": ordering} if ordering else {})

    assert [row["name"] for row in data_of(response)["results"]] == expected
