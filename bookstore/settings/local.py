"""Local development: DEBUG on, SQLite by default, throwaway keys so that `make run` needs no set-up.

These are defaults only: a variable set in the environment or in `.env` (read before this module, in
bookstore/settings/__init__.py) wins.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-insecure-secret-key-do-not-use-in-production")
os.environ.setdefault("DJANGO_JWT_SIGNING_KEY", "local-only-insecure-jwt-signing-key-do-not-use-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from .base import *  # noqa: E402,F403

# The demo staff account `make run` creates; production never creates one.
DEMO_STAFF_EMAIL = "admin@bookstore.local"
DEMO_STAFF_PASSWORD = "bookstore-demo"  # noqa: S105 - a documented local-only demo credential
