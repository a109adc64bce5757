"""Throttles of every endpoint that checks a password, and the counters they keep.

A password check counts in two buckets: one per client address (`auth_login`) and one per account
(`auth_login_account`), so that neither many guesses from one address nor guesses spread over many
addresses get far. The API login, the HTML login forms (admin, browsable API), the password change
and the email change all count in the same two buckets.
"""

import hashlib
import logging
import threading
import time
from functools import wraps

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)

LOGIN_SCOPE = "auth_login"
ACCOUNT_SCOPE = "auth_login_account"


class FallbackCache:
    """The shared cache (Redis in production), or, while it cannot be reached, a per-process one.

    Throttles keep limiting when Redis is down instead of failing the request; with N processes the
    effective limit is at most N times the rate until Redis is back. After a failure the shared cache
    is left alone for `retry_after` seconds, so an outage costs one connection attempt per process
    per interval rather than one per request, and logs one warning per interval.
    """

    retry_after = 10.0

    def __init__(self):
        self.local = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self.down_until = 0.0
        self.lock = threading.Lock()

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout):
        return self._call("set", key, value, timeout)

    def _call(self, method, *args):
        if time.monotonic() >= self.down_until:
            try:
                return getattr(shared_cache, method)(*args)
            except Exception as exc:  # any backend failure (connection refused, timeout, ...) degrades alike
                self._mark_down(exc)
        return getattr(self.local, method)(*args)

    def reset(self):
        """Forget the outage and the local counters (tests)."""
        self.down_until = 0.0
        self.local.clear()

    def _mark_down(self, exc):
        with self.lock:
            self.down_until = time.monotonic() + self.retry_after
        logger.warning(
            "Cache unavailable (%s: %s); throttling with per-process counters for the next %.0f s.",
            type(exc).__name__,
            exc,
            self.retry_after,
        )


fallback_cache = FallbackCache()


def account_digest(email: str) -> str:
    """An account's key in the counters (and in the logs): a digest of the email as the account bucket counts it,
    so neither the address nor a password typed into the email field is ever written anywhere."""
    return hashlib.sha256(email.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()


class LoggedThrottleMixin:
    """A refusal is a notable event: one `throttled` log line naming the bucket (the request line and the
    client address come with it)."""

    def throttle_failure(self):
        logger.warning("Throttled (%s)", self.scope, extra={"event": "throttled", "scope": self.scope})
        return super().throttle_failure()


class AddressThrottle(LoggedThrottleMixin, SimpleRateThrottle):
    """Password checks per client address (as DRF reads it: REMOTE_ADDR, or X-Forwarded-For as far
    as NUM_PROXIES trusts it), whether or not the request is signed in."""

    cache = fallback_cache
    scope = LOGIN_SCOPE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountThrottle(AddressThrottle):
    """Password checks of the signed-in user's account, from any address (password and email change)."""

    scope = ACCOUNT_SCOPE

    def get_cache_key(self, request, view):
        email = self.account_email(request)
        if email is None:
            return None  # nobody named: validation refuses the request before any password check
        return self.cache_format % {"scope": self.scope, "ident": account_digest(email)}

    def account_email(self, request):
        return request.user.email if request.user.is_authenticated else None


class LoginAccountThrottle(AccountThrottle):
    """Login attempts at the account the request names (`email`, or `username` in the HTML login
    forms), whether or not it exists, so that a 429 reveals nothing; the same bucket as AccountThrottle."""

    def account_email(self, request):
        data = request.data if hasattr(request, "data") else request.POST  # a DRF request, or a Django one
        email = data.get("email", data.get("username")) if hasattr(data, "get") else None
        return email if isinstance(email, str) else None


PASSWORD_CHECK_THROTTLES = [AddressThrottle, AccountThrottle]


def throttle_login_posts(view):
    """Count a login form's POSTs in the same buckets as `POST auth/token/` (per address and per
    account), so that passwords cannot be guessed faster through the admin or the browsable API."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            for throttle in (AddressThrottle(), LoginAccountThrottle()):
                if not throttle.allow_request(request, None):
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


class ScopedThrottle(LoggedThrottleMixin, ScopedRateThrottle):
    """DRF's per-client scoped throttle (registration, refresh), counting in the fallback cache."""

    cache = fallback_cache


def log_login_failure(sender, credentials, request=None, **kwargs):
    """Django's `user_login_failed` (every password login: the API's token endpoint, the admin and browsable-API
    forms): one `login_failed` line with the account's digest, so an operator sees guesses at one account from
    many addresses. Connected in accounts/apps.py."""
    email = credentials.get("email", credentials.get("username"))
    account = account_digest(email)[:16] if isinstance(email, str) else None
    logger.warning("Login failed", extra={"event": "login_failed", "account": account})
