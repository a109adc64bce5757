"""Bearer authentication of the API."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.permissions import SAFE_METHODS
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .tokens import user_for_token, user_for_token_from_snapshot


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's authentication, which also refuses revoked tokens and inactive or deleted users.

    Safe requests to a view with `identity_snapshot_reads = True` (public catalog reads) check the user against
    their identity snapshot (accounts/tokens.py) instead of querying the user and their permissions."""

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        self.from_snapshot = request.method in SAFE_METHODS and getattr(view, "identity_snapshot_reads", False)
        return super().authenticate(request)

    def get_user(self, validated_token):
        try:
            if self.from_snapshot:
                return user_for_token_from_snapshot(validated_token)
            return user_for_token(validated_token)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc


class JWTScheme(SimpleJWTScheme):
    """The Bearer scheme of JWTAuthentication in the OpenAPI schema (Swagger UI's "Authorize")."""

    target_class = JWTAuthentication
