import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import ROLE_FACTORIES, CatalogManagerFactory, CustomerFactory, SuperuserFactory


@pytest.fixture
def api_client():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def customer(db):
    """A customer: in the `customers` group, as every registered user is."""
    return CustomerFactory()


@pytest.fixture
def catalog_manager(db):
    return CatalogManagerFactory()


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def client_for(db):
    """`client_for(role)`: an API client authenticated as a new user of that role ("anonymous", "customer",
    "catalog_manager", "superuser"); see ROLE_FACTORIES."""

    def make(role):
        client = APIClient()
        if ROLE_FACTORIES[role] is not None:
            client.force_authenticate(ROLE_FACTORIES[role]())
        return client

    return make


@pytest.fixture
def catalog_manager_client(client_for):
    """An API client authenticated as a catalog manager."""
    return client_for("catalog_manager")


@pytest.fixture
def superuser_browser(superuser):
    """Django's test client (a browser, not an API client) with a superuser logged in: for the admin."""
    browser = Client()
    browser.force_login(superuser)
    return browser


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# The shopping fixtures serve tests/orders and tests/payments alike; tests/logcheck.py fails the run when any
# log line of the suite holds a token, a password or an Authorization value.
pytest_plugins = ["tests.shopping", "tests.logcheck"]
