"""/api/v1/publishers/: anyone reads, catalog managers and superusers write."""

import pytest
from django.urls import reverse

from catalog.models import Publisher
from tests.factories import BookFactory, PublisherFactory

WRITERS = ["catalog_manager", "superuser"]
ROLES = ["anonymous", "customer", *WRITERS]
WRITE_ACTIONS = ["create", "put", "patch", "delete"]


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


def write(client, action, publisher):
    if action == "create":
        return client.post(reverse("v1:publisher-list"), payload())
    if action == "put":
        return client.put(detail_url(publisher), payload())
    if action == "patch":
        return client.patch(detail_url(publisher), {"country": "US"})
    return client.delete(detail_url(publisher))


def snapshot():
    return list(Publisher.objects.order_by("pk").values())


@pytest.mark.parametrize("role", ROLES)
def test_anyone_lists_publishers(client_for, publisher, role):
    response = client_for(role).get(reverse("v1:publisher-list"))

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["data"]["results"]] == ["penguin-classics"]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_retrieves_a_publisher(client_for, publisher, role):
    response = client_for(role).get(detail_url(publisher))

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Penguin Classics"


def test_publisher_representation(api_client, publisher):
    response = api_client.get(detail_url(publisher))

    assert response.json() == {
        "success": True,
        "data": {
            "id": publisher.pk,
            "name": "Penguin Classics",
            "slug": "penguin-classics",
            "website": "https://www.penguin.co.uk/",
            "country": "GB",
        },
        "error": None,
    }


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_anonymous_cannot_write(client_for, publisher, action):
    before = snapshot()

    response = write(client_for("anonymous"), action, publisher)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"
    assert snapshot() == before


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_customer_cannot_write(client_for, publisher, action):
    before = snapshot()

    response = write(client_for("customer"), action, publisher)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize("role", WRITERS)
def test_writer_creates_a_publisher(client_for, role):
    response = client_for(role).post(reverse("v1:publisher-list"), payload())

    assert response.status_code == 201
    created = Publisher.objects.get(slug="faber-faber")
    assert response["Location"] == response.wsgi_request.build_absolute_uri(detail_url(created))
    assert response.json()["data"] == {"id": created.pk, **payload()}


@pytest.mark.parametrize("role", WRITERS)
def test_writer_replaces_a_publisher(client_for, publisher, role):
    response = client_for(role).put(detail_url(publisher), payload(slug="penguin-classics", country="US"))

    assert response.status_code == 200
    publisher.refresh_from_db()
    assert (publisher.name, publisher.website, publisher.country) == ("Faber & Faber", "https://www.faber.co.uk/", "US")


@pytest.mark.parametrize("role", WRITERS)
def test_writer_patches_a_publisher(client_for, publisher, role):
    response = client_for(role).patch(detail_url(publisher), {"website": ""})

    assert response.status_code == 200
    assert response.json()["data"]["website"] == ""
    publisher.refresh_from_db()
    assert publisher.website == ""
    assert publisher.name == "Penguin Classics"


@pytest.mark.parametrize("role", WRITERS)
def test_writer_deletes_a_publisher(client_for, publisher, role):
    response = client_for(role).delete(detail_url(publisher))

    assert response.status_code == 204
    assert not Publisher.objects.filter(pk=publisher.pk).exists()


def test_slug_is_made_from_the_name_when_omitted(client_for):
    body = payload(name="Simon & Schuster")
    del body["slug"]

    response = client_for("catalog_manager").post(reverse("v1:publisher-list"), body)

    assert response.status_code == 201
    assert response.json()["data"]["slug"] == "simon-schuster"
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

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_slug_of_another_publisher_is_refused(client_for, publisher):
    response = client_for("catalog_manager").post(reverse("v1:publisher-list"), payload(slug="penguin-classics"))

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["slug"]
    assert Publisher.objects.count() == 1


def test_deleting_a_publisher_with_books_is_a_conflict(client_for, publisher):
    BookFactory(publisher=publisher)

    response = client_for("catalog_manager").delete(detail_url(publisher))

    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == "conflict"
    assert Publisher.objects.filter(pk=publisher.pk).exists()
    assert publisher.books.count() == 1


def test_search_finds_publishers_by_name(api_client, publisher):
    PublisherFactory(name="HarperCollins")

    response = api_client.get(reverse("v1:publisher-list"), {"search": "harper"})

    assert [row["name"] for row in response.json()["data"]["results"]] == ["HarperCollins"]


def test_filter_by_country(api_client, publisher):
    PublisherFactory(name="Scribner", country="US")

    response = api_client.get(reverse("v1:publisher-list"), {"country": "US"})

    assert [row["name"] for row in response.json()["data"]["results"]] == ["Scribner"]


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

    assert [row["name"] for row in response.json()["data"]["results"]] == expected
