"""accounts/services.py called directly: registration makes a customer, and every way of revoking tokens (one
refresh token, all of a user's, deactivation, a new password) does exactly what it says and no more."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.roles import CUSTOMERS
from accounts.services import (
    refresh_token_revoke,
    user_change_password,
    user_register,
    user_revoke_tokens,
    user_set_active,
)
from accounts.tokens import UserRefreshToken, user_for_token
from tests.factories import PASSWORD, CustomerFactory

User = get_user_model()

NEW_PASSWORD = "amber-otter-lighthouse-582"


def blacklisted_jtis():
    return set(BlacklistedToken.objects.values_list("token__jti", flat=True))


def token_rows():
    """Every token row the services write."""
    return (
        list(OutstandingToken.objects.order_by("pk").values()),
        list(BlacklistedToken.objects.order_by("pk").values()),
    )


def token_version(user):
    return User.objects.get(pk=user.pk).token_version


@pytest.fixture
def user(db):
    return CustomerFactory()


@pytest.fixture
def sessions(user):
    """Two refresh tokens of the user, as two logins would issue them."""
    return [UserRefreshToken.for_user(user), UserRefreshToken.for_user(user)]


# user_register -------------------------------------------------------------------------------------------------


def test_user_register_makes_a_customer(db):
    user = user_register(email="Grace@EXAMPLE.com", password=NEW_PASSWORD, first_name="Grace", last_name="Hopper")

    stored = User.objects.get(pk=user.pk)
    assert (stored.email, stored.first_name, stored.last_name) == ("Grace@example.com", "Grace", "Hopper")
    assert list(stored.groups.values_list("name", flat=True)) == [CUSTOMERS]
    assert stored.check_password(NEW_PASSWORD)
    assert stored.is_active
    assert not stored.is_staff
    assert not stored.is_superuser


def test_user_register_with_a_taken_email_writes_nothing(user):
    before = list(User.objects.order_by("pk").values())
    memberships = list(User.groups.through.objects.order_by("pk").values())

    with pytest.raises(IntegrityError):
        user_register(email=user.email.upper(), password=NEW_PASSWORD)

    assert list(User.objects.order_by("pk").values()) == before
    assert list(User.groups.through.objects.order_by("pk").values()) == memberships


# refresh_token_revoke ------------------------------------------------------------------------------------------


def test_refresh_token_revoke_blacklists_that_token_only(user, sessions):
    laptop, phone = sessions

    refresh_token_revoke(token=laptop, user=user)

    assert blacklisted_jtis() == {laptop["jti"]}
    assert token_version(user) == 0


def test_refresh_token_revoke_twice_raises_and_writes_nothing_more(user, sessions):
    laptop, _ = sessions
    refresh_token_revoke(token=laptop, user=user)
    before = token_rows()

    with pytest.raises(TokenError):
        refresh_token_revoke(token=laptop, user=user)

    assert token_rows() == before


# user_revoke_tokens --------------------------------------------------------------------------------------------


def test_user_revoke_tokens_bumps_the_version_and_blacklists_unexpired_refresh_tokens(user, sessions):
    expired = OutstandingToken.objects.create(
        user=user, jti="expired-jti", token="expired", expires_at=timezone.now() - timedelta(minutes=1)
    )
    other = CustomerFactory()
    others_token = UserRefreshToken.for_user(other)

    user_revoke_tokens(user=user)

    assert token_version(user) == 1
    assert user.token_version == 1
    assert blacklisted_jtis() == {token["jti"] for token in sessions}
    assert not BlacklistedToken.objects.filter(token=expired).exists()
    assert token_version(other) == 0
    assert user_for_token(others_token) == other
    for token in sessions:
        with pytest.raises(TokenError):
            user_for_token(token)


def test_user_revoke_tokens_with_one_token_already_revoked(user, sessions):
    refresh_token_revoke(token=sessions[0], user=user)

    user_revoke_tokens(user=user)

    assert blacklisted_jtis() == {token["jti"] for token in sessions}
    assert BlacklistedToken.objects.count() == 2
    assert token_version(user) == 1


# user_set_active -----------------------------------------------------------------------------------------------


def test_deactivating_a_user_revokes_their_tokens(user, sessions):
    user_set_active(user=user, is_active=False)

    stored = User.objects.get(pk=user.pk)
    assert not stored.is_active
    assert stored.token_version == 1
    assert blacklisted_jtis() == {token["jti"] for token in sessions}


def test_reactivating_a_user_revokes_nothing_and_revives_nothing(user, sessions):
    user_set_active(user=user, is_active=False)
    before = token_rows()

    user_set_active(user=user, is_active=True)

    stored = User.objects.get(pk=user.pk)
    assert stored.is_active
    assert stored.token_version == 1
    assert token_rows() == before
    for token in sessions:
        with pytest.raises(TokenError):
            user_for_token(token)


def test_activating_an_active_user_revokes_nothing(user, sessions):
    before = token_rows()

    user_set_active(user=user, is_active=True)

    assert User.objects.get(pk=user.pk).is_active
    assert token_version(user) == 0
    assert token_rows() == before


# user_change_password ------------------------------------------------------------------------------------------


def test_user_change_password_revokes_every_earlier_token_and_answers_a_working_one(user, sessions):
    fresh = user_change_password(user=user, new_password=NEW_PASSWORD)

    stored = User.objects.get(pk=user.pk)
    assert stored.check_password(NEW_PASSWORD)
    assert not stored.check_password(PASSWORD)
    assert stored.token_version == 1
    assert blacklisted_jtis() == {token["jti"] for token in sessions}
    assert user_for_token(fresh) == user
    for token in sessions:
        with pytest.raises(TokenError):
            user_for_token(token)
