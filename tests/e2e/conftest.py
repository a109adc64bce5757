"""Browser tests: headless Chromium driven by Playwright (pytest-playwright) against a live server.

Chromium is Debian's package, never a Playwright download (do not run `playwright install`). Without it
every test here is skipped with a reason that says how to enable them: `apt-get install chromium`.
E2E_CHROMIUM=<path> runs another Chromium binary (default /usr/bin/chromium); pointing it at a missing
file, e.g. E2E_CHROMIUM=/nonexistent, shows the skip path on a machine that has Chromium.

The browser reaches the live server as http://bookstore.test:<port>/ (Chromium maps the name to
127.0.0.1), not as localhost, so that the pages do what they do on a real host: bundled front ends
treat localhost specially (Swagger UI's online-validator badge, an image from validator.swagger.io, is
left out on localhost).
On failure a screenshot is left under test-output/playwright/ (the options are in pyproject.toml).
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from django.db.migrations.loader import MigrationLoader

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; without this, Django refuses ORM calls
# from the tests ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
HOST = "bookstore.test"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run last. Each ends with a flush of every table, the role groups included, so
    # pytest-django puts such tests after the others; pytest then regroups the tests by the browser
    # parameter of pytest-playwright, which would move these before tests that need the groups.
    items.sort(key=lambda item: item.path.is_relative_to(E2E_DIR))
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) to run these tests"
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """The live server as the browser sees it; `page.goto(reverse(...))` is relative to it."""
    return live_server.url.replace("localhost", HOST, 1)


@pytest.fixture(autouse=True)
def _serve_browser_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


@pytest.fixture(scope="session")
def migration_apps():
    """The models as the migrations see them, for running data migrations again."""
    return MigrationLoader(None).project_state().apps


@pytest.fixture(autouse=True)
def _migrated_database(transactional_db, migration_apps):
    """Each browser test starts from the database as `migrate` leaves it: content types, permissions,
    and the role groups with their permissions (catalog and order managers), made by the data migrations
    that made them at first.

    A transactional test ends with a flush of every table, and after one with serialized_rollback not
    even the content types are made again. serialized_rollback cannot restore the rows here: once
    Playwright's event loop runs, the test sees another Django connection object than the one the test
    database was set up (and serialized) with."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    import_module("accounts.migrations.0002_roles").create_roles(migration_apps, None)
    import_module("catalog.migrations.0002_catalog_managers_permissions").grant(migration_apps, None)
    import_module("orders.migrations.0002_order_managers_permissions").grant(migration_apps, None)


@pytest.fixture
def log_in(page):
    """`log_in(url, user)`: sign in through the login form at that URL, as a person does.

    The admin's and the browsable API's login pages share Django's form (email and password)."""

    def submit(url, user):
        page.goto(url)
        page.locator("#id_username").fill(user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    return submit
