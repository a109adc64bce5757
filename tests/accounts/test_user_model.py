"""The custom User: email is the login, unique in any letter case."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction

from tests.factories import PASSWORD, UserFactory

User = get_user_model()


@pytest.mark.parametrize("second", ["A@x.com", "a@X.COM", "a@x.com"])
def test_email_is_unique_in_any_letter_case(db, second):
    User.objects.create_user("a@x.com", "pw-one-1234")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(second, "pw-two-1234")

    assert User.objects.count() == 1


def test_create_user(db):
    user = User.objects.create_user("Reader@EXAMPLE.COM", "s3cret-pass", first_name="Ada")

    user.refresh_from_db()
    assert user.email == "Reader@example.com"
    assert user.check_password("s3cret-pass")
    assert user.first_name == "Ada"
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assert str(user) == "Reader@example.com"


def test_create_user_without_a_password_cannot_log_in(db):
    user = User.objects.create_user("nopass@example.com")

    assert not user.has_usable_password()


def test_create_user_needs_an_email(db):
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "s3cret-pass")

    assert not User.objects.exists()


def test_create_superuser(db):
    user = User.objects.create_superuser("boss@example.com", "s3cret-pass")

    assert user.is_staff
    assert user.is_superuser
    assert user.check_password("s3cret-pass")
    assert user.has_perm("catalog.delete_book")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_create_superuser_refuses_to_drop_its_flags(db, flag):
    with pytest.raises(ValueError, match="superuser"):
        User.objects.create_superuser("boss@example.com", "s3cret-pass", **{flag: False})

    assert not User.objects.exists()


@pytest.mark.parametrize("typed", ["reader@example.com", "READER@EXAMPLE.COM", "Reader@Example.Com"])
def test_login_by_email_in_any_letter_case(db, typed):
    user = UserFactory(email="reader@example.com")

    assert authenticate(email=typed, password=PASSWORD) == user


def test_login_with_a_wrong_password_fails(db):
    UserFactory(email="reader@example.com")

    assert authenticate(email="reader@example.com", password="wrong-password") is None
