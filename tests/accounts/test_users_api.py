"""/api/v1/users/: staff with the user permissions list users, (de)activate them and assign roles."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import CATALOG_MANAGERS, CUSTOMERS, ORDER_MANAGERS
from accounts.tokens import FORGOTTEN, snapshot_key
from catalog.models import Book
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, AuthorFactory, CustomerFactory, PublisherFactory, SuperuserFactory, UserFactory

User = get_user_model()

JOINED = datetime(2024, 3, 1, 9, 30, 15, tzinfo=UTC)


@pytest.fixture
def target(db):
    """A customer whose account the tests look at and change."""
    return CustomerFactory(email="target@example.com", first_name="Tess", last_name="Target", date_joined=JOINED)


@pytest.fixture
def superuser_token_client(db):
    """An API client that sends a superuser's access token, obtained from the token endpoint."""
    admin = SuperuserFactory(email="root@example.com")
    return token_client(admin)


def token_client(user):
    client = APIClient()
    response = client.post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data_of(response)['access']}")
    return client


def detail_url(user):
    return reverse("v1:user-detail", args=[user.pk])


def role_names(user):
    return sorted(user.groups.values_list("name", flat=True))


# Staff only (every role and endpoint: tests/accounts/test_permissions.py) ----------------------------------------


def test_a_customer_cannot_look_at_their_own_record_here(target):
    response = token_client(target).get(detail_url(target))

    error_of(response, 403, "permission_denied")


# Representation, order and pages ----------------------------------------------------------------------------------


def test_user_representation(superuser_token_client, target):
    target.last_login = None
    target.save(update_fields=["last_login"])

    response = superuser_token_client.get(detail_url(target))

    assert data_of(response) == {
        "id": target.pk,
        "email": "target@example.com",
        "first_name": "Tess",
        "last_name": "Target",
        "roles": ["customers"],
        "is_active": True,
        "is_staff": False,
        "date_joined": "2024-03-01T09:30:15Z",
        "last_login": None,
    }
    assert "password" not in response.content.decode()


def test_retrieve_an_unknown_user_is_404(superuser_token_client):
    response = superuser_token_client.get(reverse("v1:user-detail", args=[999999]))

    error_of(response, 404, "not_found")


def test_the_list_is_ordered_by_email_and_paged(superuser_token_client):
    for email in ["dora@example.com", "bert@example.com", "elsa@example.com", "anna@example.com", "carl@example.com"]:
        UserFactory(email=email)
    expected = ["anna", "bert", "carl", "dora", "elsa", "root"]

    first = data_of(superuser_token_client.get(reverse("v1:user-list"), {"limit": 4}))
    second = data_of(superuser_token_client.get(reverse("v1:user-list"), {"limit": 4, "offset": 4}))

    assert set(first) == {"count", "limit", "offset", "next", "previous", "results"}
    assert (first["count"], first["limit"], first["offset"], first["previous"]) == (6, 4, 0, None)
    assert "offset=4" in first["next"]
    assert (second["count"], second["offset"], second["next"]) == (6, 4, None)
    assert second["previous"] is not None
    emails = [user["email"] for user in first["results"] + second["results"]]
    assert emails == [f"{name}@example.com" for name in expected]


def test_the_default_page_is_bounded(superuser_token_client):
    UserFactory.create_batch(25)

    page = data_of(superuser_token_client.get(reverse("v1:user-list")))

    assert page["count"] == 26
    assert page["limit"] == 20
    assert len(page["results"]) == 20


def test_the_list_query_count_does_not_grow_with_the_page(superuser_token_client):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = superuser_token_client.get(reverse("v1:user-list"))
        data_of(response)
        return len(captured)

    CustomerFactory.create_batch(2)
    few = queries_for_list()
    for user in CustomerFactory.create_batch(8):
        user.groups.add(Group.objects.get(name=ORDER_MANAGERS))

    assert queries_for_list() == few


