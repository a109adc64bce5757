"""Bearer authentication of the API."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .tokens import user_for_token


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's authentication, which also refuses revoked tokens and inactive or deleted users."""

    def get_user(self, validated_token):
        try:
            return user_for_token(validated_token)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc


class JWTScheme(SimpleJWTScheme):
    """The Bearer scheme of JWTAuthentication in the OpenAPI schema (Swagger UI's "Authorize")."""

    target_class = JWTAuthentication
