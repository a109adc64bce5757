"""/api/v1/users/me/: the signed-in user reads their profile and changes names and email, nothing else (who may
call it: tests/accounts/test_permissions.py)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import CATALOG_MANAGERS
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, CustomerFactory

User = get_user_model()

JOINED = datetime(2024, 3, 1, 9, 30, 15, tzinfo=UTC)


@pytest.fixture
def member(db):
    """A customer whose own profile the tests read and change."""
    return CustomerFactory(email="member@example.com", first_name="Ada", last_name="Byron", date_joined=JOINED)


@pytest.fixture
def member_client(member):
    """A client that sends the member's access token, obtained from the token endpoint."""
    client = APIClient()
    response = client.post(reverse("v1:token-obtain"), {"email": member.email, "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data_of(response)['access']}")
    return client


def snapshot(user):
    """Everything about an account that /users/me/ must never change."""
    user = User.objects.get(pk=user.pk)
    return {
        "pk": user.pk,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "password": user.password,
        "token_version": user.token_version,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


def test_me_shows_the_signed_in_users_profile(member_client, member):
    CustomerFactory(email="someone.else@example.com")

    response = member_client.get(reverse("v1:me"))

    assert data_of(response) == {
        "id": member.pk,
        "email": "member@example.com",
        "first_name": "Ada",
        "last_name": "Byron",
        "roles": ["customers"],
        "is_staff": False,
        "date_joined": "2024-03-01T09:30:15Z",
    }
    assert "password" not in response.content.decode()


def test_patch_changes_the_names(member_client, member):
    response = member_client.patch(reverse("v1:me"), {"first_name": "Augusta", "last_name": "King"})

    data = data_of(response)
    assert (data["first_name"], data["last_name"]) == ("Augusta", "King")
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Augusta", "King")


def test_patch_changes_the_email_with_the_current_password_and_the_new_one_logs_in(member_client, member):
    response = member_client.patch(
        reverse("v1:me"), {"email": "Countess@LOVELACE.example", "current_password": PASSWORD}
    )

    # The answer is the profile (what a PATCH of the resource answers); the caller signs in again.
    data = data_of(response)
    assert data["email"] == "Countess@lovelace.example"
    assert "current_password" not in data
    member.refresh_from_db()
    assert member.email == "Countess@lovelace.example"
    login = APIClient().post(reverse("v1:token-obtain"), {"email": "countess@lovelace.example", "password": PASSWORD})
    assert set(data_of(login)) == {"access", "refresh"}
    old_login = APIClient().post(reverse("v1:token-obtain"), {"email": "member@example.com", "password": PASSWORD})
    error_of(old_login, 401, "not_authenticated")


def test_an_email_change_revokes_the_earlier_access_and_refresh_tokens(member):
    pair = APIClient().post(reverse("v1:token-obtain"), {"email": member.email, "password": PASSWORD}).json()["data"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    data_of(client.patch(reverse("v1:me"), {"email": "ada@lovelace.example", "current_password": PASSWORD}))

    error_of(client.get(reverse("v1:me")), 401, "token_not_valid")
    refreshed = APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]})
    error_of(refreshed, 401, "token_not_valid")
    # A new login works and its token does.
    new_pair = APIClient().post(reverse("v1:token-obtain"), {"email": "ada@lovelace.example", "password": PASSWORD})
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {data_of(new_pair)['access']}")
    assert data_of(fresh.get(reverse("v1:me")))["email"] == "ada@lovelace.example"


@pytest.mark.parametrize(
    ("current_password", "message"),
    [
        pytest.param(None, "The current password is required to change the email address.", id="missing"),
        pytest.param("not-the-password", "The current password is not correct.", id="wrong"),
        pytest.param("", "This field may not be blank.", id="blank"),
    ],
)
def test_an_email_change_without_the_right_current_password_is_refused(
    member_client, member, current_password, message
):
    before = snapshot(member)
    body = {"email": "mallory@example.com", "first_name": "Mallory"}
    if current_password is not None:
        body["current_password"] = current_password

    response = member_client.patch(reverse("v1:me"), body)

    assert error_of(response, 400, "validation_error")["details"] == {"current_password": [message]}
    member.refresh_from_db()
    assert (member.email, member.first_name) == ("member@example.com", "Ada")
    assert snapshot(member) == before
    assert member_client.get(reverse("v1:me")).status_code == 200  # nothing revoked


