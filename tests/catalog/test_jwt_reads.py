"""Catalog reads with a JWT: no user or permission query once the user's identity snapshot is cached, while
revocation, deactivation and role changes through the services, the API and the admin still take effect at once,
on every process."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import tokens
from accounts.roles import CATALOG_MANAGERS
from accounts.services import user_revoke_tokens, user_set_active
from catalog.models import Book
from tests.book_queries import book_page_queries
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, AuthorFactory, BookFactory, CatalogManagerFactory, CustomerFactory, GenreFactory

NEW_PASSWORD = "an-entirely-new-pass-phrase"


def bearer_for(user):
    pair = data_of(APIClient().post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    return client


@pytest.fixture
def shelf(db):
    authors, genres = AuthorFactory.create_batch(2), GenreFactory.create_batch(2)
    BookFactory.create_batch(30, authors=authors, genres=genres)
    return BookFactory(title="Withdrawn", is_active=False)


# Anonymous or with a JWT: the same queries (tests/book_queries.py).
@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("limit", [5, 25])
@pytest.mark.parametrize("role", ["customer", "catalog_manager"])
def test_a_jwt_list_read_costs_what_an_anonymous_one_costs(shelf, django_assert_num_queries, version, limit, role):
    queries = book_page_queries(version)
    client = bearer_for(CustomerFactory() if role == "customer" else CatalogManagerFactory())
    url = reverse(f"{version}:book-list")
    client.get(url)  # the first read stores the identity snapshot

    with django_assert_num_queries(queries):
        page = data_of(client.get(url, {"limit": limit}))

    assert len(page["results"]) == limit
    with django_assert_num_queries(queries):
        data_of(APIClient().get(url, {"limit": limit}))


def test_the_snapshot_keeps_the_role(shelf):
    manager, customer = bearer_for(CatalogManagerFactory()), bearer_for(CustomerFactory())
    url = reverse("v1:book-list")
    for client in (manager, customer):
        client.get(url)

    assert data_of(manager.get(url))["count"] == 31  # inactive books included
    assert data_of(customer.get(url))["count"] == 30
    assert manager.get(reverse("v1:book-detail", args=[shelf.pk])).status_code == 200
    assert customer.get(reverse("v1:book-detail", args=[shelf.pk])).status_code == 404


@pytest.mark.parametrize(
    "lock_out",
    [
        pytest.param(lambda user: user_set_active(user=user, is_active=False), id="deactivated"),
        pytest.param(lambda user: user_revoke_tokens(user=user), id="logged-out-everywhere"),
    ],
)
def test_a_lock_out_through_the_services_applies_to_the_next_catalog_read(shelf, lock_out):
    user = CustomerFactory()
    client = bearer_for(user)
    data_of(client.get(reverse("v1:book-list")))

    lock_out(user)

    error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


def test_a_role_removed_in_the_admin_applies_to_the_next_catalog_read(shelf, superuser_browser):
    manager = CatalogManagerFactory()
    client = bearer_for(manager)
    assert data_of(client.get(reverse("v1:book-list")))["count"] == 31

    response = superuser_browser.post(
        reverse("admin:accounts_user_change", args=[manager.pk]),
        {
            "email": manager.email,
            "is_active": "on",
            "groups": [],
            "user_permissions": [],
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content
    assert not manager.groups.filter(name=CATALOG_MANAGERS).exists()
    assert data_of(client.get(reverse("v1:book-list")))["count"] == 30


def test_a_change_outside_the_services_shows_when_the_snapshot_expires(shelf):
    user = CustomerFactory()
    client = bearer_for(user)
    with override_settings(AUTH_SNAPSHOT_SECONDS=0):  # a snapshot that is never kept: every read asks the database
        data_of(client.get(reverse("v1:book-list")))
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


def test_writes_never_use_the_snapshot(shelf):
    manager = CatalogManagerFactory()
    client = bearer_for(manager)
    data_of(client.get(reverse("v1:book-list")))
    manager.groups.remove(Group.objects.get(name=CATALOG_MANAGERS))  # outside the services: the snapshot lives on

    assert data_of(client.get(reverse("v1:book-list")))["count"] == 31  # reads: up to AUTH_SNAPSHOT_SECONDS
    response = client.patch(reverse("v1:book-detail", args=[shelf.pk]), {"stock": 1}, format="json")
    error_of(response, 403, "permission_denied")  # a write checks the database
    assert Book.objects.get(pk=shelf.pk).stock != 1


# Another process's lock-out: every catalog read asks the shared cache, so it applies to the next one here too.


def test_a_lock_out_on_another_process_applies_to_the_next_catalog_read(shelf):
    user = CustomerFactory()
    client = bearer_for(user)
    client.get(reverse("v1:book-list"))  # the first read stores the snapshot in the shared cache
    data_of(client.get(reverse("v1:book-list")))  # the second reads it from there

    # What another process's services do: the token version raised and the shared snapshot forgotten.
    type(user).objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    cache.delete(tokens.snapshot_key(user.pk))

    error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


# A snapshot stored by a read that ran while the change was still uncommitted is forgotten again at commit.


def test_a_snapshot_stored_before_the_change_commits_is_forgotten_at_commit(shelf, django_capture_on_commit_callbacks):
    user = CustomerFactory()
    client = bearer_for(user)
    data_of(client.get(reverse("v1:book-list")))
    key = tokens.snapshot_key(user.pk)
    before = cache.get(key)
    assert before is not None

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        user_set_active(user=user, is_active=False)
        cache.set(key, before)  # a concurrent catalog read, which saw the user as last committed

    assert cache.get(key) == tokens.FORGOTTEN
    error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


def test_a_read_that_loaded_the_user_before_a_lock_out_stores_nothing_after_it(shelf, monkeypatch):
    user = CustomerFactory()
    client = bearer_for(user)
    load = tokens.user_for_token

    def load_then_lock_out(token):
        loaded = load(token)  # the user as committed before the change ...
        user_revoke_tokens(user=user)  # ... which commits, and is forgotten, before this read stores what it loaded
        return loaded

    monkeypatch.setattr(tokens, "user_for_token", load_then_lock_out)
    data_of(client.get(reverse("v1:book-list")))  # it read before the change: answered
    monkeypatch.undo()

    assert cache.get(tokens.snapshot_key(user.pk)) == tokens.FORGOTTEN
    error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


def test_a_password_set_in_the_admin_applies_to_the_next_catalog_read(shelf, superuser_browser):
    user = CustomerFactory()
    client = bearer_for(user)
    data_of(client.get(reverse("v1:book-list")))  # the snapshot is stored

    response = superuser_browser.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "an-entirely-new-pass-phrase",
            "password2": "an-entirely-new-pass-phrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content
    error_of(client.get(reverse("v1:book-list")), 401, "token_not_valid")


def test_a_role_removed_through_the_api_applies_to_the_next_catalog_read(shelf, superuser):
    manager = CatalogManagerFactory()
    client = bearer_for(manager)
    assert data_of(client.get(reverse("v1:book-list")))["count"] == 31
    staff = APIClient()
    staff.force_authenticate(superuser)

    data_of(staff.patch(reverse("v1:user-detail", args=[manager.pk]), {"roles": []}, format="json"))

    assert data_of(client.get(reverse("v1:book-list")))["count"] == 30
