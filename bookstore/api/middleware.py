"""Middleware of the request pipeline (docs/architecture.md)."""

import logging
import time
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.functional import SimpleLazyObject, empty

from .envelope import error_response
from .logs import client_address, request_context, request_id_from

request_logger = logging.getLogger("bookstore.request")


class RequestLogMiddleware:
    """The request's id and its one log line. First in MIDDLEWARE, so that it sees every answer, the ones
    other middleware give on their own included.

    The id is the proxy's `X-Request-ID` when it looks like an id (bookstore/api/logs.py), a new one otherwise;
    it is echoed in the response and carried by every log line written while the request is served. The line
    (`event: "request"`) has the method, path (never the query string), status, duration in ms, user id (once
    authentication has run; null for anonymous) and the client address as the throttles trust it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = request_context.set({"request_id": request_id, "client": client_address(request)})
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": self.user_id(request),
                },
            )
            return response
        finally:
            request_context.reset(token)

    @staticmethod
    def user_id(request):
        """The authenticated user's id, without a query of its own: Django's lazy session user is read only
        if something already read it (DRF sets the user it authenticated on the request itself)."""
        user = request.__dict__.get("user")
        if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
            return None
        return user.pk if user.is_authenticated else None


class RequestGuardMiddleware:
    """Refuse requests that no view should ever see: in the envelope under /api/, as plain text elsewhere
    (the admin, the login forms).

    - Bodies above DATA_UPLOAD_MAX_MEMORY_SIZE get 413 before anything reads them: Django enforces
      the limit only when `request.body` is read, and DRF's JSON parser reads the stream directly.
    - A body sent with `Transfer-Encoding` and no `Content-Length` gets 411: Django reads a body only as
      far as its Content-Length, so a chunked body would be silently taken as empty.
    - A query string with a NUL character gets 400: PostgreSQL text cannot hold one, and no
      parameter needs one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is None:
            return self.get_response(request)
        status, code, message = refusal
        if request.path.startswith("/api/"):
            return error_response(status, code, message)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

    @staticmethod
    def refusal(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return 413, "payload_too_large", f"The request body is larger than {limit} bytes."
        if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get("CONTENT_LENGTH"):
            return 411, "length_required", "Send the body with a Content-Length header; chunked bodies are not read."
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return 400, "parse_error", "Query parameters cannot contain NUL characters."
        return None


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware (If-None-Match -> 304), minus its write preconditions on API
    reads: If-Match and If-Unmodified-Since guard writes, which the API views check themselves, and a
    bodiless 412 on a GET would break the envelope."""

    def process_response(self, request, response):
        if request.path.startswith("/api/") and (
            "HTTP_IF_MATCH" in request.META or "HTTP_IF_UNMODIFIED_SINCE" in request.META
        ):
            return response
        return super().process_response(request, response)
