"""The read-replica router (bookstore/replica.py) with two database aliases: `replica` is the test database under
a second connection (a test mirror), so each test sees on which connection every query ran.

scripts/replica_check.sh shows the same against a real PostgreSQL streaming replica."""

import time

import pytest
from django.db import connections, router, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from bookstore.replica import PRIMARY, REPLICA, ROUTER, RequestRouting, _current, replica_health
from catalog.models import Book
from orders.models import Order
from tests.factories import BookFactory, CatalogManagerFactory, CustomerFactory
from tests.shopping import ADDRESS

# Both connections commit for real: each must see the other's rows, as a replica sees the primary's.
# serialized_rollback: the role groups (a data migration) are back for the tests that run after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_routing(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.DATABASE_REPLICA_STICKY_SECONDS = 1
    # Without the read cache, which reads the primary for the answers it stores (test below).
    settings.API_READ_CACHE_SECONDS = 0
    replica_health.reset()
    yield
    replica_health.reset()
    connections["replica"].close()


class Queries:
    """The SQL each alias ran while the block was open (through execute wrappers: unlike CaptureQueriesContext,
    this opens no connection, and the replica may be unreachable)."""

    def __enter__(self):
        self.captured = {PRIMARY: [], REPLICA: []}
        self.wrappers = {}
        for alias, log in self.captured.items():

            def record(execute, sql, params, many, context, log=log):
                log.append(sql)
                return execute(sql, params, many, context)

            self.wrappers[alias] = record
            connections[alias].execute_wrappers.append(record)
        return self

    def __exit__(self, *exc):
        for alias, record in self.wrappers.items():
            connections[alias].execute_wrappers.remove(record)

    def on(self, alias, table="catalog_book"):
        return [sql for sql in self.captured[alias] if table in sql]


def signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_catalog_reads_use_the_replica():
    book = BookFactory()

    with Queries() as queries:
        response = APIClient().get(reverse("v1:book-detail", args=[book.pk]))

    assert response.status_code == 200
    assert response.json()["data"]["title"] == book.title
    assert queries.on(REPLICA)
    assert not queries.on(PRIMARY)


def test_anonymous_reads_the_read_cache_stores_come_from_the_primary_and_hits_read_no_database(settings):
    settings.API_READ_CACHE_SECONDS = 60
    book = BookFactory()
    url = reverse("v2:book-detail", args=[book.pk])

    with Queries() as queries:
        first = APIClient().get(url)
    with Queries() as again:
        second = APIClient().get(url)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    # The stored answer cannot hold a lagging replica's view; the cached one costs no query at all.
    assert queries.on(PRIMARY)
    assert not queries.on(REPLICA)
    assert again.captured == {PRIMARY: [], REPLICA: []}


def test_signed_in_catalog_reads_use_the_replica():
    book = BookFactory()

    with Queries() as queries:
        response = signed_in(CustomerFactory()).get(reverse("v2:book-detail", args=[book.pk]))

    assert response.status_code == 200
    assert queries.on(REPLICA)
    assert not queries.on(PRIMARY)


def test_writes_use_the_primary():
    book = BookFactory(price="10.00")
    manager = signed_in(CatalogManagerFactory())

    with Queries() as queries:
        response = manager.patch(reverse("v1:book-detail", args=[book.pk]), {"price": "12.00"}, format="json")

    assert response.status_code == 200, response.content
    assert queries.on(PRIMARY)
    assert not queries.on(REPLICA)


def test_a_user_who_just_wrote_reads_from_the_primary_until_the_sticky_seconds_pass():
    book = BookFactory(price="10.00")
    writer = signed_in(CatalogManagerFactory())
    someone_else = signed_in(CustomerFactory())
    assert writer.patch(reverse("v1:book-detail", args=[book.pk]), {"price": "12.00"}, format="json").status_code == 200

    with Queries() as writer_reads:
        assert writer.get(reverse("v1:book-detail", args=[book.pk])).json()["data"]["price"] == "12.00"
    with Queries() as other_reads:
        assert someone_else.get(reverse("v1:book-list")).status_code == 200
    time.sleep(1.2)  # DATABASE_REPLICA_STICKY_SECONDS = 1
    with Queries() as later_reads:
        assert writer.get(reverse("v1:book-detail", args=[book.pk])).status_code == 200

    assert writer_reads.on(PRIMARY)
    assert not writer_reads.on(REPLICA)
    assert other_reads.on(REPLICA)
    assert later_reads.on(REPLICA)
    assert not later_reads.on(PRIMARY)


