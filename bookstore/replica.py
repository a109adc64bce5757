"""Catalog reads from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), everything else on the primary.

Only catalog models (books, authors, publishers, genres) are read from the replica, and only in a request that
- reads (GET, HEAD, OPTIONS) outside a transaction on the primary,
- comes from a client that has not written recently: a signed-in user's writes (any POST, PUT, PATCH or DELETE)
  are remembered for DATABASE_REPLICA_STICKY_SECONDS under a cache key of their user id (Redis when REDIS_URL is
  set, so every app process sees it), and their reads go to the primary meanwhile, so nobody misses their own
  write while the replica catches up. Anonymous clients cannot change the catalog, so they are not tracked;
- is not one whose answer the read cache will store (bookstore/api/readcache.py: no entry may hold a lagging
  view);
- finds the replica reachable. A replica that cannot be reached (checked once per request, with a short
  connect timeout) is left alone for DATABASE_REPLICA_RETRY_SECONDS in this process, and reads fall back to the
  primary meanwhile; a read whose replica query fails (the replica went away since the check) is served again
  from the primary.

Writes, and migrations, only ever go to the primary. Outside a request (management commands, the shell) every
read is on the primary.
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError, connections

from bookstore.api.readcache import storing as read_cache_storing

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
REPLICA_APP_LABELS = frozenset({"catalog"})
ROUTER = "bookstore.replica.PrimaryReplicaRouter"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_current = contextvars.ContextVar("replica_routing", default=None)


def sticky_key(user_id):
    return f"replica:wrote:{user_id}"


class ReplicaHealth:
    """Whether the replica can be reached, remembered per process: after a failed connection it is not tried
    again for DATABASE_REPLICA_RETRY_SECONDS, so an outage costs one connection attempt per process and interval."""

    def __init__(self):
        self.down_until = 0.0
        self.lock = threading.Lock()

    def available(self):
        if time.monotonic() < self.down_until:
            return False
        connection = connections[REPLICA]
        try:
            # A persistent connection (CONN_MAX_AGE) to a replica that went away fails its health check and is
            # replaced; a new one waits at most the alias's connect_timeout.
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except Exception as exc:  # refused, timed out, authentication: the primary serves the read instead
            connection.close()
            self.mark_down(exc)
            return False
        return True

    def mark_down(self, exc):
        retry = settings.DATABASE_REPLICA_RETRY_SECONDS
        with self.lock:
            self.down_until = time.monotonic() + retry
        logger.warning(
            "Replica unavailable (%s: %s); reading from the primary for the next %.0f s.",
            type(exc).__name__,
            exc,
            retry,
        )

    def reset(self):
        """Forget an outage (tests)."""
        self.down_until = 0.0


replica_health = ReplicaHealth()


class RequestRouting:
    """One request's choice between replica and primary, made at its first catalog read and kept."""

    def __init__(self, request, use_replica=None):
        self.request = request
        self.decision = use_replica
        self.replica_failed = False

    def use_replica(self):
        if self.decision is None:
            self.decision = (
                self.request.method in SAFE_METHODS and not self.wrote_recently() and replica_health.available()
            )
        return self.decision

    def wrote_recently(self):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        try:
            return bool(cache.get(sticky_key(user.pk)))
        except Exception:  # the cache is unreachable: the primary is the safe answer
            logger.warning("Cache unavailable; reading from the primary.", exc_info=True)
            return True

    def watch(self, execute, sql, params, many, context):
        """Execute wrapper of the replica's connection: notice a replica that dies under a query."""
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError) as exc:
            self.replica_failed = True
            replica_health.mark_down(exc)
            raise


class ReplicaRoutingMiddleware:
    """Make the request visible to the router, and remember a signed-in user's writes.

    A read whose replica query failed (the replica went away between its health check and the query) is served
    again from the primary: it only read, so running it twice changes nothing, and the client gets its answer
    rather than a 503.
    """

    def __init__(self, get_response):
        if ROUTER not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed("no read replica configured (DATABASE_REPLICA_URL)")
        self.get_response = get_response

    def __call__(self, request):
        routing = RequestRouting(request)
        response = self.routed(request, routing)
        if routing.replica_failed and request.method in SAFE_METHODS and response.status_code >= 500:
            logger.warning(
                "A read failed on the replica; serving %s %s again from the primary.", request.method, request.path
            )
            connections[REPLICA].close()
            response = self.routed(request, RequestRouting(request, use_replica=False))
        if request.method not in SAFE_METHODS:
            remember_write(request)
        return response

    def routed(self, request, routing):
        token = _current.set(routing)
        try:
            with connections[REPLICA].execute_wrapper(routing.watch):
                return self.get_response(request)
        finally:
            _current.reset(token)


def remember_write(request):
    # After the view: DRF has authenticated the request (JWT or session) and set request.user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    try:
        cache.set(sticky_key(user.pk), 1, timeout=settings.DATABASE_REPLICA_STICKY_SECONDS)
    except Exception:  # nothing to do but say so: this user may read a stale catalog for a few seconds
        logger.warning("Cache unavailable; a write by user %s was not remembered.", user.pk, exc_info=True)


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry: catalog reads on the replica when the request allows it (module docstring)."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label not in REPLICA_APP_LABELS:
            return PRIMARY
        routing = _current.get()
        if routing is None or connections[PRIMARY].in_atomic_block or read_cache_storing.get():
            return PRIMARY
        return REPLICA if routing.use_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects read from either (or not saved yet) may be related.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
