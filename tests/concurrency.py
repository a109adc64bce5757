"""What the concurrency tests share: PostgreSQL only (SQLite serialises every write, so nothing would race),
committed data rather than one test transaction, and calls released together from real threads."""

import threading

import pytest
from django.db import connection


def concurrency_marks(needs="concurrent requests with row locks"):
    """The module's `pytestmark`: skip on SQLite saying what PostgreSQL is needed for, and run outside a test
    transaction, since each thread or process commits through its own connection (serialized_rollback
    restores the migrated data, the role groups, for any test that runs after)."""
    return [
        pytest.mark.skipif(
            connection.vendor != "postgresql",
            reason=f"needs PostgreSQL: {needs}; SQLite serialises every write",
        ),
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]


def at_once(calls):
    """Run each callable in its own thread, released together; answers what each returned (or its exception)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # reported by the assertions instead of dying silently in the thread
            results[index] = ("exception", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
