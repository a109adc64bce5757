"""The exception handler: domain errors and Django's ValidationError become envelopes, through the whole stack."""

import pytest
from django.db import connection
from django.urls import reverse

from bookstore.api import errors
from catalog.models import Publisher
from tests.envelope import error_of

pytestmark = [pytest.mark.urls("tests.api.urls"), pytest.mark.django_db]


def test_domain_error_answers_its_status_code_message_and_details(api_client):
    error = error_of(api_client.post(reverse("raise-domain")), 409, "insufficient_stock")
    assert error == {
        "code": "insufficient_stock",
        "message": "Not enough copies in stock.",
        "details": {"lines": [{"book": 1, "requested": 3}]},
    }


def test_domain_error_without_arguments_uses_its_class_defaults(api_client):
    error = error_of(api_client.post(reverse("raise-domain-default")), 400, "invalid_request")
    assert error["message"] == errors.InvalidRequest.message
    assert error["details"] is None


def test_django_validation_error_is_a_validation_error_with_field_details(api_client):
    error = error_of(api_client.post(reverse("raise-model-validation")), 400, "validation_error")
    assert error["details"] == {"stock": ["Too low."], "non_field_errors": ["Inconsistent."]}


def test_django_validation_error_without_fields_is_a_non_field_error(api_client):
    error = error_of(api_client.post(reverse("raise-plain-validation")), 400, "validation_error")
    assert error["details"] == {"non_field_errors": ["The cart is closed."]}


def test_unexpected_exception_is_a_generic_500_without_traceback(api_client):
    api_client.raise_request_exception = False
    error = error_of(api_client.post(reverse("raise-crash")), 500, "server_error")
    assert "boom" not in error["message"]
    assert error["details"] is None


def test_domain_error_needs_no_framework_to_raise_or_inspect():
    error = errors.Conflict("Already reviewed.", details={"review": 7})
    assert (error.code, error.status, error.message, error.details) == (
        "conflict",
        409,
        "Already reviewed.",
        {"review": 7},
    )
    assert str(error) == "Already reviewed."


# serialized_rollback: the role groups the migrations made are there again for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_domain_error_rolls_back_what_the_view_wrote(api_client, monkeypatch):
    """DRF's default handler marks the request's transaction for rollback: a service that wrote and then
    refused leaves nothing behind."""
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    error_of(api_client.post(reverse("raise-after-write")), 409, "conflict")
    assert not Publisher.objects.filter(slug="half-written").exists()
