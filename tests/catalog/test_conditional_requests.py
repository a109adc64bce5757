"""HTTP caching and lost-update protection: reads carry an ETag, If-None-Match answers 304, and PUT/PATCH with a
stale If-Match are refused with 412 and change nothing."""

import re

import pytest
from django.urls import reverse

from catalog.models import Author, Book
from tests.envelope import data_of, error_of, no_content
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory

VERSIONS = ["v1", "v2"]
RESOURCES = ["book", "author"]
STRONG_ETAG = re.compile(r'^"[0-9a-f]{16,}"$')


# Fixtures and helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def catalog(db):
    """A book and its author: the objects each test reads and writes."""
    author = AuthorFactory(name="Ursula K. Le Guin", sort_name="Le Guin, Ursula K.", bio="")
    book = BookFactory(title="The Dispossessed", authors=[author], genres=[GenreFactory()], stock=4)
    return {"book": book, "author": author}


def detail_url(version, resource, obj):
    return reverse(f"{version}:{resource}-detail", args=[obj.pk])


def list_url(version, resource):
    return reverse(f"{version}:{resource}-list")


def row(obj):
    """The object's database row as it is now."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def patch_body(resource):
    return {"book": {"title": "The Left Hand of Darkness"}, "author": {"name": "Ursula Le Guin"}}[resource]


def put_body(resource, catalog):
    if resource == "author":
        return {"name": "Ursula Le Guin", "sort_name": "Le Guin, Ursula", "slug": catalog["author"].slug}
    book = catalog["book"]
    return {
        "title": "The Left Hand of Darkness",
        "slug": book.slug,
        "isbn": book.isbn,
        "language": "en",
        "pages": 304,
        "format": "paperback",
        "publisher": book.publisher_id,
        "authors": [{"id": catalog["author"].pk, "role": "author"}],
        "genres": [],
        "price": "11.00",
        "currency": "EUR",
        "stock": 4,
        "is_active": True,
    }


def other_change(resource):
    """A change another manager makes between our read and our write."""
    return {"book": {"stock": 9}, "author": {"bio": "Wrote Earthsea."}}[resource]


def write(client, method, version, resource, catalog, **headers):
    url = detail_url(version, resource, catalog[resource])
    if method == "put":
        return client.put(url, put_body(resource, catalog), headers=headers)
    return client.patch(url, patch_body(resource), headers=headers)


# 1. ETag and If-None-Match -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_detail_read_carries_a_strong_etag(api_client, catalog, version, resource):
    response = api_client.get(detail_url(version, resource, catalog[resource]))

    data_of(response)
    assert STRONG_ETAG.match(response["ETag"])


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_list_read_carries_a_strong_etag(api_client, catalog, version, resource):
    response = api_client.get(list_url(version, resource))

    data_of(response)
    assert STRONG_ETAG.match(response["ETag"])


def test_the_etag_depends_on_the_representation(api_client, catalog):
    v1 = api_client.get(detail_url("v1", "book", catalog["book"]))
    v2 = api_client.get(detail_url("v2", "book", catalog["book"]))
    author = api_client.get(detail_url("v1", "author", catalog["author"]))

    assert len({v1["ETag"], v2["ETag"], author["ETag"]}) == 3


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("kind", ["detail", "list"])
def test_repeating_a_read_with_its_etag_answers_304_without_a_body(api_client, catalog, version, resource, kind):
    url = detail_url(version, resource, catalog[resource]) if kind == "detail" else list_url(version, resource)
    etag = api_client.get(url)["ETag"]

    response = api_client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_after_a_change_the_old_etag_gives_the_new_representation(
    api_client, catalog_manager_client, catalog, version, resource
):
    url = detail_url(version, resource, catalog[resource])
    old = api_client.get(url)["ETag"]
    data_of(catalog_manager_client.patch(url, patch_body(resource)))

    response = api_client.get(url, headers={"If-None-Match": old})

    assert response["ETag"] != old
    changed_field, changed_value = next(iter(patch_body(resource).items()))
    assert data_of(response)[changed_field] == changed_value


@pytest.mark.parametrize("version", VERSIONS)
def test_a_new_book_changes_the_list_etag(api_client, catalog, version):
    old = api_client.get(list_url(version, "book"))["ETag"]
    BookFactory(title="A Wizard of Earthsea", publisher=PublisherFactory())

    response = api_client.get(list_url(version, "book"), headers={"If-None-Match": old})

    assert response["ETag"] != old
    assert "A Wizard of Earthsea" in [book["title"] for book in data_of(response)["results"]]


# 2. If-Match on PUT and PATCH ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_write_with_the_current_etag_succeeds(catalog_manager_client, catalog, version, resource, method):
    etag = catalog_manager_client.get(detail_url(version, resource, catalog[resource]))["ETag"]

    response = write(catalog_manager_client, method, version, resource, catalog, **{"If-Match": etag})

    data_of(response)
    changed_field, changed_value = next(iter(patch_body(resource).items()))
    assert row(catalog[resource])[changed_field] == changed_value


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_write_with_a_stale_etag_is_refused_and_changes_nothing(
    catalog_manager_client, catalog, version, resource, method
):
    url = detail_url(version, resource, catalog[resource])
    stale = catalog_manager_client.get(url)["ETag"]
    data_of(catalog_manager_client.patch(url, other_change(resource)))
    before = row(catalog[resource])

    response = write(catalog_manager_client, method, version, resource, catalog, **{"If-Match": stale})

    error_of(response, 412, "precondition_failed")
    assert row(catalog[resource]) == before


def test_a_stale_etag_leaves_the_byline_and_genres_alone(catalog_manager_client, catalog):
    book = catalog["book"]
    url = detail_url("v1", "book", book)
    stale = catalog_manager_client.get(url)["ETag"]
    catalog_manager_client.patch(url, {"stock": 9})
    body = {**put_body("book", catalog), "authors": [{"id": AuthorFactory().pk, "role": "editor"}]}

    response = catalog_manager_client.put(url, body, headers={"If-Match": stale})

    error_of(response, 412, "precondition_failed")
    assert [(credit.author_id, credit.role) for credit in book.credits.all()] == [(catalog["author"].pk, "author")]
    assert book.genres.count() == 1


def test_an_etag_read_before_a_write_is_stale_after_it(catalog_manager_client, catalog):
    url = detail_url("v2", "book", catalog["book"])
    etag = catalog_manager_client.get(url)["ETag"]
    data_of(catalog_manager_client.patch(url, {"stock": 2}, headers={"If-Match": etag}))

    response = catalog_manager_client.patch(url, {"stock": 1}, headers={"If-Match": etag})

    error_of(response, 412, "precondition_failed")
    assert Book.objects.get(pk=catalog["book"].pk).stock == 2


@pytest.mark.parametrize("method", ["put", "patch"])
def test_if_match_star_passes(catalog_manager_client, catalog, method):
    catalog_manager_client.patch(detail_url("v1", "author", catalog["author"]), other_change("author"))

    response = write(catalog_manager_client, method, "v1", "author", catalog, **{"If-Match": "*"})

    data_of(response)
    assert Author.objects.get(pk=catalog["author"].pk).name == "Ursula Le Guin"


def test_if_match_passes_when_any_listed_etag_is_current(catalog_manager_client, catalog):
    url = detail_url("v1", "book", catalog["book"])
    current = catalog_manager_client.get(url)["ETag"]

    response = catalog_manager_client.patch(
        url, patch_body("book"), headers={"If-Match": f'"0123456789abcdef", {current}'}
    )

    data_of(response)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_without_if_match_the_write_proceeds_even_after_another_change(
    catalog_manager_client, catalog, version, method
):
    url = detail_url(version, "book", catalog["book"])
    catalog_manager_client.get(url)
    catalog_manager_client.patch(url, other_change("book"))

    response = write(catalog_manager_client, method, version, "book", catalog)

    data_of(response)
    assert Book.objects.get(pk=catalog["book"].pk).title == "The Left Hand of Darkness"


def test_if_match_does_not_let_a_customer_write(client_for, catalog):
    url = detail_url("v1", "book", catalog["book"])
    customer = client_for("customer")
    etag = customer.get(url)["ETag"]
    before = row(catalog["book"])

    response = customer.patch(url, patch_body("book"), headers={"If-Match": etag})

    error_of(response, 403, "permission_denied")
    assert row(catalog["book"]) == before


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_with_a_stale_etag_is_refused_and_deletes_nothing(catalog_manager_client, catalog, version):
    book = catalog["book"]
    url = detail_url(version, "book", book)
    stale = catalog_manager_client.get(url)["ETag"]
    data_of(catalog_manager_client.patch(url, other_change("book")))

    response = catalog_manager_client.delete(url, headers={"If-Match": stale})

    error_of(response, 412, "precondition_failed")
    assert Book.objects.filter(pk=book.pk).exists()
    current = catalog_manager_client.get(url)["ETag"]
    no_content(catalog_manager_client.delete(url, headers={"If-Match": current}))


def test_writes_answer_the_new_etag(catalog_manager_client, catalog):
    url = detail_url("v1", "book", catalog["book"])
    response = catalog_manager_client.patch(url, {"stock": 3})
    data_of(response)
    assert response["ETag"] == catalog_manager_client.get(url)["ETag"]
