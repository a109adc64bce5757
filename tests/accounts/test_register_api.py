"""POST /api/v1/auth/register/: a new customer account, never a password or hash in the answer."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from bookstore.settings import base as base_settings
from tests.envelope import data_of, error_of
from tests.factories import UserFactory

User = get_user_model()

STRONG_PASSWORD = "violet-lantern-harbour-917"


@pytest.fixture
def signup():
    """A valid registration body."""
    return {
        "email": "New.Reader@EXAMPLE.com",
        "password": STRONG_PASSWORD,
        "first_name": "Grace",
        "last_name": "Hopper",
    }


def register(client, body):
    return client.post(reverse("v1:register"), body)


def assert_validation_error(response, *fields):
    """A 400 "validation_error" envelope whose details name exactly these fields; answers the details."""
    error = error_of(response, 400, "validation_error")
    assert set(error["details"]) == set(fields)
    return error["details"]


def test_register_creates_a_customer(api_client, db, signup):
    response = register(api_client, signup)

    data = data_of(response, 201)
    user = User.objects.get()
    assert data == {
        "id": user.pk,
        "email": "New.Reader@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "roles": ["customers"],
        "is_staff": False,
        "date_joined": data["date_joined"],
    }
    assert data["date_joined"].endswith("Z")
    # The new user can read their own profile there (users/<id>/ is for staff).
    assert urlsplit(response["Location"]).path == reverse("v1:me")
    assert list(user.groups.values_list("name", flat=True)) == ["customers"]
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser


def test_register_never_answers_the_password_or_its_hash(api_client, db, signup):
    response = register(api_client, signup)

    data_of(response, 201)
    text = response.content.decode()
    stored_hash = User.objects.get().password
    assert "password" not in text.lower()
    assert STRONG_PASSWORD not in text
    assert stored_hash not in text
    assert stored_hash.split("$")[-1] not in text


def test_registered_password_is_stored_hashed(api_client, db, signup):
    register(api_client, signup)

    user = User.objects.get()
    assert user.password != STRONG_PASSWORD
    assert STRONG_PASSWORD not in user.password
    assert user.check_password(STRONG_PASSWORD)


def test_base_settings_hash_passwords_with_argon2_first():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_register_under_base_hashers_stores_an_argon2_hash(api_client, db, signup):
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        response = register(api_client, signup)

        data_of(response, 201)
        user = User.objects.get()
        assert user.password.startswith("argon2")
        assert user.check_password(STRONG_PASSWORD)


def test_a_registered_user_logs_in_with_the_email_in_any_letter_case(api_client, db, signup):
    register(api_client, signup)

    response = api_client.post(
        reverse("v1:token-obtain"), {"email": "new.reader@example.COM", "password": STRONG_PASSWORD}
    )

    assert set(data_of(response)) == {"access", "refresh"}


@pytest.mark.parametrize("taken", ["new.reader@example.com", "NEW.READER@EXAMPLE.COM", "New.Reader@example.com"])
def test_register_refuses_an_email_taken_in_any_letter_case(api_client, db, signup, taken):
    existing = UserFactory(email=taken)

    response = register(api_client, signup)

    details = assert_validation_error(response, "email")
    assert "already exists" in details["email"][0]
    assert list(User.objects.all()) == [existing]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        pytest.param("Xq7!pz", "too short", id="too-short"),
        pytest.param("qwertyuiop", "too common", id="too-common"),
        pytest.param("5830291746381", "entirely numeric", id="numeric"),
        pytest.param("new.reader.example", "too similar to the email", id="similar-to-email"),
    ],
)
def test_register_refuses_a_weak_password(api_client, db, signup, password, message):
    response = register(api_client, {**signup, "password": password})

    details = assert_validation_error(response, "password")
    assert any(message in text for text in details["password"]), details
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        pytest.param({"password": None}, {"password"}, id="missing-password"),
        pytest.param({"email": None}, {"email"}, id="missing-email"),
        pytest.param({"password": ""}, {"password"}, id="blank-password"),
        pytest.param({"email": "not-an-email"}, {"email"}, id="invalid-email"),
        pytest.param({"email": "reader@"}, {"email"}, id="email-without-domain"),
        pytest.param({"is_staff": True}, {"is_staff"}, id="unknown-field-is-staff"),
        pytest.param({"is_superuser": True}, {"is_superuser"}, id="unknown-field-is-superuser"),
        pytest.param({"groups": ["catalog_managers"]}, {"groups"}, id="unknown-field-groups"),
    ],
)
def test_register_refuses_bad_input_and_creates_nobody(api_client, db, signup, change, fields):
    body = {**signup, **change}
    body = {key: value for key, value in body.items() if value is not None}

    response = register(api_client, body)

    assert_validation_error(response, *fields)
    assert not User.objects.exists()


@pytest.mark.parametrize("body", [pytest.param(None, id="no-body"), pytest.param({}, id="empty-object")])
def test_register_with_an_empty_body_names_the_required_fields(api_client, db, body):
    response = register(api_client, body)

    assert_validation_error(response, "email", "password")
    assert not User.objects.exists()
