"""Seed each size afresh, run every job in its own process, write bench/GROWTH.md.

Environment: GROWTH_SIZES (default 1000,10000,100000), GROWTH_JOBS (job keys, default
all; see bench.growth.jobs.JOBS), GROWTH_LIMITS (`key=size,...`: the largest size a job
runs at; larger ones are reported as not measured). Database `bench_growth` (dropped and
re-created for each size) and Redis database 10 (flushed) only, or GROWTH_DB_NAME and
GROWTH_REDIS_URL (bench.growth.settings); the first size's migrated database is kept
as `<name>_migrated` and copied for the next sizes, then dropped; GROWTH_FILE writes the report elsewhere.
"""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.growth.settings"

import django  # noqa: E402

django.setup()

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench import seed as bench_seed  # noqa: E402
from bench.common import load_average  # noqa: E402
from bench.growth import report  # noqa: E402
from bench.growth import seed as growth_seed  # noqa: E402
from bench.growth.jobs import JOBS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _sizes() -> list[int]:
    raw = os.environ.get("GROWTH_SIZES", "1000,10000,100000")
    return [int(part.replace("_", "")) for part in raw.split(",") if part.strip()]


def _jobs() -> list[str]:
    raw = os.environ.get("GROWTH_JOBS", "")
    wanted = [part.strip() for part in raw.split(",") if part.strip()] or list(JOBS)
    unknown = set(wanted) - set(JOBS)
    if unknown:
        raise SystemExit(f"unknown GROWTH_JOBS {sorted(unknown)}; known: {list(JOBS)}")
    return [key for key in JOBS if key in wanted]


def _limits() -> dict[str, int]:
    """GROWTH_LIMITS=regrade=10000,progress=10000: the largest size a job runs at."""
    raw = os.environ.get("GROWTH_LIMITS", "")
    pairs = [part.split("=") for part in raw.split(",") if "=" in part]
    return {key.strip(): int(value.replace("_", "")) for key, value in pairs}


def _run_job(key: str, context: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.growth.jobs", key, str(context)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.growth.settings"},
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _template() -> str:
    return f"{settings.BENCH_DB_NAME}_migrated"


def _fresh_database(*, first: bool) -> None:
    """Drop and re-create the bench database: migrated once, then copied.

    Migrating and loading the course took about 85 s a size; `createdb --template`
    copies the migrated database in a second or two.
    """
    common = ["-h", "127.0.0.1", "-U", "postgres"]
    connection.close()
    if first:
        bench_seed.reset_database()
        bench_seed.migrate()
        connection.close()
        subprocess.run(
            ["dropdb", *common, "--if-exists", "--force", _template()],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["createdb", *common, "--template", settings.BENCH_DB_NAME, _template()],
            check=True,
            capture_output=True,
        )
        return
    subprocess.run(
        ["dropdb", *common, "--if-exists", "--force", settings.BENCH_DB_NAME],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["createdb", *common, "--template", _template(), settings.BENCH_DB_NAME],
        check=True,
        capture_output=True,
    )


def main() -> int:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sizes, jobs, limits = _sizes(), _jobs(), _limits()
    var = Path(settings.BENCH_VAR) / "growth"
    var.mkdir(parents=True, exist_ok=True)
    broker = redis.Redis.from_url(settings.BENCH_REDIS_URL)
    results: dict[str, dict[int, dict]] = {key: {} for key in jobs}
    loads = [f"start {load_average()}"]
    seeding: dict[int, float] = {}
    for size in sizes:
        broker.flushdb()  # the growth bench's own Redis database
        print(f"growth: size {size:,}: reset, migrate, seed", flush=True)
        seeded_at = time.perf_counter()
        _fresh_database(first=size == sizes[0])
        context = growth_seed.seed(size)
        seeding[size] = time.perf_counter() - seeded_at
        print(
            f"growth: seeded {size:,} in {seeding[size]:.0f} s: {context}", flush=True
        )
        path = var / f"context-{size}.json"
        path.write_text(json.dumps(context))
        for key in jobs:
            if size > limits.get(key, size):
                result = {"skipped": f"GROWTH_LIMITS caps it at {limits[key]:,}"}
            else:
                result = _run_job(key, path)
            results[key][size] = result
            print(f"growth: {size:>7,} {report.line(key, result)}", flush=True)
        loads.append(f"after {size:,}: {load_average()}")
        # Written after every size, so a run cut short still leaves what it measured.
        report.write(
            results,
            sizes=sizes,
            started=started,
            minutes=(time.perf_counter() - clock) / 60,
            loads=loads,
            seeding=seeding,
        )
    broker.flushdb()
    connection.close()
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", _template()],
        check=True,
        capture_output=True,
    )
    print(f"growth: wrote {report.GROWTH}", flush=True)
    return 0
