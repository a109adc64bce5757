"""The shared read cache of anonymous book reads (bookstore/api/readcache.py): a hit answers what a miss answers,
byte for byte and header for header, without a query; every way the catalog is written makes the next read show
the write; signed-in reads, other media types and other hosts are never answered with another's entry.

The whole suite reads through the cache too (bookstore/settings/test.py), so every API test that writes and then
reads checks the invalidation as well. tests/test_replica.py shows that stored answers come from the primary;
scripts/scaleout_check.sh shows a write in one server process visible to the next read in another."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.cache import catalog_reads
from catalog.models import Author, Book, BookAuthor, Genre
from catalog.services import book_rating_set, stock_reserve
from tests.envelope import data_of
from tests.factories import AuthorFactory, BookFactory, GenreFactory

pytestmark = pytest.mark.django_db

VERSIONS = ["v1", "v2"]


@pytest.fixture
def book():
    return BookFactory(
        title="The Left Hand of Darkness",
        authors=[AuthorFactory(name="Ursula K. Le Guin")],
        genres=[GenreFactory(name="Science fiction", slug="science-fiction")],
        stock=4,
    )


def read(url, client=None, **headers):
    """An anonymous GET, and the queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or APIClient()).get(url, **headers)
    return response, len(queries)


def headers_of(response):
    return {name: value for name, value in response.headers.items() if name != "X-Request-ID"}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", ["list", "detail"])
def test_a_hit_answers_what_the_miss_answered_without_a_query(book, version, kind):
    url = (
        reverse(f"{version}:book-list") + "?limit=5"
        if kind == "list"
        else reverse(f"{version}:book-detail", args=[book.pk])
    )

    miss, miss_queries = read(url)
    hit, hit_queries = read(url)

    assert miss.status_code == hit.status_code == 200
    assert miss_queries > 0
    assert hit_queries == 0
    assert hit.content == miss.content
    assert headers_of(hit) == headers_of(miss)
    assert hit["ETag"]
    assert hit["Content-Type"] == "application/json"


