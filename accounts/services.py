"""Account writes: registration, password changes and the token lifecycle."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from .roles import CUSTOMERS
from .tokens import UserRefreshToken, identity_snapshot_forget


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = ""):
    """Create a customer account."""
    user = get_user_model().objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=CUSTOMERS))
    return user


@transaction.atomic
def refresh_token_revoke(*, token: UserRefreshToken, user) -> None:
    """Spend a refresh token so that it never works again; a token spent already raises TokenError.

    The spend is an INSERT under a unique constraint, committed before anything is issued: of any
    number of concurrent requests with the same token, exactly one inserts, the others fail.
    """
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token["jti"],
        defaults={"user": user, "token": str(token), "expires_at": datetime_from_epoch(token["exp"])},
    )
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as exc:
        raise TokenError("Token is blacklisted") from exc


@transaction.atomic
def refresh_token_rotate(*, token: UserRefreshToken, user) -> UserRefreshToken:
    """Spend a refresh token and issue the next one (rotation)."""
    refresh_token_revoke(token=token, user=user)
    return UserRefreshToken.for_user(user)


@transaction.atomic
def user_revoke_tokens(*, user) -> None:
    """Log out everywhere: every refresh token is revoked and every access token issued so far fails."""
    get_user_model().objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    identity_snapshot_forget(user.pk)
    unexpired = OutstandingToken.objects.filter(user=user, blacklistedtoken=None, expires_at__gt=timezone.now())
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in unexpired], ignore_conflicts=True)


@transaction.atomic
def user_set_active(*, user, is_active: bool) -> None:
    """(De)activate an account. Deactivation also revokes every token, so reactivating later does
    not bring the old sessions back."""
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    identity_snapshot_forget(user.pk)
    if not is_active:
        user_revoke_tokens(user=user)


@transaction.atomic
def user_set_roles(*, user, roles: Iterable[Group]) -> None:
    """Give an account exactly these roles (groups); what it may do changes with its next request, catalog reads
    included (its identity snapshot is forgotten)."""
    user.groups.set(roles)
    identity_snapshot_forget(user.pk)


@transaction.atomic
def user_change_password(*, user, new_password: str) -> UserRefreshToken:
    """Set a new password, revoke every earlier token, and return a fresh refresh token."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_revoke_tokens(user=user)
    return UserRefreshToken.for_user(user)


@transaction.atomic
def user_update_profile(*, user, first_name: str | None = None, last_name: str | None = None, email: str | None = None):
    """Change the user's own names and email. A new email revokes every earlier token, as a new
    password does: whoever holds one must sign in again (the caller has checked the password)."""
    changes = {"first_name": first_name, "last_name": last_name, "email": email}
    changes = {name: value for name, value in changes.items() if value is not None}
    email_changed = email is not None and email != user.email
    for name, value in changes.items():
        setattr(user, name, value)
    # Only the fields given: a concurrent change of another field is not undone.
    user.save(update_fields=list(changes))
    if email_changed:
        user_revoke_tokens(user=user)
    return user
