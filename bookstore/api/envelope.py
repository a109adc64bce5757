"""The response envelope of the API contract: `{"success", "data", "error"}` and nothing else."""

from http import HTTPStatus

from django.http import JsonResponse

# Codes for error responses that were not raised as an APIException (and so carry no code of their own).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}


def success(data):
    return {"success": True, "data": data, "error": None}


def failure(code, message, details=None):
    return {"success": False, "data": None, "error": {"code": code, "message": message, "details": details}}


def failure_for_status(status, details=None):
    """An error body for a bare status, used where nothing more specific is known."""
    code = STATUS_CODES.get(status, "error")
    return failure(code, f"{HTTPStatus(status).phrase}.", details)


def error_response(status, code, message):
    """A plain Django response in the envelope, for the paths that never reach a DRF view."""
    return JsonResponse(failure(code, message), status=status)
