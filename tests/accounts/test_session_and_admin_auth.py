"""Token revocation holds whichever way a user signs in or a password changes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, CustomerFactory, SuperuserFactory

NEW_PASSWORD = "an-entirely-new-pass-phrase"


@pytest.fixture
def user(db):
    """A customer with a password, who signs in both ways."""
    return CustomerFactory()


def token_pair(user):
    response = APIClient().post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}, format="json")
    return data_of(response)


def me_with(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(reverse("v1:me"))


def test_logout_all_from_a_browser_session_revokes_the_tokens(user):
    pair = token_pair(user)
    session = APIClient()
    session.force_login(user)

    response = session.post(reverse("v1:logout-all"))

    assert data_of(response) is None
    error_of(me_with(pair["access"]), 401, "token_not_valid")


def test_password_change_from_a_browser_session_works_and_revokes_the_tokens(user):
    pair = token_pair(user)
    session = APIClient()
    session.force_login(user)

    response = session.post(
        reverse("v1:password-change"),
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    error_of(me_with(pair["access"]), 401, "token_not_valid")
    data_of(me_with(data_of(response)["access"]))


def test_a_password_set_in_the_admin_revokes_the_users_tokens(client, user):
    pair = token_pair(user)
    client.force_login(SuperuserFactory())

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    error_of(me_with(pair["access"]), 401, "token_not_valid")
    refreshed = APIClient().post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}, format="json")
    error_of(refreshed, 401, "token_not_valid")


def test_a_password_set_outside_the_api_revokes_the_users_tokens(user):
    """`manage.py changepassword` and any other set_password() path count, too."""
    pair = token_pair(user)
    user.set_password(NEW_PASSWORD)
    user.save()
    error_of(me_with(pair["access"]), 401, "token_not_valid")