def test_a_hit_answers_if_none_match_with_304(book):
    url = reverse("v2:book-detail", args=[book.pk])
    etag = read(url)[0]["ETag"]
    read(url)

    response, queries = read(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries == 0


def set_price(book):
    Book.objects.filter(pk=book.pk).update(price=Decimal("12.34"))  # QuerySet.update(): no model save, no signal


def save_price(book):
    book.price = Decimal("12.34")
    book.save()  # the admin's change form


def raw_sql_price(book):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_book SET price = %s WHERE id = %s", ["12.34", book.pk])


def rename_author(book):
    author = Author.objects.get(credits__book=book)
    author.name = "U. K. Le Guin"
    author.save()


def rename_genre(book):
    Genre.objects.filter(books=book).update(name="Speculative fiction")


def drop_credits(book):
    BookAuthor.objects.filter(book=book).delete()


def take_stock(book):
    stock_reserve(lines={book.pk: 3})


def rate(book):
    with transaction.atomic():
        book_rating_set(book=Book.objects.select_for_update().get(pk=book.pk), count=2, total=9)


def deactivate(book):
    Book.objects.filter(pk=book.pk).update(is_active=False)


WRITERS = [
    set_price,
    save_price,
    raw_sql_price,
    rename_author,
    rename_genre,
    drop_credits,
    take_stock,
    rate,
    deactivate,
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("write", WRITERS, ids=lambda write: write.__name__)
def test_every_way_of_writing_the_catalog_shows_in_the_next_read(book, version, write):
    urls = [reverse(f"{version}:book-list"), reverse(f"{version}:book-detail", args=[book.pk])]
    before = [read(url)[0].content for url in urls]
    assert [read(url)[1] for url in urls] == [0, 0]  # cached

    write(book)

    after = [read(url) for url in urls]
    assert all(queries > 0 for _, queries in after)
    if not (version == "v1" and write in (rename_author, rename_genre)):  # v1 shows neither name
        assert [response.content for response, _ in after] != before
    fresh = APIClient()
    catalog_reads.invalidate()
    assert [response.content for response, _ in after] == [read(url, fresh)[0].content for url in urls]


def test_a_write_through_the_api_shows_in_the_next_anonymous_read(book, catalog_manager_client):
    url = reverse("v2:book-detail", args=[book.pk])
    assert data_of(read(url)[0])["price"]["amount"] == "10.00"

    data_of(catalog_manager_client.patch(reverse("v1:book-detail", args=[book.pk]), {"price": "15.00"}))

    assert data_of(read(url)[0])["price"]["amount"] == "15.00"


def test_a_page_read_before_a_write_is_never_served_after_it(book):
    """The race the generations settle: a reader reads the generation, a write lands, the reader stores what it
    read from before the write. The next read must not be answered with it."""
    url = reverse("v2:book-detail", args=[book.pk])
    stale, _ = read(url)
    key = catalog_reads.entry_key(stale.wsgi_request.build_absolute_uri(), "application/json")
    generation, _ = catalog_reads.lookup(key)

    set_price(book)
    catalog_reads.store(key, generation, stale)  # the slow reader stores last

    response, queries = read(url)
    assert queries > 0
    assert data_of(response)["price"]["amount"] == "12.34"


def test_signed_in_reads_are_neither_answered_from_nor_stored_in_the_cache(book, client_for):
    hidden = BookFactory(is_active=False)
    url = reverse("v2:book-list")
    anonymous = [item["id"] for item in data_of(read(url)[0])["results"]]

    manager = client_for("catalog_manager")
    signed_in, queries = read(url, manager)

    assert queries > 0
    assert hidden.pk not in anonymous
    assert hidden.pk in [item["id"] for item in data_of(signed_in)["results"]]
    assert [item["id"] for item in data_of(read(url)[0])["results"]] == anonymous


def test_other_media_types_and_hosts_have_entries_of_their_own(book):
    url = reverse("v1:book-list")
    compact, _ = read(url)

    indented, queries = read(url, HTTP_ACCEPT="application/json; indent=4")
    other_host, host_queries = read(url, HTTP_HOST="localhost")

    assert queries > 0
    assert host_queries > 0
    assert indented.content != compact.content
    assert b"\n    " in indented.content
    assert data_of(indented) == data_of(compact)
    assert other_host.status_code == 200


def test_searches_are_not_cached(book):
    url = reverse("v2:book-list") + "?search=darkness"
    assert [item["id"] for item in data_of(read(url)[0])["results"]] == [book.pk]

    assert read(url)[1] > 0


def test_errors_are_not_stored(book):
    url = reverse("v2:book-detail", args=[book.pk + 1000])

    assert read(url)[0].status_code == 404
    response, queries = read(url)

    assert response.status_code == 404
    assert queries > 0


def test_generate_catalog_shows_in_the_next_read():
    url = reverse("v1:book-list")
    assert data_of(read(url)[0])["count"] == 0

    call_command("generate_catalog", "--books", "3", "--seed", "5", stdout=None)

    assert data_of(read(url)[0])["count"] == 3


def test_without_the_setting_nothing_is_cached(book, settings):
    settings.API_READ_CACHE_SECONDS = 0
    url = reverse("v2:book-list")
    read(url)

    assert read(url)[1] > 0


def test_check_deploy_warns_of_a_read_cache_in_each_process(settings):
    from django.core import checks

    settings.API_READ_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [
        message.id for message in checks.run_checks(include_deployment_checks=True) if message.id == "catalog.W001"
    ] == ["catalog.W001"]

    settings.CACHES = {"default": {"BACKEND": "bookstore.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    assert "catalog.W001" not in [message.id for message in checks.run_checks(include_deployment_checks=True)]
