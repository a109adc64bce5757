"""Configuration from the environment and `.env`, under each settings module: the real environment wins, then
`.env`, then the module's default. Each case loads the settings in a fresh Python process, the way
`manage.py` and gunicorn do, with a `.env` of its own (DJANGO_ENV_FILE) so that a developer's `.env` plays
no part."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings as test_settings

BASE_DIR = test_settings.BASE_DIR
MODULES = ["bookstore.settings.local", "bookstore.settings.test", "bookstore.settings.production"]
# Production refuses to start without these; each case that is not about them sets them in the environment.
PRODUCTION_REQUIRED = {
    "DJANGO_SECRET_KEY": "production-secret-key-from-the-environment",
    "DJANGO_JWT_SIGNING_KEY": "production-jwt-signing-key-from-the-environment",
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://bookstore@db.example.com:5432/bookstore",
    "PAYMENT_WEBHOOK_SECRET": "production-payment-webhook-secret-from-the-environment",
    "PAYMENT_FAKE_PROVIDER_ALLOWED": "true",
}
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECRET_KEY": settings.SECRET_KEY,
    "JWT_SIGNING_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
    "ACCESS_SECONDS": settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds(),
    "DATABASE": {key: settings.DATABASES["default"][key] for key in ("ENGINE", "NAME", "HOST")},
    "THROTTLE_LOGIN": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_login"],
    "CORS_ALLOWED_ORIGINS": settings.CORS_ALLOWED_ORIGINS,
    "PAYMENT_PROVIDER": settings.PAYMENT_PROVIDER,
    "PAYMENT_FAKE_PROVIDER_ALLOWED": settings.PAYMENT_FAKE_PROVIDER_ALLOWED,
    "PAYMENT_WEBHOOK_SECRET": settings.PAYMENT_WEBHOOK_SECRET,
}))
"""


