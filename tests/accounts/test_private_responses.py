"""Answers about one user, or carrying their tokens, are never stored by a cache and vary with the credentials."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age
from rest_framework.test import APIClient

from tests.factories import PASSWORD, SuperuserFactory


def assert_private(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]
    assert get_max_age(response) is None
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept", "authorization", "cookie"} <= vary, response["Vary"]


@pytest.fixture
def staff_client(db):
    client = APIClient()
    client.force_authenticate(SuperuserFactory(email="staff@example.com"))
    return client


@pytest.fixture
def pair(reader):
    return APIClient().post(reverse("v1:token-obtain"), {"email": reader.email, "password": PASSWORD}).json()["data"]


@pytest.fixture
def bearer(pair):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    return client


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_me_and_users(bearer, staff_client, reader, version):
    assert_private(bearer.get(reverse(f"{version}:me")))
    assert_private(bearer.patch(reverse(f"{version}:me"), {"first_name": "Ann"}))
    assert_private(staff_client.get(reverse(f"{version}:user-list")))
    assert_private(staff_client.get(reverse(f"{version}:user-detail", args=[reader.pk])))


def test_token_endpoints(reader, pair):
    client = APIClient()
    assert_private(client.post(reverse("v1:token-obtain"), {"email": reader.email, "password": PASSWORD}))
    assert_private(client.post(reverse("v1:token-verify"), {"token": pair["access"]}))
    refreshed = client.post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]})
    assert_private(refreshed)
    assert_private(client.post(reverse("v1:logout"), {"refresh": refreshed.json()["data"]["refresh"]}))


def test_register_password_change_and_logout_all(bearer):
    body = {"email": "new@example.com", "password": "violet-lantern-harbour-917"}
    assert_private(APIClient().post(reverse("v1:register"), body))
    body = {"current_password": PASSWORD, "new_password": "an-entirely-new-pass-phrase"}
    response = bearer.post(reverse("v1:password-change"), body)
    assert response.status_code == 200
    assert_private(response)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['data']['access']}")
    assert_private(client.post(reverse("v1:logout-all")))


def test_error_answers_too(reader):
    assert_private(APIClient().get(reverse("v1:me")))
    assert_private(APIClient().post(reverse("v1:token-obtain"), {"email": reader.email, "password": "wrong"}))


def test_the_public_catalog_is_not_marked_private(db):
    response = APIClient().get(reverse("v1:book-list"))

    assert "private" not in response.get("Cache-Control", "")
