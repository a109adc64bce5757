"""A shared cache of anonymous API reads (Redis when REDIS_URL is set), exact under writes.

One `ReadCache` covers a group of tables, e.g. the catalog's. An anonymous JSON read of a view that names it is
answered from the cache when an entry is there for its URL (scheme, host, path and query) and media type, and that
entry was stored under the group's current *generation*: a random token kept in the cache beside the entries.
The token and the entry are fetched in one round trip (MGET). A miss reads the primary database (never a replica,
which may lag), answers, and stores the rendered body with the generation it read before reading the database.

A write makes every entry of the group stale by giving the group a new generation. Writes are seen where they are
made, by a database execute wrapper on every connection of every process (`watch`): any INSERT, UPDATE, DELETE or
TRUNCATE on one of the group's tables, from the services, the admin, cascades, `QuerySet.update()` or raw SQL
through Django's cursors, gives a new generation at once, and again when its transaction commits (on_commit runs
before the writing request answers). So the next read after a write, on any process, misses and reads the database:

- a reader that read the old generation while the write was in flight stores its page under the old generation,
  which nobody asks for any more;
- a reader that read the generation set at the write's first statement, then a database that did not show the
  write yet (it had not committed), stores under a generation that the commit replaces.

A write that no execute wrapper sees (psql, another program, a COPY through psycopg's own cursor with no other
write in its transaction) shows when the entries expire (API_READ_CACHE_SECONDS), or at once after `invalidate()`.
The same bound holds if the cache cannot be reached when a write commits: the failure is logged, and readers may
see the old entries until they expire.
"""

import contextvars
import hashlib
import logging
import re
import secrets
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

logger = logging.getLogger(__name__)

# True while a read whose answer will be stored is served: the database router reads the primary then
# (bookstore/replica.py), so that no entry holds a replica's lagging view.
storing = contextvars.ContextVar("read_cache_storing", default=False)

WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.IGNORECASE)


class ReadCache:
    """The cached reads of the tables whose names start with `table_prefix` (module docstring)."""

    def __init__(self, name: str, *, table_prefix: str):
        self.name = name
        self.table_prefix = table_prefix
        self.generation_key = f"read:{name}:generation"

    @staticmethod
    def enabled() -> bool:
        return settings.API_READ_CACHE_SECONDS > 0

    # Reads ------------------------------------------------------------------------------------------------------

    def entry_key(self, url: str, media_type: str) -> str:
        digest = hashlib.blake2b(f"{media_type} {url}".encode(), digest_size=20).hexdigest()
        return f"read:{self.name}:{digest}"

    def lookup(self, key: str) -> tuple[str | None, HttpResponse | None]:
        """The current generation (None: unknown, do not store) and the cached answer for `key`, if any."""
        try:
            found = cache.get_many([self.generation_key, key])
        except Exception:  # an unreachable cache: read the database, store nothing
            logger.warning("Read cache unavailable; answering from the database.", exc_info=True)
            return None, None
        generation = found.get(self.generation_key)
        if generation is None:
            self._start_generation()
            return None, None
        entry = found.get(key)
        if entry is None or entry[0] != generation:
            return generation, None
        _, content_type, etag, body = entry
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = etag
        return generation, response

    def store(self, key: str, generation: str, response) -> None:
        """Keep a rendered 200 answer under the generation read before the database was."""
        if response.status_code != 200 or "ETag" not in response:
            return
        entry = (generation, response["Content-Type"], response["ETag"], response.content)
        try:
            cache.set(key, entry, timeout=settings.API_READ_CACHE_SECONDS)
        except Exception:
            logger.warning("Read cache unavailable; an answer was not stored.", exc_info=True)

    @staticmethod
    @contextmanager
    def reading_to_store():
        """Around a read whose answer will be stored: its queries go to the primary."""
        token = storing.set(True)
        try:
            yield
        finally:
            storing.reset(token)

    # Writes -----------------------------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """A new generation: every entry stored so far is stale."""
        try:
            cache.set(self.generation_key, secrets.token_hex(8), timeout=None)
        except Exception:
            logger.error(
                "Read cache unavailable; cached %s reads may be stale for up to %s s.",
                self.name,
                settings.API_READ_CACHE_SECONDS,
                exc_info=True,
            )

    def _start_generation(self):
        try:
            cache.add(self.generation_key, secrets.token_hex(8), timeout=None)
        except Exception:
            logger.warning("Read cache unavailable.", exc_info=True)

    def watch(self, execute, sql, params, many, context):
        """Execute wrapper (see `install`): every write statement to one of the tables invalidates at once (a test's
        transaction never commits, and its later writes must still show), and its transaction invalidates again
        when it commits (once, however many statements it wrote)."""
        if self.enabled() and isinstance(sql, str):
            match = WRITE.match(sql)
            if match and match.group(1).lower().startswith(self.table_prefix):
                self._written(context["connection"])
        return execute(sql, params, many, context)

    def _written(self, connection):
        self.invalidate()
        if connection.in_atomic_block and not any(
            callback == self.invalidate for _, callback, _ in connection.run_on_commit
        ):
            connection.on_commit(self.invalidate, robust=True)

    def install(self, sender=None, *, connection, **kwargs) -> None:
        """Watch `connection`'s writes: the `connection_created` receiver. Idempotent (a connection object
        reconnects), and first in the list: `execute_wrapper()` blocks remove the last one when they end."""
        if self.watch not in connection.execute_wrappers:
            connection.execute_wrappers.insert(0, self.watch)
