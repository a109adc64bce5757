"""Test settings: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set (CI).

The defaults below apply only to variables that neither the environment nor `.env` sets.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key")
os.environ.setdefault("DJANGO_JWT_SIGNING_KEY", "test-jwt-signing-key-that-is-long-enough-for-hs256")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .base import *  # noqa: E402,F403

# Hashing strength is not under test here; a fast hasher keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test clears the cache (tests/conftest.py), so the tests keep a cache of their own even when REDIS_URL is
# set: clearing a shared Redis would reset the counters of a running server or of another test run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process, one cache: the read cache is exact here, and every API test reads through it. A server of several
# processes on these settings (scripts/client_check.sh, fuzz_api.sh) turns it off: each would keep a cache of its
# own, blind to the others' writes.
API_READ_CACHE_SECONDS = int(os.environ.get("DJANGO_API_READ_CACHE_SECONDS", "60"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The read replica is the test database under a second alias (never created by the runner), and no router uses it
# unless a test installs one (tests/test_replica.py): the rest of the suite reads and writes one database.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
