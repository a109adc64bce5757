"""No secret in any log line the whole suite writes (a pytest plugin, loaded by tests/conftest.py).

From the start of the session, a handler on the root logger formats every record the way production writes it
(the LOGGING formatter and filters: JSON, with the request's fields and any traceback) and looks in the line for
a JWT, an Authorization header value, a password the factories or the demo accounts use, or one of the server's
own secrets. Records reach it at the levels the settings log (DJANGO_LOG_LEVEL), as they would in production.
At the end of the session, any line found fails the run, and so does a run of API tests in which the handler saw
no request line at all (the capture itself would be broken).
"""

import ast
import logging
import logging.config
import re

import pytest
from django.conf import settings

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}")
AUTHORIZATION_VALUE = re.compile(r"(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")


def demo_staff_password():
    """DEMO_STAFF_PASSWORD as bookstore/settings/local.py defines it (importing the module would change this
    process's environment)."""
    tree = ast.parse((settings.BASE_DIR / "bookstore" / "settings" / "local.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEMO_STAFF_PASSWORD":
            return node.value.value
    raise LookupError("DEMO_STAFF_PASSWORD is not in bookstore/settings/local.py")


def known_secrets():
    """Values that must never be written to a log, whatever surrounds them."""
    from tests.factories import PASSWORD  # once Django is set up: the factories import models

    return {
        "factory password": PASSWORD,
        "demo staff password": demo_staff_password(),
        "SECRET_KEY": settings.SECRET_KEY,
        "JWT signing key": settings.SIMPLE_JWT["SIGNING_KEY"],
        "payment webhook secret": settings.PAYMENT_WEBHOOK_SECRET,
    }


def find_secrets(line, secrets):
    """What in one log line is a secret: [(kind, the text found)]."""
    found = [("JWT", match) for match in JWT.findall(line)]
    found += [("Authorization value", match) for match in AUTHORIZATION_VALUE.findall(line)]
    found += [(kind, value) for kind, value in secrets.items() if value and value in line]
    return found


def format_like_console(handler):
    """Give `handler` the formatter and filters of the settings' console handler: it then writes what production
    writes (the JSON line, with the request's fields)."""
    console = settings.LOGGING["handlers"]["console"]
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    # Copies: the configurator takes the factory ("()") out of the dict it is given.
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"][console["formatter"]])))
    for name in console.get("filters", []):
        handler.addFilter(configurator.configure_filter(dict(settings.LOGGING["filters"][name])))
    return handler


class SecretScanningHandler(logging.Handler):
    """Formats each record as the settings' console handler does and keeps the lines that hold a secret."""

    def __init__(self, secrets):
        super().__init__(level=logging.NOTSET)
        format_like_console(self)
        self.secrets = secrets
        self.records = 0
        self.request_lines = 0
        self.leaks = []

    def emit(self, record):
        line = self.format(record)
        self.records += 1
        self.request_lines += getattr(record, "event", None) == "request"
        for kind, text in find_secrets(line, self.secrets):
            self.leaks.append((kind, text, line))


_handler: SecretScanningHandler | None = None


def pytest_sessionstart(session):
    global _handler
    _handler = SecretScanningHandler(known_secrets())
    logging.getLogger().addHandler(_handler)


def pytest_sessionfinish(session, exitstatus):
    if _handler is None:
        return
    logging.getLogger().removeHandler(_handler)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    problems = [f"{kind} in a log line: {text[:12]}... in {line[:300]}" for kind, text, line in _handler.leaks]
    ran_api_tests = any("_api.py" in item.nodeid for item in session.items)
    if ran_api_tests and exitstatus == pytest.ExitCode.OK and _handler.request_lines == 0:
        problems.append("the log capture saw no request line: it is not capturing the application's logs")
    if reporter is not None:
        reporter.write_line(
            f"log check: {_handler.records} log records scanned ({_handler.request_lines} request lines), "
            f"{len(_handler.leaks)} with a secret"
        )
        for problem in problems:
            reporter.write_line(f"LOG CHECK FAILED: {problem}", red=True)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