def test_the_unchanged_email_sent_back_needs_no_password_and_revokes_nothing(member_client, member):
    before = snapshot(member)

    response = member_client.patch(reverse("v1:me"), {"email": "member@example.com", "first_name": "Augusta"})

    assert data_of(response)["first_name"] == "Augusta"
    assert snapshot(member)["token_version"] == before["token_version"]
    assert member_client.get(reverse("v1:me")).status_code == 200


def test_patch_may_change_the_letter_case_of_the_own_email(member_client, member):
    response = member_client.patch(reverse("v1:me"), {"email": "Member@example.com", "current_password": PASSWORD})

    assert data_of(response)["email"] == "Member@example.com"


@pytest.mark.parametrize("taken", ["taken@example.com", "TAKEN@example.com", "Taken@Example.COM"])
def test_patch_refuses_an_email_taken_in_any_letter_case(member_client, member, taken):
    CustomerFactory(email="taken@example.com")

    response = member_client.patch(reverse("v1:me"), {"email": taken, "current_password": PASSWORD})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["email"]
    member.refresh_from_db()
    assert member.email == "member@example.com"


@pytest.mark.parametrize("email", ["not-an-email", "", None])
def test_patch_refuses_an_invalid_email(member_client, member, email):
    response = member_client.patch(reverse("v1:me"), {"email": email, "current_password": PASSWORD})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["email"]
    member.refresh_from_db()
    assert member.email == "member@example.com"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # Read-only fields of the representation are accepted back unchanged, and ignored.
        pytest.param({"is_staff": True}, 200, id="is_staff"),
        pytest.param({"roles": [CATALOG_MANAGERS]}, 200, id="roles"),
        pytest.param({"date_joined": "2000-01-01T00:00:00Z"}, 200, id="date_joined"),
        pytest.param({"id": 999999}, 200, id="id"),
        # Fields outside the representation are refused.
        pytest.param({"is_superuser": True}, 400, id="is_superuser"),
        pytest.param({"is_active": False}, 400, id="is_active"),
        pytest.param({"groups": ["catalog_managers"]}, 400, id="groups-by-name"),
        pytest.param({"groups": [1, 2, 3]}, 400, id="groups-by-id"),
        pytest.param({"user_permissions": [1]}, 400, id="user_permissions"),
        pytest.param({"password": "hijacked-password-123"}, 400, id="password"),
        pytest.param({"token_version": 99}, 400, id="token_version"),
        pytest.param({"last_login": "2000-01-01T00:00:00Z"}, 400, id="last_login"),
    ],
)
def test_patch_of_a_protected_field_changes_nothing(member_client, member, body, status):
    before = snapshot(member)

    response = member_client.patch(reverse("v1:me"), body)

    if status == 400:
        assert list(error_of(response, 400, "validation_error")["details"]) == list(body)
    else:
        assert data_of(response)["email"] == "member@example.com"
    assert snapshot(member) == before
    assert data_of(member_client.get(reverse("v1:me")))["roles"] == ["customers"]


def test_a_refused_field_refuses_the_whole_patch(member_client, member):
    before = snapshot(member)

    response = member_client.patch(reverse("v1:me"), {"first_name": "Mallory", "is_superuser": True})

    error_of(response, 400, "validation_error")
    member.refresh_from_db()
    assert member.first_name == "Ada"
    assert snapshot(member) == before


def test_an_ignored_field_does_not_stop_a_name_change(member_client, member):
    before = snapshot(member)

    response = member_client.patch(reverse("v1:me"), {"first_name": "Augusta", "is_staff": True})

    assert data_of(response)["is_staff"] is False
    member.refresh_from_db()
    assert member.first_name == "Augusta"
    assert snapshot(member) == before


def test_a_catalog_write_stays_forbidden_after_a_role_patch(member_client, member):
    member_client.patch(reverse("v1:me"), {"roles": [CATALOG_MANAGERS]})

    response = member_client.post(reverse("v1:author-list"), {"name": "Mallory", "sort_name": "Mallory"})

    error_of(response, 403, "permission_denied")