def test_a_customer_who_just_checked_out_sees_the_stock_it_took():
    book = BookFactory(stock=5)
    customer = CustomerFactory()
    client = signed_in(customer)
    client.post(reverse("v1:cart-item-list"), {"book": book.pk, "quantity": 2}, format="json")
    client.post(reverse("v1:order-list"), {"shipping_address": ADDRESS}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert Order.objects.filter(user=customer).count() == 1

    with Queries() as queries:
        response = client.get(reverse("v1:book-detail", args=[book.pk]))

    assert response.json()["data"]["stock"] == 3
    assert queries.on(PRIMARY)
    assert not queries.on(REPLICA)


def test_reads_fall_back_to_the_primary_while_the_replica_cannot_be_reached(monkeypatch, tmp_path):
    book = BookFactory()
    replica = connections["replica"]
    replica.close()
    if replica.settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        # Django never closes an in-memory SQLite connection: set it aside so that the next one is opened anew.
        monkeypatch.setattr(replica, "connection", None)
        monkeypatch.setitem(replica.settings_dict, "NAME", str(tmp_path / "no-such-folder" / "db.sqlite3"))
    else:
        monkeypatch.setitem(replica.settings_dict, "PORT", "1")  # nothing listens there: refused at once

    with Queries() as queries:
        responses = [APIClient().get(reverse("v1:book-detail", args=[book.pk])) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert queries.on(PRIMARY)
    assert replica_health.down_until > time.monotonic()


def test_a_read_whose_replica_query_fails_is_served_again_from_the_primary(monkeypatch):
    book = BookFactory()
    replica = connections["replica"]
    replica.ensure_connection()  # it passes the per-request check, then dies under the first query

    class DeadCursor:
        def execute(self, *args):
            raise replica.Database.OperationalError("terminating connection due to administrator command")

        def close(self):
            pass

    monkeypatch.setattr(replica, "create_cursor", lambda name=None: DeadCursor())

    with Queries() as queries:
        response = APIClient().get(reverse("v1:book-detail", args=[book.pk]))

    assert response.status_code == 200, response.content
    assert response.json()["data"]["title"] == book.title
    assert queries.on(REPLICA)  # tried there first
    assert queries.on(PRIMARY)
    assert replica_health.down_until > time.monotonic()


def test_reads_go_back_to_the_replica_once_it_is_retried(settings):
    book = BookFactory()
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.2
    replica_health.mark_down(ConnectionRefusedError("gone"))

    with Queries() as while_down:
        assert APIClient().get(reverse("v1:book-detail", args=[book.pk])).status_code == 200
    time.sleep(0.3)
    with Queries() as after:
        assert APIClient().get(reverse("v1:book-detail", args=[book.pk])).status_code == 200

    assert while_down.on(PRIMARY)
    assert not while_down.on(REPLICA)
    assert after.on(REPLICA)


def test_non_catalog_reads_and_reads_outside_a_request_or_inside_a_transaction_use_the_primary(rf):
    assert Book.objects.all().db == PRIMARY  # a management command, the shell
    token = _current.set(RequestRouting(rf.get("/api/v1/books/")))
    try:
        assert Book.objects.all().db == REPLICA
        assert Order.objects.all().db == PRIMARY
        with transaction.atomic():
            assert router.db_for_read(Book) == PRIMARY
    finally:
        _current.reset(token)


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(PRIMARY, "catalog", model_name="book")
    assert not router.allow_migrate(REPLICA, "catalog", model_name="book")
    assert not router.allow_migrate(REPLICA, "orders", model_name="order")
