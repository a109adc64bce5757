"""Login throttling for the HTML login forms (admin, browsable API)."""

from functools import wraps

from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle


class _LoginScope:
    throttle_scope = "auth_login"


def throttle_login_posts(view):
    """Count a login form's POSTs in the same per-client bucket as `POST auth/token/`, so that
    passwords cannot be guessed faster through the admin or the browsable API's login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            throttle = ScopedRateThrottle()
            if not throttle.allow_request(request, _LoginScope):
                wait = max(1, int(throttle.wait() or 1))
                response = HttpResponse(
                    f"Too many login attempts. Try again in {wait} seconds.\n",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return wrapper
