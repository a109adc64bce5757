"""Bearer authentication of the API."""

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
