"""The task figures: the gradebook CSV export and the weekly progress reports.

Imported by bench.runner after django.setup(); not a module to run on its own."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.exports import run_export
from analytics.models import ExportJob
from bench import baseline, stack
from bench.common import MAILS, Figure, log, wait_for, worker_meter


def csv_figure(seeded, instructor) -> Figure:
    """The cohort gradebook CSV, run as the worker runs it: queries and time."""
    timed = ExportJob.objects.create(
        kind=ExportJob.Kind.COHORT_GRADES,
        requested_by=instructor,
        cohort_id=seeded.cohort_id,
    )
    start = time.perf_counter()
    job = run_export(job_id=timed.pk)
    seconds = time.perf_counter() - start
    counted = ExportJob.objects.create(
        kind=ExportJob.Kind.COHORT_GRADES,
        requested_by=instructor,
        cohort_id=seeded.cohort_id,
    )
    with CaptureQueriesContext(connection) as queries:
        run_export(job_id=counted.pk)
    statements = [q["sql"] for q in queries.captured_queries]
    control = [
        x
        for x in statements
        if x.split()[0] in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
    ]
    job_row = [x for x in statements if '"quizzes_exportjob"' in x]
    data = [x for x in statements if x not in control and x not in job_row]
    path = Path(settings.EXPORTS_ROOT) / job.file_name
    with open(path, encoding="utf-8") as handle:
        lines = sum(1 for _ in handle) - 1
    log(
        f"csv: {len(statements)} statements: {len(data)} data reads, {len(job_row)} on "
        f"the job row, {len(control)} BEGIN/COMMIT"
    )
    return Figure(
        "gradebook CSV, 1,000 students x 12 quizzes",
        f"{len(statements)} queries: {len(data)} data reads (one a server-side cursor "
        f"fetched in chunks), {len(job_row)} on the job row incl. progress, "
        f"{len(control)} BEGIN/COMMIT; {seconds:.2f} s for {lines:,} rows",
        "absolute goal, no baseline",
        None,
        "<= 6 queries",
        len(statements) <= 6,
        f"data reads alone: {len(data)} (<= 6)",
    )


def progress_figure(stack_, seeded) -> Figure:
    """Progress reports for 10,000 students vs 10,000 prebuilt messages (N1)."""
    from bench import progress_adapter

    name = f"progress reports, {MAILS:,} students"
    why = progress_adapter.unavailable()
    if why:
        return Figure(name, f"not measured: {why}", "-", None, ">= 0.50", None)
    worker = stack_.process("worker")
    expected = progress_adapter.expected_messages()
    meter = worker_meter(stack_)

    def send_and_time(start_sending, count: int, what: str) -> tuple[float, int, float]:
        pids = [worker.pid, *worker.children()]
        stack.peak_rss_reset(pids)
        before = stack_.mail_count()
        cpu_before = meter.snapshot()
        start = time.perf_counter()
        start_sending()
        wait_for(
            lambda: stack_.mail_count() - before >= count,
            timeout=300,
            what=what,
            every=0.05,
        )
        seconds = time.perf_counter() - start
        cpu_ms = meter.since(cpu_before) * 1000 / count
        peak = max(stack.peak_rss_kb(pid) for pid in [worker.pid, *worker.children()])
        return seconds, peak, cpu_ms

    n1_seconds, n1_peak, n1_cpu = send_and_time(
        lambda: baseline.send_prebuilt.delay(MAILS), MAILS, "N1 sending"
    )
    n1_rate = MAILS / n1_seconds
    log(
        f"N1: {MAILS} prebuilt messages at {n1_rate:.0f}/s, peak RSS {n1_peak} kB, "
        f"CPU {n1_cpu:.1f} ms/message"
    )
    seconds, peak, cpu = send_and_time(
        progress_adapter.start_sending, expected, "progress reports"
    )
    rate = expected / seconds
    ratio = rate / n1_rate
    return Figure(
        name,
        f"{rate:.0f} reports/s ({expected:,} built and sent in {seconds:.1f} s); "
        f"worker peak RSS {peak / 1024:.0f} MB",
        f"N1 {n1_rate:.0f} messages/s ({n1_seconds:.1f} s); peak RSS "
        f"{n1_peak / 1024:.0f} MB",
        ratio,
        ">= 0.50",
        ratio >= 0.5,
        f"CPU per message (worker + DB) {cpu:.1f} ms vs N1's {n1_cpu:.1f} ms: "
        f"ratio {n1_cpu / cpu:.2f}",
    )
