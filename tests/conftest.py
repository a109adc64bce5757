import pytest
from rest_framework.test import APIClient

from tests.factories import CatalogManagerFactory, SuperuserFactory, UserFactory


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def catalog_manager(db):
    return CatalogManagerFactory()


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def client_for(db):
    """`client_for(role)`: an API client authenticated as that role ("anonymous", "customer", ...)."""
    makers = {
        "anonymous": None,
        "customer": UserFactory,
        "catalog_manager": CatalogManagerFactory,
        "superuser": SuperuserFactory,
    }

    def make(role):
        client = APIClient()
        if makers[role] is not None:
            client.force_authenticate(makers[role]())
        return client

    return make


@pytest.fixture
def manager_client(client_for):
    """An API client authenticated as a catalog manager."""
    return client_for("catalog_manager")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
