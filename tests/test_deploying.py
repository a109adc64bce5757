"""README "Deploying" agrees with the code: its environment variables table names exactly the variables the
settings, gunicorn.conf.py and the entry points read; the production environment it documents passes
`check --deploy` with no warning; gunicorn.conf.py resolves to what the README says."""

import ast
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.test_settings import run_python

BASE_DIR = Path(settings.BASE_DIR)
README = (BASE_DIR / "README.md").read_text(encoding="utf-8")
# Every file that reads the environment of a deployment.
READERS = [
    *sorted((BASE_DIR / "bookstore" / "settings").glob("*.py")),
    BASE_DIR / "gunicorn.conf.py",
    BASE_DIR / "manage.py",
    BASE_DIR / "bookstore" / "wsgi.py",
    BASE_DIR / "bookstore" / "asgi.py",
]


def deploying_section():
    start = README.index("\n## Deploying\n")
    end = README.index("\n## ", start + 1)
    return README[start:end]


def documented_variables():
    """The first column of the environment variables table."""
    section = deploying_section()
    table = section[section.index("| variable | default | meaning |") :].split("\n\n")[0]
    rows = table.splitlines()[2:]
    return [re.fullmatch(r"\| `([A-Z0-9_]+)` \|.*", row).group(1) for row in rows]


def variables_read():
    """Each variable the code reads: env("X"), env.bool("X", ...), os.environ.get / setdefault / ["X"]."""
    names = set()
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                function = ast.unparse(node.func)
                if function == "env" or function.startswith("env.") or function in ENVIRON_CALLS:
                    names.add(node.args[0].value)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                names.add(node.slice.value)
    return names


ENVIRON_CALLS = {"os.environ.get", "os.environ.setdefault", "os.getenv"}


def test_the_environment_table_names_every_variable_the_code_reads_and_no_other():
    documented = documented_variables()

    assert len(documented) == len(set(documented)), "a variable is in the table twice"
    assert sorted(set(documented) - variables_read()) == [], "in the table, read nowhere"
    assert sorted(variables_read() - set(documented)) == [], "read by the code, missing from the table"


def test_the_reader_finds_variables_however_they_are_read():
    """The parser behind the table check sees each form the settings use (a check that finds nothing passes)."""
    read = variables_read()

    assert {"DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ENV_FILE", "WEB_CONCURRENCY", "DJANGO_SETTINGS_MODULE"} <= read
    assert {"GUNICORN_CONTROL_SOCKET", "DJANGO_CONN_MAX_AGE", "PAYMENT_FAKE_PROVIDER_ALLOWED"} <= read


def documented_check_deploy():
    """The README's `check --deploy` command: its environment, with each <placeholder> and `...` made concrete."""
    section = deploying_section()
    block = section[section.index("`check --deploy` passes") :].split("```")[1]
    block = re.sub(r"<[^>]*>", lambda _: secrets.token_urlsafe(50), block)
    block = block.replace("postgres://...", "postgres://bookstore@db.example.com:5432/bookstore")
    words = shlex.split(block.replace("\\\n", " "))
    environ = dict(word.split("=", 1) for word in words[: words.index("python")])
    return environ, words[words.index("python") + 1 :]


def test_the_documented_production_environment_passes_check_deploy_with_no_warning(tmp_path):
    environ, command = documented_check_deploy()
    env_file = tmp_path / ".env"
    env_file.write_text("")

    process = run_python(command, environ.pop("DJANGO_SETTINGS_MODULE"), env_file, environ)

    assert command == ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    assert process.returncode == 0, process.stderr
    assert "System check identified no issues (0 silenced)." in process.stdout


def gunicorn_config(**environ):
    """gunicorn.conf.py as gunicorn resolves it (`--print-config`) under that environment."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bookstore.settings.test", **environ}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.run(  # noqa: S603 - the virtualenv's gunicorn, fixed arguments
        [gunicorn, "-c", "gunicorn.conf.py", "bookstore.wsgi", "--print-config"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(re.findall(r"^(\w+)\s+= (.*)$", process.stdout, re.MULTILINE))


def test_gunicorn_conf_defaults():
    config = gunicorn_config()

    assert {key: config[key] for key in ("worker_class", "workers", "threads", "bind")} == {
        "worker_class": "gthread",
        "workers": "2",
        "threads": "4",
        "bind": "['0.0.0.0:8000']",
    }
    assert {key: config[key] for key in ("timeout", "graceful_timeout", "keepalive")} == {
        "timeout": "30",
        "graceful_timeout": "30",
        "keepalive": "5",
    }
    assert (config["max_requests"], config["max_requests_jitter"]) == ("1000", "100")
    assert (config["control_socket_disable"], config["accesslog"]) == ("True", "None")


def test_gunicorn_conf_follows_the_environment(tmp_path):
    socket = str(tmp_path / "gunicorn.ctl")

    config = gunicorn_config(WEB_CONCURRENCY="5", GUNICORN_THREADS="3", PORT="9123", GUNICORN_CONTROL_SOCKET=socket)

    assert (config["workers"], config["threads"], config["bind"]) == ("5", "3", "['0.0.0.0:9123']")
    assert (config["control_socket_disable"], config["control_socket"]) == ("False", socket)


def test_a_worker_sets_the_loaded_app_aside_from_the_garbage_collector():
    # In a process of its own: the hook freezes the collector of whatever process runs it.
    script = (
        "import gc, runpy; hook = runpy.run_path('gunicorn.conf.py')['post_worker_init']; "
        "before = gc.get_freeze_count(); hook(None); print(before, gc.get_freeze_count())"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bookstore.settings.test"}
    process = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )

    before, after = map(int, process.stdout.split())
    assert before == 0
    assert after > 1000


def test_the_procfile_serves_with_gunicorn_conf_and_production_settings():
    lines = dict(
        line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if not line.startswith("#")
    )

    assert set(lines) == {"release", "web"}
    assert "migrate --noinput" in lines["release"]
    assert "collectstatic --noinput" in lines["release"]
    assert (
        lines["web"]
        == "DJANGO_SETTINGS_MODULE=bookstore.settings.production gunicorn -c gunicorn.conf.py bookstore.wsgi"
    )
