"""bookstore.postgresql: Django's health check of a persistent connection, skipped for a connection opened or
checked within the last second, and run as before once that second has passed, however many requests it served."""

import pytest
from django.db import OperationalError, ProgrammingError, connection, connections
from django.db.utils import load_backend

from bookstore.postgresql import base

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
    """What a request does with the connection: Django's cleanup at its start, a query, the cleanup at its end."""
    wrapper.close_if_unusable_or_obsolete()
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


def test_a_connection_opened_within_the_second_is_not_checked(wrapper, checks):
    assert request(wrapper) == 1  # opens the connection: no check
    assert request(wrapper) == 1
    assert request(wrapper) == 1
    assert checks == []


def test_an_idle_connection_is_checked_and_a_dropped_one_replaced(wrapper, checks):
    request(wrapper)
    terminate(wrapper)
    wrapper.checked_until = 0.0  # opened or checked more than FRESH_SECONDS ago
    assert request(wrapper) == 1
    assert checks == [True]
    # The replacement was just opened: the next request skips the check.
    assert request(wrapper) == 1
    assert checks == [True]


def test_a_connection_dropped_within_the_second_fails_one_request_and_is_replaced(wrapper, checks):
    request(wrapper)
    terminate(wrapper)
    with pytest.raises(OperationalError):
        request(wrapper)
    assert wrapper.connection is None  # the error closed it
    assert request(wrapper) == 1


def test_requests_served_do_not_stand_for_a_check(wrapper, checks, monkeypatch):
    """However busy the connection, it is checked again once a second has passed since its last round trip that
    proved it alive (opened or checked): serving requests in between proves nothing."""
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    request(wrapper)  # opened at 1000.0
    for _ in range(8):
        clock[0] += 0.3
        request(wrapper)
    assert checks == [True, True]  # at 1001.2 (past 1001.0), then at 1002.4 (past 1002.2)


def test_a_check_after_an_error_does_not_outlast_its_second(wrapper, checks, monkeypatch):
    """After a query error, Django checks the connection at the end of the request; that check, not the request's
    end, is what starts the second."""
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    request(wrapper)
    with pytest.raises(ProgrammingError), wrapper.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    clock[0] += 0.5
    wrapper.close_if_unusable_or_obsolete()  # the error: Django checks the connection (usable) and keeps it
    assert checks == [True]
    clock[0] += 2.5  # idle
    assert request(wrapper) == 1
    assert checks == [True, True]
