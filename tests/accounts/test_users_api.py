"""/api/v1/users/: staff with the user permissions list users, (de)activate them and assign roles."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import CATALOG_MANAGERS, CUSTOMERS, ORDER_MANAGERS
from catalog.models import Book
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, AuthorFactory, CustomerFactory, PublisherFactory, SuperuserFactory, UserFactory

User = get_user_model()

JOINED = datetime(2024, 3, 1, 9, 30, 15, tzinfo=UTC)
ROLES = ["anonymous", "customer", "catalog_manager", "superuser"]
EXPECTED_STATUS = {"anonymous": 401, "customer": 403, "catalog_manager": 403, "superuser": 200}
EXPECTED_CODE = {
    "anonymous": "not_authenticated",
    "customer": "permission_denied",
    "catalog_manager": "permission_denied",
}


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
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['data']['access']}")
    return client


def detail_url(user):
    return reverse("v1:user-detail", args=[user.pk])


def role_names(user):
    return sorted(user.groups.values_list("name", flat=True))


# Permission matrix ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_permission_matrix(client_for, target, role):
    response = client_for(role).get(reverse("v1:user-list"))

    if EXPECTED_STATUS[role] == 200:
        assert target.email in [user["email"] for user in data_of(response)["results"]]
    else:
        error_of(response, EXPECTED_STATUS[role], EXPECTED_CODE[role])
        assert target.email not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_retrieve_permission_matrix(client_for, target, role):
    response = client_for(role).get(detail_url(target))

    if EXPECTED_STATUS[role] == 200:
        assert data_of(response)["email"] == target.email
    else:
        error_of(response, EXPECTED_STATUS[role], EXPECTED_CODE[role])
        assert target.email not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_patch_permission_matrix(client_for, target, role):
    response = client_for(role).patch(detail_url(target), {"is_active": False})

    target.refresh_from_db()
    if EXPECTED_STATUS[role] == 200:
        assert data_of(response)["is_active"] is False
        assert not target.is_active
    else:
        error_of(response, EXPECTED_STATUS[role], EXPECTED_CODE[role])
        assert target.is_active


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
        assert response.status_code == 200
        return len(captured)

    CustomerFactory.create_batch(2)
    few = queries_for_list()
    for user in CustomerFactory.create_batch(8):
        user.groups.add(Group.objects.get(name=ORDER_MANAGERS))

    assert queries_for_list() == few


# Deactivation -----------------------------------------------------------------------------------------------------


def test_deactivating_a_user_locks_them_out_at_once(superuser_token_client, target):
    victim = APIClient()
    pair = victim.post(reverse("v1:token-obtain"), {"email": target.email, "password": PASSWORD}).json()["data"]
    victim.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert victim.get(reverse("v1:me")).status_code == 200

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

    assert response.status_code == status, response.content
    assert User.objects.filter(pk=target.pk).values().get() == before
    assert role_names(target) == [CUSTOMERS]


# Methods ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        pytest.param("post", lambda user: reverse("v1:user-list"), id="post-list"),
        pytest.param("put", detail_url, id="put-detail"),
        pytest.param("delete", detail_url, id="delete-detail"),
    ],
)
def test_create_replace_and_delete_are_not_allowed(superuser_token_client, target, method, url):
    body = {"email": "new@example.com", "first_name": "N", "last_name": "U", "roles": [], "is_active": False}

    response = getattr(superuser_token_client, method)(url(target), body)

    error_of(response, 405, "method_not_allowed")
    target.refresh_from_db()
    assert target.is_active
    assert not User.objects.filter(email="new@example.com").exists()


def test_reactivation_does_not_revive_tokens_issued_before_deactivation(api_client, superuser):
    user = CustomerFactory()
    pair = api_client.post(
        reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}, format="json"
    ).json()["data"]
    staff = APIClient()
    staff.force_authenticate(superuser)
    detail = reverse("v1:user-detail", args=[user.pk])
    assert staff.patch(detail, {"is_active": False}, format="json").status_code == 200
    assert staff.patch(detail, {"is_active": True}, format="json").status_code == 200

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api_client.get(reverse("v1:me")).status_code == 401
    refreshed = APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}, format="json")
    assert refreshed.status_code == 401
    fresh = APIClient().post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}, format="json")
    assert fresh.status_code == 200
