"""Bearer authentication of the API."""

import copy
import functools

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.permissions import SAFE_METHODS
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.utils import aware_utcnow

from .tokens import user_for_token, user_for_token_from_snapshot


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's authentication, which also refuses revoked tokens and inactive or deleted users.

    Safe requests to a view with `identity_snapshot_reads = True` (public catalog reads) check the user against
    their identity snapshot (accounts/tokens.py) instead of querying the user and their permissions."""

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        self.from_snapshot = request.method in SAFE_METHODS and getattr(view, "identity_snapshot_reads", False)
        return super().authenticate(request)

    def get_validated_token(self, raw_token):
        """SimpleJWT's validated token, whose signature and claims this process has checked once already when it
        has seen the same token before: a client sends one access token many times over its lifetime, and checking
        it (base64, JSON, HMAC, claims) cost more than the rest of authenticating a catalog read. The expiry is
        checked on every use; revocation is not in the token's text but in the user's state, which `get_user`
        checks every time. An expired token, or one seen for the first time, is validated by SimpleJWT as before
        (and so answered the same way when it is refused)."""
        try:
            verified = _verified_token(raw_token)  # SimpleJWT's refusal (InvalidToken) goes up as it is
        except _NotKept:
            return super().get_validated_token(raw_token)
        token = copy.copy(verified)
        token.payload, token.current_time = dict(verified.payload), aware_utcnow()
        try:
            token.check_exp()
        except TokenError:
            return super().get_validated_token(raw_token)  # refused as SimpleJWT refuses any expired token
        return token

    def get_user(self, validated_token):
        try:
            if self.from_snapshot:
                return user_for_token_from_snapshot(validated_token)
            return user_for_token(validated_token)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc


class _NotKept(Exception):  # noqa: N818 -- not an error: a token validated on every use
    pass


# A few hundred tokens per process: the clients active within a token's lifetime on one worker. The signing key
# is read from the environment at start, so a token checked once stays checked for the life of the process. Only
# tokens SimpleJWT accepts are kept (lru_cache keeps no exception), so junk tokens cannot push them out. Kept
# tokens are of AUTH_TOKEN_CLASSES (AccessToken), whose validity changes with time only through "exp", checked on
# every use; a token class that also checked a blacklist could not be kept so.
@functools.lru_cache(maxsize=256)
def _verified_token(raw_token):
    """The token `raw_token` as SimpleJWT validates it; InvalidToken if it does not, _NotKept if it may become
    invalid otherwise than by expiring (PyJWT checks "nbf", not before, when decoding)."""
    token = authentication.JWTAuthentication().get_validated_token(raw_token)
    if "nbf" in token.payload:
        raise _NotKept
    return token


class JWTScheme(SimpleJWTScheme):
    """The Bearer scheme of JWTAuthentication in the OpenAPI schema (Swagger UI's "Authorize")."""

    target_class = JWTAuthentication