def run_python(args, module, env_file, environ=None):
    """Run this interpreter in the project folder under that settings module and env file, with none of the
    DJANGO_ or PAYMENT_ variables (nor DATABASE_URL, REDIS_URL) of the environment the tests run in."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PAYMENT_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    process_env = inherited | {"DJANGO_SETTINGS_MODULE": module, "DJANGO_ENV_FILE": str(env_file)} | (environ or {})
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args], cwd=BASE_DIR, env=process_env, capture_output=True, text=True
    )


@pytest.fixture
def load_settings(tmp_path):
    """`load_settings(module, dotenv={...}, environ={...})`: the settings as a fresh process sees them, or the
    finished process when `check=False`."""

    def load(module, dotenv=None, environ=None, check=True):
        env_file = tmp_path / ".env"
        env_file.write_text("".join(f"{key}={value}\n" for key, value in (dotenv or {}).items()))
        process = run_python(["-c", PRINT_SETTINGS], module, env_file, environ)
        if not check:
            return process
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)

    return load


def production_environ(module, **overrides):
    return {**(PRODUCTION_REQUIRED if module.endswith("production") else {}), **overrides}


@pytest.mark.parametrize("module", MODULES)
def test_dotenv_applies_under_every_settings_module(load_settings, module):
    environ = production_environ(module)
    for key in ("DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        environ.pop(key, None)
    dotenv = {
        "DJANGO_ALLOWED_HOSTS": "books.example.org,.internal.example.org",
        "DJANGO_SECRET_KEY": "secret-key-from-dotenv",
        "DJANGO_JWT_SIGNING_KEY": "jwt-signing-key-from-dotenv-long-enough-for-hs256",
        "DJANGO_JWT_ACCESS_MINUTES": "3",
        "DJANGO_THROTTLE_LOGIN": "4/minute",
        "DATABASE_URL": "postgres://bookstore@127.0.0.1:5432/from_dotenv",
        "DJANGO_CORS_ALLOWED_ORIGINS": "https://shop.example.com,http://localhost:3000",
    }

    loaded = load_settings(module, dotenv=dotenv, environ=environ)

    assert loaded["ALLOWED_HOSTS"] == ["books.example.org", ".internal.example.org"]
    assert loaded["SECRET_KEY"] == "secret-key-from-dotenv"
    assert loaded["JWT_SIGNING_KEY"] == "jwt-signing-key-from-dotenv-long-enough-for-hs256"
    assert loaded["ACCESS_SECONDS"] == 180
    assert loaded["THROTTLE_LOGIN"] == "4/minute"
    assert loaded["DATABASE"]["NAME"] == "from_dotenv"
    assert loaded["CORS_ALLOWED_ORIGINS"] == ["https://shop.example.com", "http://localhost:3000"]


@pytest.mark.parametrize("module", MODULES)
def test_the_environment_wins_over_dotenv(load_settings, module):
    dotenv = {
        "DJANGO_ALLOWED_HOSTS": "from-dotenv.example.org",
        "DJANGO_SECRET_KEY": "secret-key-from-dotenv",
        "DJANGO_JWT_ACCESS_MINUTES": "3",
    }
    environ = production_environ(
        module,
        DJANGO_ALLOWED_HOSTS="from-environment.example.org",
        DJANGO_SECRET_KEY="secret-key-from-environment",
        DJANGO_JWT_ACCESS_MINUTES="7",
    )

    loaded = load_settings(module, dotenv=dotenv, environ=environ)

    assert loaded["ALLOWED_HOSTS"] == ["from-environment.example.org"]
    assert loaded["SECRET_KEY"] == "secret-key-from-environment"
    assert loaded["ACCESS_SECONDS"] == 420


@pytest.mark.parametrize("module", ["bookstore.settings.local", "bookstore.settings.test"])
@pytest.mark.parametrize("source", ["dotenv", "environ"])
def test_debug_follows_django_debug(load_settings, module, source):
    assert load_settings(module, **{source: {"DJANGO_DEBUG": "false"}})["DEBUG"] is False
    assert load_settings(module, **{source: {"DJANGO_DEBUG": "true"}})["DEBUG"] is True


def test_local_defaults_without_dotenv(load_settings):
    loaded = load_settings("bookstore.settings.local")

    assert loaded["DEBUG"] is True
    assert loaded["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert loaded["DATABASE"] == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "db.sqlite3"),
        "HOST": "",
    }
    assert loaded["ACCESS_SECONDS"] == 600
    assert loaded["CORS_ALLOWED_ORIGINS"] == []


def test_production_refuses_debug_from_dotenv(load_settings):
    process = load_settings(
        "bookstore.settings.production",
        dotenv={"DJANGO_DEBUG": "true"},
        environ=PRODUCTION_REQUIRED,
        check=False,
    )

    assert process.returncode != 0
    assert "DJANGO_DEBUG is true" in process.stderr


def test_production_keeps_debug_off(load_settings):
    assert load_settings("bookstore.settings.production", environ=PRODUCTION_REQUIRED)["DEBUG"] is False


def test_env_example_copied_as_dotenv_serves_locally_on_sqlite(tmp_path):
    """`cp .env.example .env && make run`: the local settings pass Django's checks, on SQLite, for the hosts
    that runserver answers on."""
    env_file = tmp_path / ".env"
    shutil.copy(BASE_DIR / ".env.example", env_file)

    check = run_python(["manage.py", "check"], "bookstore.settings.local", env_file)
    loaded = run_python(["-c", PRINT_SETTINGS], "bookstore.settings.local", env_file)

    assert check.returncode == 0, check.stderr
    settings = json.loads(loaded.stdout)
    assert settings["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DEBUG"] is True
    assert {"127.0.0.1", "localhost"} <= set(settings["ALLOWED_HOSTS"])


@pytest.mark.parametrize("allowed", [None, "false", "0"])
def test_production_refuses_the_fake_payment_provider_unless_allowed(load_settings, allowed):
    environ = {key: value for key, value in PRODUCTION_REQUIRED.items() if key != "PAYMENT_FAKE_PROVIDER_ALLOWED"}
    if allowed is not None:
        environ["PAYMENT_FAKE_PROVIDER_ALLOWED"] = allowed

    process = load_settings("bookstore.settings.production", environ=environ, check=False)

    assert process.returncode != 0
    assert "PAYMENT_FAKE_PROVIDER_ALLOWED=true" in process.stderr


def test_production_starts_with_the_fake_provider_allowed_explicitly(load_settings):
    loaded = load_settings("bookstore.settings.production", environ=PRODUCTION_REQUIRED)

    assert loaded["PAYMENT_PROVIDER"] == "fake"
    assert loaded["PAYMENT_FAKE_PROVIDER_ALLOWED"] is True
    assert loaded["PAYMENT_WEBHOOK_SECRET"] == PRODUCTION_REQUIRED["PAYMENT_WEBHOOK_SECRET"]


def test_production_with_a_real_provider_needs_no_fake_provider_switch(load_settings):
    environ = {key: value for key, value in PRODUCTION_REQUIRED.items() if key != "PAYMENT_FAKE_PROVIDER_ALLOWED"}

    loaded = load_settings("bookstore.settings.production", environ=environ | {"PAYMENT_PROVIDER": "acmepay"})

    assert loaded["PAYMENT_PROVIDER"] == "acmepay"
    assert loaded["PAYMENT_FAKE_PROVIDER_ALLOWED"] is False


@pytest.mark.parametrize("secret", [None, "", "local-payment-webhook-secret"])
@pytest.mark.parametrize("source", ["dotenv", "environ"])
def test_production_refuses_to_start_without_its_own_webhook_secret(load_settings, secret, source):
    environ = {key: value for key, value in PRODUCTION_REQUIRED.items() if key != "PAYMENT_WEBHOOK_SECRET"}
    given = {} if secret is None else {"PAYMENT_WEBHOOK_SECRET": secret}
    sources = {"environ": environ | given} if source == "environ" else {"environ": environ, "dotenv": given}

    process = load_settings("bookstore.settings.production", check=False, **sources)

    assert process.returncode != 0
    assert "Set the PAYMENT_WEBHOOK_SECRET environment variable" in process.stderr


@pytest.mark.parametrize("module", ["bookstore.settings.local", "bookstore.settings.test"])
def test_local_and_test_pay_with_the_fake_provider_and_a_local_secret(load_settings, module):
    loaded = load_settings(module)

    assert loaded["PAYMENT_PROVIDER"] == "fake"
    assert loaded["PAYMENT_FAKE_PROVIDER_ALLOWED"] is True
    assert loaded["PAYMENT_WEBHOOK_SECRET"] == "local-payment-webhook-secret"


PRINT_DATABASES = """
import json
from django.conf import settings
replica = settings.DATABASES.get("replica")
print(json.dumps({
    "replica": replica and {key: replica[key] for key in ("HOST", "OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")},
    "routers": settings.DATABASE_ROUTERS,
    "sticky": settings.DATABASE_REPLICA_STICKY_SECONDS,
}))
"""


@pytest.mark.parametrize("replica_url", ["", "postgres://bookstore@replica.example.com:5432/bookstore"])
def test_production_reads_from_a_replica_only_when_database_replica_url_is_set(tmp_path, replica_url):
    environ = {**PRODUCTION_REQUIRED, "DATABASE_REPLICA_URL": replica_url, "DATABASE_REPLICA_STICKY_SECONDS": "3"}
    env_file = tmp_path / ".env"
    env_file.write_text("")
    process = run_python(["-c", PRINT_DATABASES], "bookstore.settings.production", env_file, environ)
    assert process.returncode == 0, process.stderr

    loaded = json.loads(process.stdout)

    if not replica_url:
        assert loaded == {"replica": None, "routers": [], "sticky": 3}
    else:
        assert loaded == {
            "replica": {
                "HOST": "replica.example.com",
                "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5, "connect_timeout": 2},
                "CONN_MAX_AGE": 60,
                "CONN_HEALTH_CHECKS": True,
            },
            "routers": ["bookstore.replica.PrimaryReplicaRouter"],
            "sticky": 3,
        }
