"""`python -m bench.drill.scale_out`: the scale-out drill on a fresh database, with figures.

Needs PostgreSQL on 127.0.0.1:5432 as `postgres` (drops and re-creates the database
`drill_scaleout`, and touches no other), redis-server and haproxy on the machine. Starts
its own redis-server, two gunicorn nodes, HAProxy and two Celery worker nodes; logs go
to var/drill-scale-out/. DRILL_PORT_RANGE=18100-18199 keeps its ports in that range.
The same checks run in `make test` (tests/security/test_multinode_drill.py).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

DB_NAME = "drill_scaleout"
ROOT = Path(__file__).resolve().parents[2]
BURST = 500
RECIPIENTS = 30


def main() -> int:
    from .multinode import MultiNodeStack

    common = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *common, "--if-exists", "--force", DB_NAME], check=True)
    subprocess.run(["createdb", *common, DB_NAME], check=True)
    stack = MultiNodeStack(
        database_url=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        var_dir=ROOT / "var" / "drill-scale-out",
    )
    # This process seeds and reads the same database and Redis as the nodes.
    os.environ.update(stack.env())
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    from tests.progress.smtp import RecordingHandler

    from . import multinode_beat, multinode_checks, multinode_seed

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    began = time.monotonic()
    print(f"drill: migrating {DB_NAME}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    mailbox = RecordingHandler()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=stack.smtp_port)
    smtp.start()
    outcomes = []
    try:
        stack.start()
        print(
            f"drill: HAProxy :{stack.lb_port} -> web1 :{stack.web_ports['web1']}, "
            f"web2 :{stack.web_ports['web2']}; workers "
            f"{stack.worker_name('w1')}, {stack.worker_name('w2')}; redis-server "
            f":{stack.redis_port}; logs in {stack.var_dir}",
            flush=True,
        )
        for drill in (
            lambda: multinode_checks.session_across_nodes(
                stack, multinode_seed.session_student()
            ),
            lambda: multinode_beat.beat_twice(
                stack, multinode_seed.report_recipients(RECIPIENTS), mailbox
            ),
            lambda: multinode_checks.burst_with_faults(
                stack, multinode_seed.burst_students(BURST)
            ),
        ):
            stack.ensure_running()
            outcome = drill()
            outcomes.append(outcome)
            print(outcome.report(), flush=True)
    finally:
        stack.stop()
        smtp.stop()
    held = all(o.held for o in outcomes) and len(outcomes) == 3
    print(
        f"drill: {'all held' if held else 'FAILED'} in {time.monotonic() - began:.0f} s"
    )
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
