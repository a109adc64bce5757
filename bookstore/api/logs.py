"""What every log line of a request carries: its id (X-Request-ID) and the client, from a context variable
that RequestLogMiddleware sets for the length of the request and RequestContextFilter copies into each record.

Any module logs as usual (`logging.getLogger(__name__)`, notable events with `extra={"event": ...}`); the
handler's filter adds the request's fields, so no code has to pass them along.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.db import transaction
from rest_framework.throttling import BaseThrottle

# An id a proxy (or a client) may hand us: letters, digits, dot, underscore, dash; 8 to 128 of them. Anything
# else (too short, too long, spaces, quotes, a newline that would forge a log line) is replaced by our own id.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,128}")

# The request being served by this thread (WSGI) or task (ASGI); None outside a request (commands, start-up).
request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)


def request_id_from(header: str | None) -> str:
    """The proxy's X-Request-ID when it looks like an id, a new one otherwise."""
    if header and REQUEST_ID_PATTERN.fullmatch(header):
        return header
    return uuid.uuid4().hex


def client_address(request) -> str | None:
    """The client as the throttles count it: REMOTE_ADDR, or the X-Forwarded-For entry that the trusted proxies
    (REST_FRAMEWORK["NUM_PROXIES"], DJANGO_NUM_PROXIES) appended, never an entry a client could have written."""
    return BaseThrottle().get_ident(request) or None


class RequestContextFilter(logging.Filter):
    """Adds `request_id` (and `client`) of the request being served to every record a handler writes."""

    def filter(self, record):
        context = request_context.get()
        if context is not None:
            for key, value in context.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


def log_event(logger: logging.Logger, event: str, message: str, **fields) -> None:
    """Log a notable event (`event` names it, `fields` say what it was about) once the transaction that made it
    commits: a change that was rolled back did not happen, and is not logged."""
    transaction.on_commit(lambda: logger.info(message, extra={"event": event, **fields}))
