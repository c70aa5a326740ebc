"""The database tests again, through PgBouncer in transaction mode (issue 20, part 3).

Starts Debian's pgbouncer (pool_mode = transaction) on a loopback port in front of the
suite's PostgreSQL server, and runs a selection of the database tests in a pytest
subprocess whose DATABASE_URL points at it, with DATABASE_TRANSACTION_POOLER=true (no
server-side cursor outliving a transaction, no prepared statements). pytest-django
creates and migrates its own test database through the pooler too.

The selection (SELECTION) is the tests that lean on the database in ways a pooler
could break: analytics (CSV exports read in chunks and streamed, statistics upserts,
the export claim's compare-and-swap), the gradebook, grading queue and grade overrides
(row locks, audit rows) and progress (the outbox claimed with SKIP LOCKED, leases), plus
pooler_cases.py (the settings, and that the connection really is the pooler's). About
270 tests: under a minute alone on two cores (41 s at load 5-8), most of it creating
and migrating the database. Left out: the permission matrix and page-polish tests (many requests, nothing
a pooler changes), the migration test (slow, one connection), and worker, browser and
SMTP tests (other processes, not this connection).
Reproduce: `pytest tests/scaleout/test_pgbouncer.py`.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.helpers.scaleout import PgBouncer, child_env, drop_database, run_pytest
from tests.helpers.worker import database_url

pytestmark = pytest.mark.drill

SELECTION = [
    "tests/scaleout/pooler_cases.py",
    "tests/analytics",
    "--ignore=tests/analytics/test_migrations.py",
    "--ignore=tests/analytics/test_report_pages_polish.py",
    "tests/teaching/test_gradebook.py",
    "tests/teaching/test_grading_queue.py",
    "tests/teaching/test_override_api.py",
    "tests/teaching/test_override_pages.py",
    "tests/progress",
]
MARKERS = "not browser and not worker and not smtp"


@pytest.fixture(scope="module")
def pooler():
    server = connection.settings_dict
    bouncer = PgBouncer(
        server_host=server["HOST"] or "127.0.0.1",
        server_port=int(server["PORT"] or 5432),
        user=server["USER"] or "postgres",
    )
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()


# The subprocess runs a few hundred tests: above the suite's per-test timeout.
@pytest.mark.timeout(900)
def test_the_database_tests_pass_through_pgbouncer_in_transaction_mode(pooler):
    server = connection.settings_dict
    # A database of its own: the suite's own may be in use by this very run.
    name = f"{server['TEST']['NAME']}_pgbouncer"
    url = database_url({**server, "HOST": "127.0.0.1", "PORT": pooler.port})

    try:
        code, output = run_pytest(
            [*SELECTION, "-m", MARKERS, "--create-db", "-q"],
            env=child_env(
                DATABASE_URL=url,
                TEST_DATABASE_NAME=name,
                DATABASE_TRANSACTION_POOLER="true",
                POOLED_SERVER_PORT=str(pooler.server_port),
            ),
            timeout=900,
        )
        stats = {row["database"]: row for row in pooler.show("STATS")}
    finally:
        pooler.stop()
        drop_database(database_url({**server, "NAME": "postgres"}), name)

    assert code == 0, output[-20000:]
    passed = int(re.search(r"(\d+) passed", output).group(1))
    assert passed > 200, output[-3000:]
    # They went through the pooler: at least one transaction per test (a test's
    # own transaction, rolled back at its end), besides creating the database.
    assert stats[name]["total_xact_count"] >= passed