# Deactivation -----------------------------------------------------------------------------------------------------


def test_deactivating_a_user_locks_them_out_at_once(superuser_token_client, target):
    victim = APIClient()
    pair = data_of(victim.post(reverse("v1:token-obtain"), {"email": target.email, "password": PASSWORD}))
    victim.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    data_of(victim.get(reverse("v1:me")))

    response = superuser_token_client.patch(detail_url(target), {"is_active": False})

    assert data_of(response)["is_active"] is False
    error_of(victim.get(reverse("v1:me")), 401, "token_not_valid")
    error_of(APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}), 401, "token_not_valid")
    login = APIClient().post(reverse("v1:token-obtain"), {"email": target.email, "password": PASSWORD})
    error_of(login, 401, "not_authenticated")


def test_a_reactivated_user_can_sign_in_again(superuser_token_client, target):
    assert data_of(superuser_token_client.patch(detail_url(target), {"is_active": False}))["is_active"] is False

    response = superuser_token_client.patch(detail_url(target), {"is_active": True})

    assert data_of(response)["is_active"] is True
    target.refresh_from_db()
    assert target.is_active
    assert data_of(token_client(target).get(reverse("v1:me")))["email"] == target.email


def test_nobody_deactivates_their_own_account(db):
    admin = SuperuserFactory(email="root@example.com")
    client = token_client(admin)

    response = client.patch(detail_url(admin), {"is_active": False})

    assert error_of(response, 400, "validation_error")["details"] == {
        "is_active": ["You cannot deactivate your own account; another administrator can."]
    }
    admin.refresh_from_db()
    assert admin.is_active
    assert data_of(client.get(reverse("v1:me")))["email"] == "root@example.com"


def test_another_administrator_can_deactivate_an_administrator(superuser_token_client):
    other = SuperuserFactory(email="other-root@example.com")

    assert data_of(superuser_token_client.patch(detail_url(other), {"is_active": False}))["is_active"] is False


def test_an_administrator_may_send_their_own_account_active(db):
    admin = SuperuserFactory(email="root@example.com")

    response = token_client(admin).patch(detail_url(admin), {"is_active": True, "roles": [CUSTOMERS]})

    assert data_of(response)["roles"] == [CUSTOMERS]


@pytest.mark.parametrize("flag", ["is_active", "is_staff", "is_superuser"])
def test_the_admin_shows_no_access_boxes_on_ones_own_account(client, target, flag):
    admin = SuperuserFactory(email="root@example.com")
    client.force_login(admin)

    own = client.get(reverse("admin:accounts_user_change", args=[admin.pk]))
    other = client.get(reverse("admin:accounts_user_change", args=[target.pk]))

    assert own.status_code == other.status_code == 200
    assert f'name="{flag}"' not in own.content.decode()
    assert f'name="{flag}"' in other.content.decode()


def test_nobody_deletes_their_own_account_in_the_admin(client, target):
    admin = SuperuserFactory(email="root@example.com")
    client.force_login(admin)

    alone = client.post(reverse("admin:accounts_user_delete", args=[admin.pk]), {"post": "yes"})
    selected = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [admin.pk, target.pk], "post": "yes"},
    )

    assert alone.status_code == selected.status_code == 403  # a selection holding one's own account is refused whole
    assert User.objects.filter(pk__in=[admin.pk, target.pk]).count() == 2


def test_deleting_selected_users_in_the_admin_forgets_their_identity_snapshots(client, target):
    admin = SuperuserFactory(email="root@example.com")
    client.force_login(admin)
    key = snapshot_key(target.pk)
    cache.set(key, {"id": target.pk})

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=target.pk).exists()
    assert cache.get(key) == FORGOTTEN


