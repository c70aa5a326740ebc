"""Run every figure against its baseline on one stack and print one line per figure."""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import signal  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from bench import seed, stack  # noqa: E402
from bench.common import (  # noqa: E402
    QUEUE,
    RESULTS,
    Figure,
    load_average,
    log,
    resume_worker,
    wait_for,
)
from bench.grading import burst_figure, drain_figure, grading_queued  # noqa: E402
from bench.reports import csv_figure, progress_figure  # noqa: E402
from bench.results import machine_facts, write_results  # noqa: E402
from bench.web import http_figures  # noqa: E402
from config.celery import app  # noqa: E402
from quizzes.models import Attempt  # noqa: E402


def main() -> int:
    started = datetime.now(UTC)
    # Others may share the machine: its load is part of what the figures mean.
    load_at_start = load_average()
    clock = time.perf_counter()
    var = Path(settings.BENCH_VAR)
    var.mkdir(parents=True, exist_ok=True)
    broker = redis.Redis.from_url(settings.BENCH_REDIS_URL)
    broker.flushdb()  # database 8 is the bench's own

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop_on_signal)
    print("bench: preparing the database (drop, migrate, seed)", flush=True)
    seed.reset_database()
    seed.migrate()
    seeded = seed.seed()
    log(f"seeded in {time.perf_counter() - clock:.0f} s")
    from django.contrib.auth import get_user_model

    instructor = get_user_model().objects.get(pk=seeded.instructor_id)
    stack_ = stack.Stack(
        web_port=stack.free_port(),
        smtp_port=stack.free_port(),
        count_file=var / "smtp-count.txt",
        log_dir=var,
    )
    stack_.count_file.unlink(missing_ok=True)
    figures: list[Figure] = []
    failed = False
    try:
        stack_.start()
        stack_.wait_ready(seeded.reader_token, app)
        log(
            f"stack up: web :{stack_.web_port}, SMTP :{stack_.smtp_port}, logs in {var}"
        )
        steps = [
            ("http", lambda: http_figures(stack_, seeded, var)),
            ("drain leftovers", lambda: _settle(seeded, broker)),
            ("drain", lambda: [drain_figure(stack_, seeded, broker)]),
            (
                "burst",
                lambda: [_after_queue_empties(broker, burst_figure, stack_, seeded)],
            ),
            ("csv", lambda: [csv_figure(seeded, instructor)]),
            ("progress", lambda: [progress_figure(stack_, seeded)]),
        ]
        # BENCH_ONLY=drain,csv runs those figures only (RESULTS.md then holds only them).
        only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n}
        for name, step in steps:
            if only and name not in only:
                continue
            print(f"bench: {name}", flush=True)
            try:
                stack_.check_alive()
                figures += step() or []
            except Exception as exc:  # noqa: BLE001 - report and go on to the next
                failed = True
                traceback.print_exc()
                figures.append(
                    Figure(
                        name,
                        f"not measured: {type(exc).__name__}: {exc}",
                        "-",
                        None,
                        "-",
                        False,
                    )
                )
                resume_worker()
    finally:
        stack_.stop()
        broker.flushdb()
    facts = machine_facts(broker)
    facts["load average (1, 5, 15 min)"] = (
        f"at start {load_at_start}; at end {load_average()}"
    )
    seconds = time.perf_counter() - clock
    write_results(figures, facts, started, seconds)
    print()
    for figure in figures:
        print(figure.line())
    print(
        f"\n{RESULTS.relative_to(settings.BASE_DIR)} written; {seconds:.0f} s in all."
    )
    return 1 if failed else 0


def _settle(seeded, broker) -> list[Figure]:
    """Let the worker grade what the submit figure queued before the next figure.

    Until every grade task has run, not only until every attempt is graded: the tasks of
    attempts a batch already graded would otherwise still be queued ahead of N0's.
    """
    resume_worker()
    left = Attempt.objects.filter(
        pk__in=[pk for pk, _ in seeded.submit_attempts], state=Attempt.State.SUBMITTED
    )
    seconds = wait_for(
        lambda: not left.exists() and grading_queued(broker) == 0,
        timeout=180,
        what="settle",
        every=0.2,
    )
    log(f"graded the submit figure's attempts and ran their tasks in {seconds:.1f} s")
    return []


def _after_queue_empties(broker, figure, *args) -> Figure:
    """Run a figure once the worker has taken and finished every queued task.

    The drain figure stops when every attempt is graded, but grading in batches leaves
    the tasks of attempts a batch already graded in the queue (each one read, then done):
    the burst must not wait behind them.
    """
    seconds = wait_for(
        lambda: broker.llen(QUEUE) == 0 and broker.hlen("unacked") == 0,
        timeout=180,
        what="empty queue",
        every=0.1,
    )
    log(f"queue empty after {seconds:.1f} s")
    return figure(*args)
