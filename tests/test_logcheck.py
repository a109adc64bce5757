"""tests/logcheck.py, the suite-wide check that no log line holds a secret, can fail: a pytest run of its own
(a fresh process, the plugin loaded as tests/conftest.py loads it) fails when a test logs one."""

import subprocess
import sys

import pytest
from django.conf import settings

from tests.factories import PASSWORD
from tests.logcheck import find_secrets, known_secrets

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoxLCJqdGkiOiJhYmMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def run_suite(tmp_path, body):
    test_file = tmp_path / "test_logging_something.py"
    test_file.write_text(f"import logging\n\n\ndef test_logs():\n    {body}\n")
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.logcheck", str(test_file)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "logged",
    [
        f"'refreshing with {JWT}'",
        "'headers: %s', {'HTTP_AUTHORIZATION': 'Bearer abcdefgh12345678'}",
        f"'login with %s', {PASSWORD!r}",
    ],
    ids=["jwt", "authorization", "factory password"],
)
def test_a_secret_in_any_log_line_fails_the_run(tmp_path, logged):
    run = run_suite(tmp_path, f"logging.getLogger('some.module').warning({logged})")

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "LOG CHECK FAILED" in run.stdout


def test_a_run_without_secrets_passes(tmp_path):
    run = run_suite(tmp_path, "logging.getLogger('some.module').warning('order %s placed', 12)")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "log check: 1 log records scanned (0 request lines), 0 with a secret" in run.stdout


def test_what_counts_as_a_secret():
    secrets = known_secrets()

    assert [kind for kind, _ in find_secrets(f'{{"message": "x {JWT}"}}', secrets)] == ["JWT"]
    assert [kind for kind, _ in find_secrets("Authorization: Basic dXNlcjpwYXNzd29yZA==", secrets)] == [
        "Authorization value"
    ]
    assert find_secrets(f"key {settings.PAYMENT_WEBHOOK_SECRET}", secrets) == [
        ("payment webhook secret", settings.PAYMENT_WEBHOOK_SECRET)
    ]
    line = '{"message": "GET /api/v1/books/ 200", "request_id": "5f0c2a8e9b7d4c1e", "user_id": 3}'
    assert find_secrets(line, secrets) == []
