"""Production: every secret comes from the environment, and the process refuses to start without it."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, LOCAL_PAYMENT_WEBHOOK_SECRET, MIDDLEWARE, PAYMENT_PROVIDER, env

# .env applies here too: refuse a DJANGO_DEBUG=true (e.g. a copied .env.example) rather than ignore it.
if env.bool("DJANGO_DEBUG", default=False):
    raise ImproperlyConfigured("DJANGO_DEBUG is true (in the environment or .env); production never runs with DEBUG.")
DEBUG = False

# base.py already refuses to start without DJANGO_SECRET_KEY and DJANGO_JWT_SIGNING_KEY; these two
# have local defaults there that production must never fall back to.
for required in ("DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
    if not env.str(required, default=""):
        raise ImproperlyConfigured(f"Set the {required} environment variable.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Keep connections open between requests (to the replica too), and check them before reuse.
for database in DATABASES.values():
    database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True

# Static files (admin, browsable API, Swagger UI and ReDoc assets) are served by the app itself.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS is terminated by the proxy in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Payments. The webhook secret authenticates the provider's events: base.py's local default is public, so
# production has none and refuses to start without its own. The fake provider lets anyone mark an order paid:
# production refuses to start with it unless PAYMENT_FAKE_PROVIDER_ALLOWED=true says so (a demo deployment).
PAYMENT_WEBHOOK_SECRET = env.str("PAYMENT_WEBHOOK_SECRET", default="")
if not PAYMENT_WEBHOOK_SECRET or PAYMENT_WEBHOOK_SECRET == LOCAL_PAYMENT_WEBHOOK_SECRET:
    raise ImproperlyConfigured("Set the PAYMENT_WEBHOOK_SECRET environment variable (the provider's signing secret).")
PAYMENT_FAKE_PROVIDER_ALLOWED = env.bool("PAYMENT_FAKE_PROVIDER_ALLOWED", default=False)
if PAYMENT_PROVIDER == "fake" and not PAYMENT_FAKE_PROVIDER_ALLOWED:
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER is the fake provider, which lets anyone mark an order paid: set PAYMENT_PROVIDER to a real"
        " provider, or PAYMENT_FAKE_PROVIDER_ALLOWED=true for a demo deployment."
    )
