"""One migrated database per test run, copied for each pytest-xdist worker (issue 15).

Left to pytest-django, every xdist worker creates its test database by applying every
migration: about 11 s of CPU each, while the other workers compete for the same two
cores. Instead the controller starts a subprocess that migrates one template database
while the workers start and collect, and each worker's database is created as a copy
of it (PostgreSQL's ``CREATE DATABASE ... TEMPLATE``, which Django issues when
``DATABASES[...]["TEST"]["TEMPLATE"]`` is set; config/settings/test.py sets it from
the variable below). pytest-django then migrates the copy as usual and finds nothing
left to apply. ``--create-db`` recreates the template as well; without it the template
is kept and migrated forward, and not touched at all when every worker's database is
already there. A run without xdist never comes here.

The measured saving is in decision record 0011 (second addendum).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

# Read by config/settings/test.py in the workers; child_env() drops TRADEOFFS_XDIST_*.
TEMPLATE_VARIABLE = "TRADEOFFS_XDIST_TEMPLATE"
READY_VARIABLE = "TRADEOFFS_XDIST_TEMPLATE_READY"
WAIT_SECONDS = 600


def start(*, test_name: str, settings_dict: dict, recreate: bool) -> subprocess.Popen:
    """In the controller, before the workers start: migrate the template in the background.

    The workers inherit the variables naming the template and the file that says it is
    ready (or why it failed).
    """
    from tests.helpers.scaleout import child_env
    from tests.helpers.worker import database_url

    name = f"{test_name}_template"
    ready = Path(tempfile.mkdtemp(prefix="tradeoffs-template-")) / "ready"
    env = child_env(DATABASE_URL=database_url({**settings_dict, "NAME": name}))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.template_db", name, str(ready)]
        + (["--recreate"] if recreate else []),
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    os.environ[TEMPLATE_VARIABLE] = name
    os.environ[READY_VARIABLE] = str(ready)
    return process


def all_exist(names: list[str], *, settings_dict: dict) -> bool:
    """True when every one of these databases is on the server (--reuse-db keeps them)."""
    import psycopg

    from tests.helpers.worker import database_url

    server = database_url({**settings_dict, "NAME": "postgres"})
    with psycopg.connect(server) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = ANY(%s)", [names]
        ).fetchone()[0]
    return found == len(names)


def clean_up(process: subprocess.Popen) -> None:
    """In the controller, at the end: reap the subprocess and remove its ready file."""
    process.wait()
    ready = os.environ.get(READY_VARIABLE)
    if ready:
        shutil.rmtree(Path(ready).parent, ignore_errors=True)


def wait() -> None:
    """In a worker, before its database is created: wait until the template is migrated."""
    ready = os.environ.get(READY_VARIABLE)
    if not ready:
        return
    path = Path(ready)
    deadline = time.monotonic() + WAIT_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"The template database was not migrated within {WAIT_SECONDS} s."
            )
        time.sleep(0.1)
    outcome = path.read_text()
    if outcome != "ok":
        raise RuntimeError(f"Migrating the template database failed:\n{outcome}")


def _migrate(name: str, *, recreate: bool) -> None:
    import django
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    from tests.helpers.worker import database_url

    django.setup()
    server = database_url({**settings.DATABASES["default"], "NAME": "postgres"})
    with psycopg.connect(server, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    # What Django's create_test_db runs on a new test database.
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def main(argv: list[str]) -> int:
    name, ready = argv[0], Path(argv[1])
    # Written whole, then renamed: a worker never reads half a file.
    partial = ready.with_suffix(".partial")
    try:
        _migrate(name, recreate="--recreate" in argv[2:])
        partial.write_text("ok")
        code = 0
    except BaseException:  # noqa: BLE001 -- every failure must reach the workers
        partial.write_text(traceback.format_exc())
        code = 1
    partial.rename(ready)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
