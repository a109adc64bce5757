"""JWTs that carry the user's token version, and the checks every token use goes through."""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

VERSION_CLAIM = "ver"


class UserRefreshToken(RefreshToken):
    """A refresh token stamped with the user's token version; its access tokens inherit the stamp."""

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[VERSION_CLAIM] = user.token_version
        return token


def user_for_token(token):
    """The user a signature-checked token speaks for, or TokenError if that user may no longer use it."""
    User = get_user_model()
    try:
        user = User.objects.get(**{api_settings.USER_ID_FIELD: token[api_settings.USER_ID_CLAIM]})
    except (KeyError, User.DoesNotExist) as exc:
        raise TokenError("Token is invalid: its user does not exist.") from exc
    if not user.is_active:
        raise TokenError("Token is invalid: its user is inactive.")
    if token.get(VERSION_CLAIM) != user.token_version:
        raise TokenError("Token has been revoked.")
    if token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise TokenError("Token has been revoked: the password has changed.")
    return user
