"""bookstore.postgresql: Django's health check of a persistent connection, skipped for a connection that served a
request within the last second, and run as before on one idle for longer."""

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import load_backend

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
    pytest.mark.django_db,
]


@pytest.fixture
def wrapper():
    """A connection of its own to the test database, as production opens them: persistent and health-checked."""
    settings_dict = {**connections["default"].settings_dict, "CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": True}
    assert settings_dict["ENGINE"] == "bookstore.postgresql"
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    yield wrapper
    wrapper.close()


@pytest.fixture
def checks(wrapper, monkeypatch):
    """The health checks `wrapper` runs (each one a `SELECT 1` round trip)."""
    made = []
    usable = wrapper.is_usable

    def counted():
        made.append(True)
        return usable()

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return made


def request(wrapper):
    """What a request does with the connection: a query, then Django's end-of-request cleanup."""
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]
    finally:
        wrapper.close_if_unusable_or_obsolete()


def terminate(wrapper):
    """The server drops `wrapper`'s connection (as a restart or an idle timeout would)."""
    pid = wrapper.connection.info.backend_pid
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_that_just_served_a_request_is_not_checked_again(wrapper, checks):
    assert request(wrapper) == 1  # opens the connection: no check
    assert request(wrapper) == 1
    assert request(wrapper) == 1
    assert checks == []


def test_an_idle_connection_is_checked_and_a_dropped_one_replaced(wrapper, checks, monkeypatch):
    request(wrapper)
    terminate(wrapper)
    wrapper.fresh_until = 0.0  # idle for longer than FRESH_SECONDS
    assert request(wrapper) == 1
    assert checks == [True]
    # The replacement is fresh: the next request skips the check.
    assert request(wrapper) == 1
    assert checks == [True]


def test_a_connection_dropped_within_the_second_fails_one_request_and_is_replaced(wrapper, checks):
    request(wrapper)
    terminate(wrapper)
    with pytest.raises(OperationalError):
        request(wrapper)
    assert wrapper.connection is None  # the error closed it
    assert request(wrapper) == 1
