"""Middleware for the API paths."""

from django.conf import settings

from .envelope import error_response


class ApiRequestSizeMiddleware:
    """Refuse API bodies above DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads them.

    Django enforces the limit only when `request.body` is read; DRF's JSON parser reads the stream
    directly, so without this a JSON body of any size would be parsed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return error_response(413, "payload_too_large", f"The request body is larger than {limit} bytes.")
        return self.get_response(request)
