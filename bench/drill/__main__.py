"""`python -m bench.drill`: run the drills on a fresh database and print what happened.

Needs PostgreSQL on 127.0.0.1:5432 as `postgres` (drops and re-creates the database
`drill_tradeoffs`, and touches no other), redis-server and nginx (Debian's nginx-light)
on the PATH. Starts its own redis-server; logs go to var/drill/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

DB_NAME = "drill_tradeoffs"
SPRAY_LIMIT = 12
ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    from .stack import DrillStack

    database_url = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    common = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *common, "--if-exists", "--force", DB_NAME], check=True)
    subprocess.run(["createdb", *common, DB_NAME], check=True)
    stack = DrillStack(
        database_url=database_url,
        var_dir=ROOT / "var" / "drill",
        # Spraying costs a password hash per try; a lower limit keeps the drill short.
        extra_env={"LOGIN_FAILURES_PER_ADDRESS": str(SPRAY_LIMIT)},
    )
    # This process seeds and reads the same database and Redis as the stack.
    os.environ.update(stack.env())
    import django

    django.setup()
    from django.core.management import call_command

    from . import checks, seed

    began = time.monotonic()
    print(f"drill: migrating {DB_NAME}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    outcomes = []
    try:
        stack.start()
        data = seed.make_data(spray_limit=SPRAY_LIMIT)
        print(
            f"drill: nginx :{stack.nginx_port} -> gunicorn :{stack.web_port} "
            f"(production settings, {checks.GUNICORN_WORKERS} sync workers), "
            f"Celery worker, redis-server :{stack.redis_port}; logs in {stack.var_dir}",
            flush=True,
        )
        for drill in (
            lambda: checks.forged_forwarded_for(stack, data),
            lambda: checks.redis_outage(stack, data),
            lambda: checks.slow_clients(stack),
        ):
            outcome = drill()
            outcomes.append(outcome)
            print(outcome.report(), flush=True)
    finally:
        stack.stop()
    held = all(o.held for o in outcomes) and len(outcomes) == 3
    print(
        f"drill: {'all held' if held else 'FAILED'} in {time.monotonic() - began:.0f} s"
    )
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
