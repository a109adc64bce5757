"""Plain Django views that keep the envelope on API paths no DRF view answers."""

from django.views import defaults

from .envelope import error_response


def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/, an unknown version included."""
    return error_response(404, "not_found", "No API endpoint matches this URL.")


def server_error(request, *args, **kwargs):
    """handler500: the envelope under /api/, Django's plain page elsewhere. Never a traceback."""
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", "An unexpected error occurred. It has been logged.")
    return defaults.server_error(request, *args, **kwargs)
