"""/api/v1/auth/token/ and /auth/token/refresh/: email + password for a JWT pair, in the envelope."""

import pytest
from django.urls import reverse

from catalog.models import Author
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, CatalogManagerFactory, CustomerFactory


def obtain(client, email, password=PASSWORD):
    return client.post(reverse("v1:token-obtain"), {"email": email, "password": password})


@pytest.mark.parametrize("email", ["reader@example.com", "READER@example.com", "Reader@Example.COM"])
def test_obtain_a_token_pair_with_email_in_any_letter_case(api_client, reader, email):
    response = obtain(api_client, email)

    pair = data_of(response)
    assert set(pair) == {"access", "refresh"}
    assert all(isinstance(token, str) and token.count(".") == 2 for token in pair.values())


def test_obtain_records_the_login(api_client, reader):
    assert reader.last_login is None

    obtain(api_client, "reader@example.com")

    reader.refresh_from_db()
    assert reader.last_login is not None


def test_wrong_password_and_unknown_email_answer_alike(api_client, reader):
    wrong_password = obtain(api_client, "reader@example.com", "not-the-password")
    unknown_email = obtain(api_client, "nobody@example.com")

    wrong_password_error = error_of(wrong_password, 401, "not_authenticated")
    unknown_email_error = error_of(unknown_email, 401, "not_authenticated")
    assert wrong_password_error["message"] == unknown_email_error["message"]
    assert wrong_password.content == unknown_email.content


def test_an_inactive_user_gets_no_token(api_client, db):
    CustomerFactory(email="gone@example.com", is_active=False)

    response = obtain(api_client, "gone@example.com")

    error_of(response, 401, "not_authenticated")


@pytest.mark.parametrize("missing", ["email", "password"])
def test_obtain_needs_email_and_password(api_client, reader, missing):
    body = {"email": "reader@example.com", "password": PASSWORD}
    del body[missing]

    response = api_client.post(reverse("v1:token-obtain"), body)

    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [missing]


def test_refresh_gives_a_new_access_token(api_client, reader):
    pair = data_of(obtain(api_client, "reader@example.com"))

    response = api_client.post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]})

    assert data_of(response)["access"] != pair["access"]


def test_a_refresh_token_works_once(api_client, reader):
    refresh = data_of(obtain(api_client, "reader@example.com"))["refresh"]
    first = api_client.post(reverse("v1:token-refresh"), {"refresh": refresh})

    replay = api_client.post(reverse("v1:token-refresh"), {"refresh": refresh})

    assert data_of(first)["refresh"] != refresh
    error_of(replay, 401, "token_not_valid")
    rotated = api_client.post(reverse("v1:token-refresh"), {"refresh": data_of(first)["refresh"]})
    assert set(data_of(rotated)) == {"access", "refresh"}


def test_a_refreshed_access_token_authenticates(api_client, db):
    manager = CatalogManagerFactory()
    pair = data_of(obtain(api_client, manager.email))
    access = data_of(api_client.post(reverse("v1:token-refresh"), {"refresh": pair["refresh"]}))["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.post(reverse("v1:author-list"), {"name": "Refreshed", "sort_name": "Refreshed"})

    assert data_of(response, 201)["name"] == "Refreshed"


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_a_garbage_refresh_token_is_refused(api_client, db, token):
    response = api_client.post(reverse("v1:token-refresh"), {"refresh": token})

    error_of(response, 401, "token_not_valid")


def test_an_access_token_is_no_refresh_token(api_client, reader):
    pair = data_of(obtain(api_client, "reader@example.com"))

    response = api_client.post(reverse("v1:token-refresh"), {"refresh": pair["access"]})

    error_of(response, 401, "token_not_valid")


def test_an_access_token_authorises_a_catalog_managers_write(api_client, db):
    manager = CatalogManagerFactory()
    access = data_of(obtain(api_client, manager.email.upper()))["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.post(reverse("v1:author-list"), {"name": "Mary Shelley", "sort_name": "Shelley, Mary"})

    assert data_of(response, 201)["name"] == "Mary Shelley"
    assert Author.objects.filter(name="Mary Shelley").exists()


def test_a_customers_access_token_does_not_authorise_a_catalog_write(api_client, reader):
    access = data_of(obtain(api_client, "reader@example.com"))["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.post(reverse("v1:author-list"), {"name": "Mary Shelley", "sort_name": "Shelley, Mary"})

    error_of(response, 403, "permission_denied")
    assert not Author.objects.exists()


def test_a_refresh_token_is_no_access_token(api_client, db):
    manager = CatalogManagerFactory()
    refresh = data_of(obtain(api_client, manager.email))["refresh"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh}")

    response = api_client.post(reverse("v1:author-list"), {"name": "Mary Shelley", "sort_name": "Shelley, Mary"})

    error_of(response, 401, "token_not_valid")
    assert not Author.objects.exists()
