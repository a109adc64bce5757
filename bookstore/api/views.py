"""Plain Django views that keep the envelope on API paths no DRF view answers."""

from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from .envelope import error_response


@csrf_exempt  # it changes nothing; a script's POST to a wrong URL deserves a 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/, an unknown version included."""
    return error_response(404, "not_found", "No API endpoint matches this URL.")


def bad_request(request, exception, *args, **kwargs):
    """handler400 (e.g. a Host header that is not allowed): the envelope under /api/."""
    if request.path.startswith("/api/"):
        return error_response(400, "bad_request", "The request is malformed or its Host is not served here.")
    return defaults.bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """handler500: the envelope under /api/, Django's plain page elsewhere. Never a traceback."""
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", "An unexpected error occurred. It has been logged.")
    return defaults.server_error(request, *args, **kwargs)
