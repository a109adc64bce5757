"""One exception handler shapes every error of the API into the envelope's `error` object.

Anything a view raises is first turned into a DRF `APIException` (domain errors, Django's own exceptions,
database failures); DRF's default handler then builds the response with its headers (`WWW-Authenticate`,
`Retry-After`) and rolls back the transaction; last, the body becomes the `error` object.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status, views
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework_simplejwt.exceptions import InvalidToken

from . import errors

logger = logging.getLogger(__name__)

RETRY_AFTER_UNAVAILABLE = 30


class DomainException(exceptions.APIException):
    """A service's DomainError on its way through DRF: its status, code, message and details."""

    def __init__(self, error: errors.DomainError):
        self.status_code = error.status
        self.error = error
        super().__init__(error.message, error.code)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Try again shortly."
    default_code = "service_unavailable"
    wait = RETRY_AFTER_UNAVAILABLE  # DRF's default handler sends it as Retry-After


class ServerError(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = "An unexpected error occurred. It has been logged."
    default_code = "server_error"


def exception_handler(exc, context):
    """Turn any exception raised in an API view into an error response in the envelope."""
    exc = as_api_exception(exc, context)
    response = views.exception_handler(exc, context)
    response.data = error_body(exc)
    return response


def as_api_exception(exc, context):
    """The APIException that stands for `exc`: DRF's default handler then answers it."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, errors.DomainError):
        return DomainException(exc)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() or a validator in a service: field -> messages, like a serializer's.
        detail = as_serializer_error(exc)
        if "__all__" in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
        return exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: the client's fault, not a crash.
        logger.warning("Suspicious request in %s: %s", context.get("view"), exc)
        return exceptions.ParseError(str(exc))
    if isinstance(exc, (ProtectedError, RestrictedError)):
        referrers = getattr(exc, "protected_objects", None) or exc.restricted_objects
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in referrers})
        return DomainException(errors.Conflict(f"It cannot be deleted while {', '.join(blockers)} still refer to it."))
    if isinstance(exc, IntegrityError):
        # A concurrent write won the race that the validators had checked.
        return DomainException(errors.Conflict())
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning(
            "Database unavailable in %s: %s", context.get("view"), exc, extra={"event": "service_unavailable"}
        )
        return ServiceUnavailable()
    if isinstance(exc, DatabaseError):
        logger.error("Database error in %s", context.get("view"), exc_info=exc, extra={"event": "server_error"})
        return ServerError()
    logger.error("Unhandled error in %s", context.get("view"), exc_info=exc, extra={"event": "server_error"})
    return ServerError()


def error_body(exc):
    """The `error` object: a stable code, one human sentence, and details where they help."""
    if isinstance(exc, DomainException):
        return {"code": exc.error.code, "message": exc.error.message, "details": exc.error.details}
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: detail}
        fields = ", ".join(details)
        return {"code": "validation_error", "message": f"Invalid input in: {fields}.", "details": details}
    if isinstance(exc, exceptions.AuthenticationFailed) and not isinstance(exc, InvalidToken):
        code = "not_authenticated"
    else:
        code = exc.default_code
    if isinstance(detail, dict):
        # SimpleJWT puts the sentence under "detail" and adds the failing token checks.
        rest = {key: value for key, value in detail.items() if key not in ("detail", "code")}
        return {"code": code, "message": str(detail.get("detail", exc.default_detail)), "details": rest or None}
    if isinstance(detail, list):
        return {"code": code, "message": " ".join(str(item) for item in detail), "details": None}
    return {"code": code, "message": str(detail), "details": None}
