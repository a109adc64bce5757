"""Settings modules: base (shared), local (`make run`), test (pytest), production (gunicorn).

Importing any of them runs this first: it reads `.env` (or the file that DJANGO_ENV_FILE names) into the
environment before a module sets its defaults, so for every variable the real environment wins, then `.env`,
then the settings module's own default.
"""

import os
from pathlib import Path

import environ

ENV_FILE = Path(os.environ.get("DJANGO_ENV_FILE") or Path(__file__).resolve().parents[2] / ".env")
if ENV_FILE.is_file():
    # Adds only the variables that the environment does not set already.
    environ.Env.read_env(ENV_FILE)
