"""The README's curl examples work as written: every ```sh block with a curl command runs, in README order, in
one bash session against a live server holding what `make run` sets up (the demo catalog and accounts), with
only the README's host replaced by the live server's."""

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.management import call_command

BASE_DIR = Path(settings.BASE_DIR)
README = BASE_DIR / "README.md"
README_HOST = "http://127.0.0.1:8000"
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.DOTALL | re.MULTILINE)
# A trailing comment that starts with a status code says what the command answers, e.g. `# 304`.
STATUS_COMMENT = re.compile(r"\s#\s*(\d{3})\b[^'\"#]*$")

pytestmark = [
    pytest.mark.skipif(not shutil.which("curl"), reason="needs curl (apt-get install curl)"),
    pytest.mark.skipif(not shutil.which("jq"), reason="needs jq, as the README says (apt-get install jq)"),
]


def readme_script():
    """The README's shell blocks that call curl, in order."""
    blocks = [block for block in SHELL_BLOCK.findall(README.read_text(encoding="utf-8")) if "curl " in block]
    return "\n".join(blocks)


def curl_commands(script):
    """Each curl command of the script, in order, with the status its trailing comment promises (or None).
    A command goes on while a line ends in a backslash or a quote is still open."""
    commands = []
    lines = iter(script.splitlines())
    for line in lines:
        if line.lstrip().startswith("#") or "curl " not in line:
            continue
        command = [line]
        while command[-1].endswith("\\") or not _quotes_closed("\n".join(command)):
            command.append(next(lines))
        status = STATUS_COMMENT.search(command[-1])
        commands.append(("\n".join(command), int(status.group(1)) if status else None))
    return commands


def _quotes_closed(text):
    try:
        shlex.split(text.replace("\\\n", " "), comments=True)
    except ValueError:
        return False
    return True


def demo_staff_settings():
    """DEMO_STAFF_EMAIL and DEMO_STAFF_PASSWORD as the local settings (`make run`) define them."""
    tree = ast.parse((BASE_DIR / "bookstore" / "settings" / "local.py").read_text(encoding="utf-8"))
    return {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "").startswith("DEMO_STAFF_")
    }


@pytest.fixture
def answers(monkeypatch):
    """What the live server answers, request by request: (method, path, status, content type, body)."""
    answered = []
    get_response = BaseHandler.get_response

    def recording(handler, request):
        response = get_response(handler, request)
        body = b"" if response.streaming else response.content
        answered.append(
            (request.method, request.get_full_path(), response.status_code, response.get("Content-Type", ""), body)
        )
        return response

    monkeypatch.setattr(BaseHandler, "get_response", recording)
    return answered


@pytest.fixture
def demo_installation(settings, live_server):
    """The live server with what `make setup` leaves: the demo catalog and the demo staff accounts."""
    for name, value in demo_staff_settings().items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    call_command("load_demo_catalog", verbosity=0)
    call_command("create_demo_staff", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


# Ids in the README (publisher 1, book 1, ...) are those of a fresh `make run`: sequences start at 1. The role
# groups and permissions that the migrations made are restored before the test (serialized_rollback).
@pytest.mark.django_db(transaction=True, reset_sequences=True, serialized_rollback=True)
def test_readme_curl_examples_work_top_to_bottom(demo_installation, answers):
    script = readme_script()
    commands = curl_commands(script)
    environment = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}

    run = subprocess.run(  # noqa: S603 - bash with the README's own commands
        ["bash", "-c", "set -euo pipefail\n" + script.replace(README_HOST, demo_installation.url)],  # noqa: S607
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, f"stdout (end):\n{run.stdout[-2000:]}\nstderr (end):\n{run.stderr[-2000:]}"
    assert len(commands) >= 15, "the README's examples were not found"
    assert len(answers) == len(commands), [answer[:3] for answer in answers]
    for (command, status), (method, path, answered, content_type, body) in zip(commands, answers, strict=True):
        where = f"{command}\n-> {method} {path} answered {answered}: {body[:300]!r}"
        if status is None:
            assert 200 <= answered < 300, where
        else:
            assert answered == status, where
        if content_type.startswith("application/json"):
            envelope = json.loads(body)
            assert set(envelope) == {"success", "data", "error"}, where
            assert envelope["success"] is True, where
