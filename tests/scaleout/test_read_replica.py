"""Report reads on a real streaming replica (issue 20, part 3).

Starts two PostgreSQL clusters of its own on loopback ports, a primary and a replica
made from it with `pg_basebackup -R` (streaming replication, hot standby), and runs
tests/scaleout/replica_cases.py in a pytest subprocess whose settings name both
(DATABASE_URL, DATABASE_REPLICA_URL). Reproduce: `pytest tests/scaleout/test_read_replica.py`.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers.scaleout import (
    PostgresCluster,
    child_env,
    pg_bin,
    run_pytest,
)

pytestmark = pytest.mark.drill

CASES = "tests/scaleout/replica_cases.py"


@pytest.fixture(scope="module")
def clusters():
    for name in ("initdb", "pg_ctl", "pg_basebackup"):
        pg_bin(name)  # fails, never skips, when the server package is missing
    primary = PostgresCluster("primary")
    replica = PostgresCluster("replica")
    try:
        primary.init_primary()
        primary.start()
        # The inner run builds tables from the models (--no-migrations: a minute
        # faster than migrating); the one object a migration adds beside them is this
        # collation (courses 0003), so new databases get it from the template.
        primary.sql(
            "CREATE COLLATION natural_sort (provider = icu, locale = 'und-u-kn-true')",
            database="template1",
        )
        replica.init_replica_of(primary)
        replica.start()
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()


def test_report_reads_are_served_by_the_replica_and_writes_by_the_primary(clusters):
    primary, replica = clusters

    code, output = run_pytest(
        [CASES, "--create-db", "--no-migrations", "-q"],
        env=child_env(
            DATABASE_URL=primary.url("tradeoffs"),
            DATABASE_REPLICA_URL=replica.url("tradeoffs"),
            TEST_DATABASE_NAME="test_replica_drill",
        ),
        timeout=300,
    )

    assert code == 0, output
    # Every case passes, none skipped or expected to fail.
    assert re.search(r"\b7 passed in\b", output), output
    assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
