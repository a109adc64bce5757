"""One exception handler shapes every error of the API into the envelope's `error` object."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken

logger = logging.getLogger(__name__)

RETRY_AFTER_UNAVAILABLE = 30


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Try again shortly."
    default_code = "service_unavailable"


class ServerError(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = "An unexpected error occurred. It has been logged."
    default_code = "server_error"


def exception_handler(exc, context):
    """Turn any exception raised in an API view into an error response in the envelope."""
    exc = as_api_exception(exc, context)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, ServiceUnavailable):
        headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    set_rollback()
    return Response(error_body(exc), status=exc.status_code, headers=headers)


def as_api_exception(exc, context):
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: the client's fault, not a crash.
        logger.warning("Suspicious request in %s: %s", context.get("view"), exc)
        return exceptions.ParseError(str(exc))
    if isinstance(exc, (ProtectedError, RestrictedError)):
        referrers = getattr(exc, "protected_objects", None) or exc.restricted_objects
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in referrers})
        return Conflict(f"It cannot be deleted while {', '.join(blockers)} still refer to it.")
    if isinstance(exc, IntegrityError):
        # A concurrent write won the race that the validators had checked.
        return Conflict()
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable in %s: %s", context.get("view"), exc)
        return ServiceUnavailable()
    if isinstance(exc, DatabaseError):
        logger.error("Database error in %s", context.get("view"), exc_info=exc)
        return ServerError()
    logger.error("Unhandled error in %s", context.get("view"), exc_info=exc)
    return ServerError()


def error_body(exc):
    """The `error` object: a stable code, one human sentence, and details where they help."""
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
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
