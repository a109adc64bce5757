"""Liveness and readiness probes for a load balancer or an orchestrator: `/healthz` and `/readyz`.

`ProbeMiddleware` is the first middleware, so a probe is answered before anything looks at the Host header
(CommonMiddleware, CSRF) or redirects plain HTTP to HTTPS (SecurityMiddleware): a load balancer probing each
machine by its address, over plain HTTP, is served whatever Host it sends. Both answer JSON outside the API's
envelope (they are not under /api/) and are never cached.

- `/healthz`: the process is alive and serving. Touches nothing (no database, no cache).
- `/readyz`: the database and the cache answer, each within PROBE_TIMEOUT_SECONDS; otherwise 503, naming what
  failed. A read replica (DATABASE_REPLICA_URL) is reported but never makes the process unready: reads fall back
  to the primary while it is away (bookstore/replica.py).
"""

import copy
import logging
import math
import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.utils import load_backend
from django.http import JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
PROBE_METHODS = ("GET", "HEAD")
# A load balancer takes an unready process out of rotation and probes again every few seconds.
RETRY_AFTER_UNREADY = 5


class ProbeMiddleware:
    """Answer /healthz and /readyz before any other middleware runs (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return probe_response(request, health)
        if request.path_info == READY_PATH:
            return probe_response(request, readiness)
        return self.get_response(request)


def probe_response(request, probe):
    if request.method not in PROBE_METHODS:
        response = JsonResponse({"status": "method_not_allowed"}, status=405)
        response["Allow"] = ", ".join(PROBE_METHODS)
    else:
        status, body = probe()
        response = JsonResponse(body, status=status)
        if status == 503:
            response["Retry-After"] = str(RETRY_AFTER_UNREADY)
    response["Cache-Control"] = "no-store"
    return response


def health():
    return 200, {"status": "ok"}


def readiness():
    """200 when the database and the cache answer in time; 503 naming each that did not."""
    timeout = settings.PROBE_TIMEOUT_SECONDS
    checks = {"database": database_check("default", timeout), "cache": cache_check()}
    required = list(checks)
    if "replica" in settings.DATABASES:
        checks["replica"] = database_check("replica", timeout)
    failed = [name for name in required if checks[name] != "ok"]
    if failed:
        return 503, {"status": "unavailable", "failed": failed, "checks": checks}
    return 200, {"status": "ready", "checks": checks}


def database_check(alias, timeout):
    """Connect afresh to the database `alias` with a short connect and statement timeout, run `SELECT 1`.

    A connection of its own rather than the request's: the check must not wait for the driver's default
    timeouts (minutes for an address that drops packets), and must not leave a broken connection behind.
    """
    settings_dict = copy.deepcopy(connections[alias].settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        # libpq counts whole seconds (and at least 2); the statement timeout is in milliseconds.
        options["connect_timeout"] = max(2, math.ceil(timeout))
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(timeout * 1000)}".strip()
    elif vendor == "sqlite":
        options["timeout"] = timeout
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure (refused, timed out, authentication) means not ready
        logger.warning("Readiness: database %r unavailable (%s: %s)", alias, type(exc).__name__, exc)
        return "unavailable"
    finally:
        wrapper.close()
    return "ok"


def cache_check():
    """Write and read back a key of this process's own (the Redis client's socket timeouts bound the wait)."""
    key, token = f"readyz:{os.getpid()}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        if cache.get(key) != token:
            raise RuntimeError("the value written was not read back")
    except Exception as exc:  # any backend failure (refused, timed out) means not ready
        logger.warning("Readiness: cache unavailable (%s: %s)", type(exc).__name__, exc)
        return "unavailable"
    return "ok"
