"""JWTs that carry the user's token version, and the checks every token use goes through."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

logger = logging.getLogger(__name__)

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


# Identity snapshots: what user_for_token reads from the database (active, token version, password stamp) and the
# user's permissions, kept in the shared cache for AUTH_SNAPSHOT_SECONDS, so that reads which allow it (public
# catalog reads) authenticate without a query. Every change that locks a user out or changes what they may do
# through the services or the admin forgets the snapshot at once; anything else is seen within the lifetime.
#
# Forgetting leaves a marker in the shared cache for FORGOTTEN_SECONDS, and a snapshot is only ever added where there
# is nothing (SET NX): a read that loaded the user before a change committed, and comes to store it after the
# change's forget, finds the marker and stores nothing.

FORGOTTEN = "forgotten"
FORGOTTEN_SECONDS = 5


def snapshot_key(user_id) -> str:
    """The shared cache's key of a user's identity snapshot."""
    return f"accounts:identity:{user_id}"


def identity_snapshot_forget(user_id) -> None:
    """Forget a user's identity snapshot: the next request reads the user from the database. At once, and again
    when the transaction that made the change commits, each time leaving the marker that keeps a read under way
    from storing what it loaded (the user as last committed, before the change) for AUTH_SNAPSHOT_SECONDS."""
    _forget(user_id)
    transaction.on_commit(lambda: _forget(user_id), robust=True)


def _forget(user_id) -> None:
    key = snapshot_key(user_id)
    try:
        cache.set(key, FORGOTTEN, FORGOTTEN_SECONDS)
    except Exception:  # an unreachable cache holds no snapshot that could be served either
        logger.warning("Cache unavailable: could not forget the identity snapshot of user %s.", user_id)


def user_for_token_from_snapshot(token):
    """user_for_token with the same checks, answered from the user's identity snapshot when there is one (no
    query), else from the database (and the snapshot stored). The user answered carries its permissions."""
    key = snapshot_key(token.get(api_settings.USER_ID_CLAIM))
    try:
        snapshot = cache.get(key)
    except Exception:
        return user_for_token(token)  # no shared cache: the database, as for every other request
    if snapshot is None or snapshot == FORGOTTEN:
        user = user_for_token(token)
        snapshot = {
            "id": user.pk,
            "email": user.email,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "token_version": user.token_version,
            "password_stamp": get_md5_hash_password(user.password),
            "perms": sorted(user.get_all_permissions()),
        }
        try:
            cache.add(key, snapshot, settings.AUTH_SNAPSHOT_SECONDS)  # not over a forget's marker
        except Exception:
            logger.warning("Cache unavailable: identity snapshot of user %s not stored.", user.pk)
        return user
    if token.get(VERSION_CLAIM) != snapshot["token_version"]:
        raise TokenError("Token has been revoked.")
    if token.get(api_settings.REVOKE_TOKEN_CLAIM) != snapshot["password_stamp"]:
        raise TokenError("Token has been revoked: the password has changed.")
    User = get_user_model()
    user = User(
        id=snapshot["id"],
        email=snapshot["email"],
        is_active=True,  # only active users' snapshots are stored
        is_staff=snapshot["is_staff"],
        is_superuser=snapshot["is_superuser"],
        token_version=snapshot["token_version"],
    )
    user._state.adding = False
    user._perm_cache = set(snapshot["perms"])  # what ModelBackend.has_perm reads before it would query
    return user
