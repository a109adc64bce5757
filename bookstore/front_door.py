"""The front door at `/` and `/api/`: where each version, its docs and the auth endpoints are."""

from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import RedirectView

# The page runs no script and loads only its own stylesheet: a strict policy costs it nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
VERSIONS = [
    ("v2", "Recommended for new clients: authors, genres, price and availability as objects; lists page by cursor."),
    ("v1", "Stable: flat books (ids, price and currency as fields); lists page by limit and offset."),
]
# (method, URL name, what it does): the POST endpoints link to their section in ReDoc.
AUTH_ENDPOINTS = [
    ("POST", "register", "auth_register_create", "Create a customer account."),
    ("POST", "token-obtain", "auth_token_create", "Email and password for an access and a refresh token."),
    ("POST", "token-refresh", "auth_token_refresh_create", "A refresh token for a new pair (works once)."),
    ("POST", "token-verify", "auth_token_verify_create", "Whether a token would be accepted now."),
    ("POST", "logout", "auth_logout_create", "Revoke a refresh token."),
    ("GET", "me", "users_me_retrieve", "Your profile, with the access token as a Bearer header."),
]


def front_door(request):
    """Each version with its browsable API, Swagger UI, ReDoc, schema and auth endpoints; v2 first."""
    versions = []
    for version, note in VERSIONS:
        redoc = reverse(f"{version}:redoc")
        versions.append(
            {
                "name": version,
                "note": note,
                "root": reverse(f"{version}:api-root"),
                "docs": reverse(f"{version}:swagger-ui"),
                "redoc": redoc,
                "schema": reverse(f"{version}:schema"),
                "auth": [
                    {
                        "method": method,
                        "path": reverse(f"{version}:{name}"),
                        "docs": f"{redoc}#tag/{operation.split('_')[0]}/operation/{operation}",
                        "text": text,
                    }
                    for method, name, operation, text in AUTH_ENDPOINTS
                ],
            }
        )
    response = render(request, "bookstore/front_door.html", {"versions": versions})
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


class FaviconView(RedirectView):
    """Browsers ask every host for /favicon.ico, from every page (the admin, the browsable API, the docs): the
    bookstore's icon among the static files, at its hashed name in production. Not permanent, so that a new
    icon's name is followed."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("bookstore/favicon.png")
