"""Issue 20's scale-out drill: two web nodes behind HAProxy, two worker nodes, beat.

The stack (bench/drill/multinode.py) runs production settings against the test
database and a redis-server of its own: gunicorn on two ports behind HAProxy with the
project's config/haproxy/haproxy.cfg, Celery workers `w1@host` and `w2@host`, beat
started by the drills that need it. Each drill prints its figures (run with -s):

    .venv/bin/python -m pytest -p no:xdist -s tests/security/test_multinode_drill.py
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from bench.drill import multinode_beat
from bench.drill import multinode_checks as checks
from bench.drill import multinode_seed as seed
from bench.drill.multinode import HAPROXY, MultiNodeStack
from bench.drill.stack import REDIS_SERVER
from tests.helpers.worker import database_url
from tests.progress.smtp import RecordingHandler

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BURST = 500


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    for binary, package in ((HAPROXY, "haproxy"), (REDIS_SERVER, "redis-server")):
        if not (Path(binary).exists() or shutil.which(binary)):
            # Fail, never skip: .ci/run installs both.
            pytest.fail(f"{binary} is missing: apt-get install -y {package}")
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    nodes = MultiNodeStack(
        database_url=url,
        var_dir=tmp_path_factory.mktemp("multinode"),
        # The test database's users carry MD5 hashes (config/settings/test.py).
        extra_env={"DRILL_FAST_PASSWORDS": "1"},
    )
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture
def nodes(stack):
    """The whole stack, with any node an earlier drill stopped or killed back up."""
    stack.ensure_running()
    return stack


@pytest.fixture
def mailbox(stack):
    # aiosmtpd logs every SMTP command at DEBUG; the drill's figures are what matter.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=stack.smtp_port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def test_a_session_made_on_one_node_works_on_the_other(nodes):
    outcome = checks.session_across_nodes(nodes, seed.session_student())

    print(outcome.report())
    assert outcome.held, outcome.report()


def test_beat_started_twice_sends_each_email_once(nodes, mailbox):
    data = seed.report_recipients(students=30)

    outcome = multinode_beat.beat_twice(nodes, data, mailbox)

    print(outcome.report())
    assert outcome.held, outcome.report()
    assert (
        outcome.facts["emails"] == outcome.facts["recipients"] == len(data.recipients)
    )


def test_500_submits_over_both_nodes_lose_nothing_when_a_worker_and_a_web_node_go(
    nodes,
):
    data = seed.burst_students(BURST)

    outcome = checks.burst_with_faults(nodes, data)

    print(outcome.report())
    assert outcome.held, outcome.report()
    facts = outcome.facts
    assert (facts["attempts"], facts["graded"], facts["lost"], facts["duplicated"]) == (
        BURST,
        BURST,
        0,
        0,
    )
