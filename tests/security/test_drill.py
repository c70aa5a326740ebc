"""Issue 13's drills on the production-like stack (bench/drill), against the test database.

nginx (config/nginx/tradeoffs.conf.template) in front of gunicorn with production
settings, a Celery worker and a redis-server of this module's own, as plain processes on
loopback ports. `python -m bench.drill` runs the same checks on a fresh database.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import connection

from bench.drill import checks, seed
from bench.drill.stack import NGINX, REDIS_SERVER, DrillStack
from tests.helpers.worker import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SPRAY_LIMIT = 12


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    for binary, package in ((NGINX, "nginx-light"), (REDIS_SERVER, "redis-server")):
        if not (Path(binary).exists() or shutil.which(binary)):
            # Fail, never skip: .ci/run installs both.
            pytest.fail(f"{binary} is missing: apt-get install -y {package}")
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    drill = DrillStack(
        database_url=url,
        var_dir=tmp_path_factory.mktemp("drill"),
        extra_env={
            # The test database's users carry MD5 hashes (config/settings/test.py).
            "DRILL_FAST_PASSWORDS": "1",
            "LOGIN_FAILURES_PER_ADDRESS": str(SPRAY_LIMIT),
        },
    )
    try:
        drill.start()
        yield drill
    finally:
        drill.stop()


@pytest.fixture
def data():
    return seed.make_data(spray_limit=SPRAY_LIMIT)


def test_forged_forwarded_addresses_never_escape_the_lock_on_the_real_stack(
    stack, data
):
    outcome = checks.forged_forwarded_for(stack, data)

    assert outcome.held, outcome.report()


def test_a_redis_outage_under_a_signed_in_student_on_the_real_stack(stack, data):
    outcome = checks.redis_outage(stack, data)

    assert outcome.held, outcome.report()


def test_slow_clients_do_not_stall_a_normal_request_through_nginx(stack):
    outcome = checks.slow_clients(stack, count=12, direct=False)

    assert outcome.held, outcome.report()
    status, seconds = outcome.facts["through nginx"]
    assert (status, seconds < 2) == ("200", True)
