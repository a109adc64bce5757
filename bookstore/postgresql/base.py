"""Django's PostgreSQL backend, whose health check skips a connection that has just served a request.

With `CONN_HEALTH_CHECKS` (production), Django checks a persistent connection with a round trip (`SELECT 1`) at
the start of every request that uses it, so that a connection the server dropped since (a restart, a failover, an
idle timeout) is replaced instead of failing the request. Under load a connection is reused within milliseconds,
and the check was a second round trip beside most requests' one query (the catalog's reads).

Here a connection that served a request without error less than `FRESH_SECONDS` ago counts as checked. A server
that goes away within that second fails the request that next uses the connection, as it would had it gone away a
moment later, during the request; the error closes the connection, so the request after gets a new one. A
connection idle for longer is checked as before, so a quiet process still meets a restarted server with a fresh
connection.
"""

import time

from django.db.backends.postgresql import base

FRESH_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    fresh_until = 0.0

    def close_if_health_check_failed(self):
        if self.connection is not None and not self.health_check_done and time.monotonic() < self.fresh_until:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # At the end of a request: the request used the connection when it checked or opened it (both mark the
        # check done), and it served without error when no error other than a data or integrity error occurred.
        served = self.connection is not None and self.health_check_done and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if served and self.connection is not None:
            self.fresh_until = time.monotonic() + FRESH_SECONDS

    def close(self):
        self.fresh_until = 0.0
        super().close()
