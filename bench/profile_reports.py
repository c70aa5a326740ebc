"""Profile building the weekly student reports in-process: queries and CPU per batch.

Reproduce: `BENCH_DB_NAME=bench_x .venv/bin/python -m bench.profile_reports [--seed]`
(--seed drops, migrates and seeds the bench database first, as `make bench` does).
Prints the queries per batch and the top of a cProfile of building the batches; writes
nothing to the outbox. Not part of `make bench`.
"""

from __future__ import annotations

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import cProfile  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import seed  # noqa: E402
from progress import reports, services  # noqa: E402
from progress.models import ProgressReport  # noqa: E402

BATCHES = int(os.environ.get("PROFILE_BATCHES", "10"))


def main() -> int:
    if "--seed" in sys.argv:
        seed.reset_database()
        seed.migrate()
        seed.seed()
    period = reports.last_complete_week(timezone.now())
    size = services.build_batch_size()
    batches = services.iter_drafts(
        period=period, kind=ProgressReport.Kind.STUDENT, skip_existing=False
    )
    next(batches)  # warm: templates loaded, translations read
    # PROFILE_SKIP=5 profiles past the cohort: students with no graded work.
    for _ in range(int(os.environ.get("PROFILE_SKIP", "0"))):
        next(batches)
    profile = cProfile.Profile()
    drafts = 0
    per_batch = []
    start = time.process_time()
    for _ in range(BATCHES):
        with CaptureQueriesContext(connection) as queries:
            profile.enable()
            batch = next(batches, None)
            profile.disable()
        if batch is None:
            break
        drafts += len(batch)
        per_batch.append(len(queries.captured_queries))
    cpu = time.process_time() - start
    print(f"batch size {size}; queries per batch {per_batch}")
    print(f"{drafts} drafts: {cpu * 1000 / max(drafts, 1):.2f} ms CPU each (profiled)")
    # Unprofiled: CPU of this process per draft, batch by batch (the first
    # 1,000 students are the cohort, with graded attempts; the rest have none).
    timings = []
    for batch in _timed(period):
        timings.append(batch)
    print("ms CPU per draft, unprofiled, per batch:", " ".join(timings))
    stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    return 0


def _timed(period) -> list[str]:
    batches = services.iter_drafts(
        period=period, kind=ProgressReport.Kind.STUDENT, skip_existing=False
    )
    out = []
    for _ in range(BATCHES + 1):
        start = time.process_time()
        batch = next(batches, None)
        if batch is None:
            break
        out.append(f"{(time.process_time() - start) * 1000 / len(batch):.2f}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
