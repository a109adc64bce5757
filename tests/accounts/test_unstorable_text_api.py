"""Strings PostgreSQL cannot store (a NUL character, a lone surrogate) are a 400 naming the field on every
accounts endpoint, before any query runs: never a 500."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from tests.envelope import error_of
from tests.factories import PASSWORD, SuperuserFactory, UserFactory

User = get_user_model()

UNSTORABLE = [
    pytest.param("\x00", "Null characters are not allowed.", id="nul"),
    pytest.param("\ud800", "Surrogate characters are not allowed: U+D800.", id="lone-surrogate"),
]


def send(client, method, url, body):
    """The body as JSON text: `\\u0000` and `\\ud800` escapes are valid JSON that decode to these strings."""
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def assert_refused(response, field, message):
    assert error_of(response, 400, "validation_error")["details"] == {field: [message]}


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.com", first_name="Ada")


@pytest.fixture
def member_client(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize("field", ["email", "password", "first_name", "last_name"])
def test_register_refuses_unstorable_text(db, field, bad, message):
    body = {"email": "new@example.com", "password": "violet-lantern-harbour-917", "first_name": "Grace"}
    body[field] = f"new{bad}@example.com" if field == "email" else f"x{bad}y"

    response = send(APIClient(), "post", reverse("v1:register"), body)

    assert_refused(response, field, message)
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize("field", ["email", "first_name", "last_name", "current_password"])
def test_profile_patch_refuses_unstorable_text(member_client, member, field, bad, message):
    body = {"email": f"ada{bad}@example.com"} if field == "email" else {field: f"x{bad}y"}

    response = send(member_client, "patch", reverse("v1:me"), body)

    assert_refused(response, field, message)
    member.refresh_from_db()
    assert (member.email, member.first_name) == ("member@example.com", "Ada")


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize("field", ["current_password", "new_password"])
def test_password_change_refuses_unstorable_text(member_client, member, field, bad, message):
    body = {"current_password": PASSWORD, "new_password": "an-entirely-new-pass-phrase"}
    body[field] = f"x{bad}y"

    response = send(member_client, "post", reverse("v1:password-change"), body)

    assert_refused(response, field, message)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
def test_staff_roles_refuse_unstorable_text(member, bad, message):
    client = APIClient()
    client.force_authenticate(SuperuserFactory())

    response = send(client, "patch", reverse("v1:user-detail", args=[member.pk]), {"roles": [f"customers{bad}"]})

    assert_refused(response, "roles", message)
    assert list(member.groups.all()) == []


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
@pytest.mark.parametrize(
    ("url_name", "field", "body"),
    [
        ("v1:token-obtain", "email", {"email": "member@example.com", "password": PASSWORD}),
        ("v1:token-obtain", "password", {"email": "member@example.com", "password": PASSWORD}),
        ("v1:token-refresh", "refresh", {"refresh": "x"}),
        ("v1:token-verify", "token", {"token": "x"}),
        ("v1:logout", "refresh", {"refresh": "x"}),
    ],
)
def test_token_endpoints_refuse_unstorable_text(member, url_name, field, body, bad, message):
    body = {**body, field: f"{body[field]}{bad}"}

    response = send(APIClient(), "post", reverse(url_name), body)

    assert_refused(response, field, message)


@pytest.mark.parametrize(("bad", "message"), UNSTORABLE)
def test_an_unstorable_field_name_is_refused(member_client, bad, message):
    response = send(member_client, "patch", reverse("v1:me"), {f"first_name{bad}": "x"})

    assert_refused(response, "non_field_errors", f"Field names: {message}")
