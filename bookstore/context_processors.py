"""Template context of the platform's own pages."""

from django.contrib.auth import get_user


def browser_user(request):
    """`browser_user`: who the browser is signed in as, for the browsable API's navbar. That is the request's
    user; on a page that takes no credentials (registration, the token endpoints) DRF's user is always
    anonymous (and DRF sets Django's request.user to it), so there it is the user of the session, which is what
    "Log in" and "Log out" act on."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or not hasattr(request, "session"):
        return {"browser_user": user}
    return {"browser_user": get_user(request)}
