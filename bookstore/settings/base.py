"""Settings shared by every environment; each value a deployment may change comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# `.env` is already in the environment (bookstore/settings/__init__.py reads it first), and the local and
# test modules add their defaults only for the variables that neither sets.
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "catalog",
    "orders",
    "payments",
    "reviews",
]

MIDDLEWARE = [
    # First: /healthz and /readyz are answered before the Host check and the HTTPS redirect (a load balancer
    # probes each machine by address, over plain HTTP), and write no request log line (a probe every few
    # seconds from every balancer would drown the log).
    "bookstore.probes.ProbeMiddleware",
    # Then the request id and the one log line of every other request, whichever middleware answers it.
    "bookstore.api.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (settings below).
    "bookstore.csp.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything that may answer on its own, so that its answers (a 413 too) carry the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "bookstore.api.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Answers If-None-Match with 304 from the ETag the API views set.
    "bookstore.api.middleware.ApiConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Makes the request visible to the database router (a no-op without DATABASE_REPLICA_URL).
    "bookstore.replica.ReplicaRoutingMiddleware",
]

ROOT_URLCONF = "bookstore.urls"
WSGI_APPLICATION = "bookstore.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project overrides of third-party templates (e.g. ReDoc without its font CDN).
        "DIRS": [BASE_DIR / "bookstore" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bookstore.context_processors.browser_user",
            ],
        },
    },
]

# SQLite by default so that a fresh machine needs nothing but Python; PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: parameters bound by the server (psycopg's server-side cursors), so that a statement's text is the same
# whatever its values, and prepared by psycopg after its fifth use on a connection (Django turns psycopg's preparing
# off unless told a threshold): PostgreSQL then skips parsing and planning it again (a book page's query, which
# builds the books' JSON, takes longer to plan than to run).
POSTGRESQL_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}
# Django's backend, less the health check's round trip for a connection opened or checked within the last second
# (bookstore/postgresql/base.py).
POSTGRESQL_ENGINE = "bookstore.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRESQL_OPTIONS)

# A PostgreSQL streaming replica, optional: catalog reads go to it, everything else (and every write and
# migration) to the primary; a client that has just written reads from the primary for
# DATABASE_REPLICA_STICKY_SECONDS; while the replica cannot be reached (connect timeout
# DATABASE_REPLICA_CONNECT_TIMEOUT), reads fall back to the primary and it is tried again every
# DATABASE_REPLICA_RETRY_SECONDS. See bookstore/replica.py.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_STICKY_SECONDS = env.float("DATABASE_REPLICA_STICKY_SECONDS", default=5)
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=5)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = POSTGRESQL_ENGINE
        DATABASES["replica"].setdefault("OPTIONS", {}).update(POSTGRESQL_OPTIONS)
        DATABASES["replica"]["OPTIONS"]["connect_timeout"] = env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
    # The test runner never creates it: in tests it is the default database under another name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["bookstore.replica.PrimaryReplicaRouter"]

# /readyz waits at most this long for the database (connect and query); the cache's own timeouts bound its check.
PROBE_TIMEOUT_SECONDS = env.float("DJANGO_PROBE_TIMEOUT", default=2)

# CORS: pages served from these origins (e.g. a web shop at https://shop.example.com) may call the API from
# a browser; none by default. Only /api/ answers them. Tokens travel in the Authorization header, not in
# cookies, so credentials (cookies) are not allowed cross-origin.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_HEADERS = [*default_headers, "if-match", "if-none-match"]
# What a script may read of an answer: the ETag to send back, where a new object is, when to retry, and the request
# id to quote when reporting a problem.
CORS_EXPOSE_HEADERS = ["ETag", "Location", "Retry-After", "X-Request-ID"]

# Shared state (throttle counters, caches) lives in Redis when REDIS_URL is set, so every process sees it.
# Short timeouts and one immediate retry: an unreachable Redis must cost milliseconds, not hang requests
# (the throttles then count per process; see accounts/throttling.py).
REDIS_URL = env("REDIS_URL", default="")
REDIS_TIMEOUT = env.float("DJANGO_REDIS_TIMEOUT", default=0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bookstore.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "retry": Retry(NoBackoff(), 1),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous book reads are answered from the cache, kept exact under writes (bookstore/api/readcache.py); entries
# expire after this many seconds, which bounds how long a write the app does not see (psql) can go unseen. 0 turns
# the cache off. On by default only with Redis: a cache of one's own cannot see another process's writes.
API_READ_CACHE_SECONDS = env.int("DJANGO_API_READ_CACHE_SECONDS", default=60 if REDIS_URL else 0)

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify, and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project's own static files (its icon), beside the apps' static/ folders.
STATICFILES_DIRS = [BASE_DIR / "bookstore" / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")

# JSON bodies above this size are refused with 413 before they are parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1", "v2"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # JWT first, so that a 401 carries `WWW-Authenticate: Bearer`.
        "accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "bookstore.api.renderers.EnvelopeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "bookstore.api.parsers.BoundedJSONParser",
        # The browsable API's HTML forms post these.
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "bookstore.api.filters.FilterBackend",
        "bookstore.api.filters.BoundedSearchFilter",
        "bookstore.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "bookstore.api.pagination.OffsetPagination",
    # The browsable API's titles and breadcrumbs in words ("Books", "Book"), not class names.
    "VIEW_NAME_FUNCTION": "bookstore.api.names.view_name",
    "PAGE_SIZE": 20,
    # Registration and refresh are throttled per client address. Every password check (login, the
    # HTML login forms, password and email change) counts per address (auth_login) and per account
    # (auth_login_account). The counters live in the cache (accounts/throttling.py).
    "DEFAULT_THROTTLE_RATES": {
        "auth_login": env("DJANGO_THROTTLE_LOGIN", default="10/minute"),
        "auth_login_account": env("DJANGO_THROTTLE_LOGIN_ACCOUNT", default="20/hour"),
        "auth_register": env("DJANGO_THROTTLE_REGISTER", default="20/hour"),
        "auth_refresh": env("DJANGO_THROTTLE_REFRESH", default="30/minute"),
    },
    # The client address is taken from X-Forwarded-For only as far as this many trusted proxies
    # appended to it; with 0 it is REMOTE_ADDR, so a forged header cannot reset a counter.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "bookstore.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "bookstore.api.schema.EnvelopeAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `?format=` is a book filter; renderers are chosen by the Accept header alone.
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}

# Public catalog reads with a JWT check the user against a snapshot in the cache (accounts/tokens.py) instead of
# querying the user and their permissions; a change made outside the services and the admin shows within this.
AUTH_SNAPSHOT_SECONDS = env.int("DJANGO_AUTH_SNAPSHOT_SECONDS", default=30)

SIMPLE_JWT = {
    # Its own key: rotating SECRET_KEY (sessions, CSRF) must not be tied to the API tokens.
    "SIGNING_KEY": env("DJANGO_JWT_SIGNING_KEY"),
    "ALGORITHM": "HS256",
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("DJANGO_JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(minutes=env.int("DJANGO_JWT_REFRESH_MINUTES", default=24 * 60)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash: a password set anywhere (API, admin,
    # changepassword) invalidates every earlier token.
    "CHECK_REVOKE_TOKEN": True,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

SPECTACULAR_SETTINGS = {
    # Several resources have a `status`: each choice set gets a name of its own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "PaymentStatusEnum": "payments.models.Payment.Status",
    },
    "TITLE": "Bookstore platform API",
    "DESCRIPTION": (
        "Catalog and accounts of the bookstore platform. Every JSON body is an envelope "
        "`{success, data, error}`; authenticate with `Authorization: Bearer <access token>` "
        "from `POST auth/token/`."
    ),
    "VERSION": None,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Request bodies have components of their own (no read-only fields to fill in, blank strings
    # refused where the server refuses them), and JSON is the one documented body; the browsable API
    # still posts its HTML forms, which the views keep accepting.
    "COMPONENT_SPLIT_REQUEST": True,
    "PARSER_WHITELIST": ["bookstore.api.parsers.BoundedJSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bookstore.api.schema.add_error_component",
        "bookstore.api.schema.allow_empty_query_values",
        "bookstore.api.schema.order_security_schemes",
        "bookstore.api.schema.add_request_id_header",
    ],
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One JSON object per line on stderr (python-json-logger): timestamp, level, logger, message, the request's
# `request_id` and `client` on every line written while a request is served, and the `extra` fields of the
# call (`event`, ...). A traceback (exc_info) goes in `exc_info`, in the log only, never in a response.
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "bookstore.api.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # ISO 8601 in UTC, with microseconds
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Its 4xx warnings repeat the request line; its 5xx errors (with the traceback) stay.
        "django.request": {"level": "ERROR"},
    },
}

# Every page is served from this host alone: scripts only from files here (no inline script: Swagger UI's
# start-up script is a file of its own), styles here or inline (Swagger UI and ReDoc style elements from
# JavaScript), images here or data: URIs, no plugins, no framing, forms posting only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No page of the platform uses these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "fullscreen", "interest-cohort"]
}

# Orders: an unpaid order is cancelled (stock restored) by `manage.py expire_orders` after this many minutes;
# checkout's Idempotency-Key answers are kept at least this many hours.
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# What else happens when an order is refunded, in order_refund's transaction: each is called as handler(order=...).
# Named here, in the project's wiring, so that one list shows everything a refund sets off, and orders imports
# none of the apps that react to it (payments, reviews). A name that does not import fails `manage.py check`.
ORDER_REFUND_HANDLERS = [
    "payments.services.payment_refund",  # the order's succeeded payment is refunded
    "reviews.services.review_purchases_refresh",  # the buyer's reviews of its books may no longer be verified
]

# Payments: the provider (`fake` is built in: offline, deterministic, a Pay/Decline page on the platform), and the
# secret the provider's webhook events are signed with (Bookstore-Signature).
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="fake")
PAYMENT_FAKE_PROVIDER_ALLOWED = env.bool("PAYMENT_FAKE_PROVIDER_ALLOWED", default=True)
# Seconds the fake provider waits before answering, like a real one over the network (bench/payment_start.py).
PAYMENT_FAKE_PROVIDER_DELAY_SECONDS = env.float("PAYMENT_FAKE_PROVIDER_DELAY_SECONDS", default=0)
LOCAL_PAYMENT_WEBHOOK_SECRET = "local-payment-webhook-secret"  # noqa: S105 - local and test only; production refuses it
PAYMENT_WEBHOOK_SECRET = env("PAYMENT_WEBHOOK_SECRET", default=LOCAL_PAYMENT_WEBHOOK_SECRET)
