"""Django's PostgreSQL backend, whose health check skips a connection checked or opened within the last second.

With `CONN_HEALTH_CHECKS` (production), Django checks a persistent connection with a round trip (`SELECT 1`) at
the start of every request that uses it, so that a connection the server dropped since (a restart, a failover, an
idle timeout) is replaced instead of failing the request. Under load a connection serves a request every few
milliseconds, and the check was a second round trip beside most requests' one query (the catalog's reads).

Here a connection that was opened, or passed a check, less than `FRESH_SECONDS` ago is not checked again: under
load each connection is checked about once a second instead of once a request. Only those two round trips count
as evidence, not the requests served in between (a request may use a connection without reaching the server), so
a quiet or a busy process alike meets a restarted server with at most one failed request per connection: one
that the server dropped within a second of its last check fails the request that next uses it, as it would had
the server gone away during that request, and the error closes it, so the next request gets a new one.
"""

import time

from django.db.backends.postgresql import base

FRESH_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    checked_until = 0.0

    def connect(self):
        super().connect()
        self.checked_until = time.monotonic() + FRESH_SECONDS

    def is_usable(self):
        usable = super().is_usable()
        if usable:
            self.checked_until = time.monotonic() + FRESH_SECONDS
        return usable

    def close_if_health_check_failed(self):
        if self.connection is not None and not self.health_check_done and time.monotonic() < self.checked_until:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self):
        self.checked_until = 0.0
        super().close()