# Roles ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def new_book(db):
    return {
        "title": "The Idiot",
        "slug": "the-idiot",
        "isbn": "9780140447927",
        "language": "en",
        "pages": 656,
        "format": "paperback",
        "publisher": PublisherFactory().pk,
        "authors": [{"id": AuthorFactory().pk, "role": "author"}],
        "genres": [],
        "price": "10.99",
        "currency": "GBP",
        "stock": 3,
    }


def test_assigning_the_catalog_managers_role_lets_the_user_create_a_book(superuser_token_client, target, new_book):
    target_client = token_client(target)
    error_of(target_client.post(reverse("v1:book-list"), new_book), 403, "permission_denied")

    response = superuser_token_client.patch(detail_url(target), {"roles": [CATALOG_MANAGERS]})

    assert data_of(response)["roles"] == [CATALOG_MANAGERS]
    assert role_names(target) == [CATALOG_MANAGERS]
    created = target_client.post(reverse("v1:book-list"), new_book)
    assert data_of(created, 201)["title"] == "The Idiot"
    assert Book.objects.filter(slug="the-idiot").exists()


def test_roles_are_set_as_a_whole(superuser_token_client, target):
    response = superuser_token_client.patch(detail_url(target), {"roles": [CUSTOMERS, ORDER_MANAGERS]})

    assert sorted(data_of(response)["roles"]) == [CUSTOMERS, ORDER_MANAGERS]
    assert role_names(target) == [CUSTOMERS, ORDER_MANAGERS]

    response = superuser_token_client.patch(detail_url(target), {"roles": []})

    assert data_of(response)["roles"] == []
    assert role_names(target) == []


@pytest.mark.parametrize(
    "roles",
    [
        pytest.param(["wizards"], id="unknown-name"),
        pytest.param([CUSTOMERS, "wizards"], id="one-unknown-among-known"),
        pytest.param(["auditors"], id="a-group-that-is-no-role"),
        pytest.param("catalog_managers", id="not-a-list"),
    ],
)
def test_an_unknown_role_is_refused_and_changes_nothing(superuser_token_client, target, roles):
    Group.objects.create(name="auditors")

    response = superuser_token_client.patch(detail_url(target), {"roles": roles})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["roles"]
    assert role_names(target) == [CUSTOMERS]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"is_staff": True}, 200, id="is_staff-read-only"),
        pytest.param({"email": "hijack@example.com"}, 200, id="email-read-only"),
        pytest.param({"is_superuser": True}, 400, id="is_superuser"),
        pytest.param({"password": "hijacked-password-123"}, 400, id="password"),
        pytest.param({"groups": [1]}, 400, id="groups"),
        pytest.param({"token_version": 7}, 400, id="token_version"),
    ],
)
def test_staff_cannot_set_fields_outside_activation_and_roles(superuser_token_client, target, body, status):
    before = User.objects.filter(pk=target.pk).values().get()

    response = superuser_token_client.patch(detail_url(target), body)

    if status == 400:
        assert list(error_of(response, 400, "validation_error")["details"]) == list(body)
    else:
        assert data_of(response)["email"] == "target@example.com"
    assert User.objects.filter(pk=target.pk).values().get() == before
    assert role_names(target) == [CUSTOMERS]


# Deactivation and tokens -------------------------------------------------------------------------------------------


def test_reactivation_does_not_revive_tokens_issued_before_deactivation(api_client, superuser):
    user = CustomerFactory()
    pair = data_of(
        api_client.post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}, format="json")
    )
    staff = APIClient()
    staff.force_authenticate(superuser)
    detail = reverse("v1:user-detail", args=[user.pk])
    data_of(staff.patch(detail, {"is_active": False}, format="json"))
    data_of(staff.patch(detail, {"is_active": True}, format="json"))

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    error_of(api_client.get(reverse("v1:me")), 401, "token_not_valid")
    refreshed = APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}, format="json")
    error_of(refreshed, 401, "token_not_valid")
    fresh = APIClient().post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}, format="json")
    assert set(data_of(fresh)) == {"access", "refresh"}
