"""The queue figures: the grading drain against N0, and the 500-submit burst.

Imported by bench.runner after django.setup(); not a module to run on its own."""

from __future__ import annotations

import http.client
import json
import threading
import time

from django.db.models import F

from bench import baseline
from bench.common import (
    DRAIN_LIMIT,
    DRAIN_TASKS,
    QUEUE,
    Figure,
    load_average,
    log,
    pause_worker,
    resume_worker,
    wait_for,
    worker_meter,
)
from config.celery import app
from quizzes.models import Attempt, Response
from quizzes.tasks import grade_attempt_task


def _enqueue_and_drain(signatures, remaining, total: int, what: str, meter):
    """Queue while the worker is paused, then time the drain from the resume.

    Returns (seconds to queue, seconds draining, tasks done, CPU seconds of the worker
    and the database meanwhile). A drain still going after
    DRAIN_LIMIT seconds is cut short: the rate is what was done by then, and the rest of
    the queue is purged so it cannot slow the figures after it.
    """
    pause_worker()
    start = time.perf_counter()
    for sig in signatures:
        sig.apply_async()
    queued = time.perf_counter() - start
    cpu_before = meter.snapshot()
    resume_worker()
    start = time.perf_counter()
    while remaining() and time.perf_counter() - start < DRAIN_LIMIT:
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    cpu = meter.since(cpu_before)
    left = remaining()
    if left:
        purged = app.control.purge()
        log(f"{what}: stopped after {seconds:.0f} s with {left} left; purged {purged}")
    return queued, seconds, total - left, cpu


def _grade_tasks_held(broker) -> int:
    """Grade tasks the worker has taken and not yet acknowledged.

    Not the whole unacked hash: it also holds messages waiting for their ETA, such as
    the statistics refresh that grading schedules 30 s ahead (analytics.tasks),
    which is not grading work and would make every drain last at least 30 s.
    """
    name = grade_attempt_task.name
    return sum(
        1
        for raw in broker.hvals("unacked")
        if json.loads(raw)[0].get("headers", {}).get("task") == name
    )


def grading_queued(broker) -> int:
    """Tasks still queued plus grade tasks the worker holds: zero once grading is done."""
    return broker.llen(QUEUE) + _grade_tasks_held(broker)


def drain_figure(stack_, seeded, broker) -> Figure:
    """5,000 no-op tasks (N0), then 5,000 grade tasks, on the same worker and broker."""
    # Whatever ran before (the submit figure's grading, when BENCH_ONLY skips the settle
    # step) must not still be queued ahead of N0's no-ops.
    resume_worker()
    wait_for(
        lambda: grading_queued(broker) == 0,
        timeout=180,
        what="an empty queue before N0",
        every=0.2,
    )
    ids = [f"bench-noop-{n}-{time.time_ns()}" for n in range(DRAIN_TASKS)]
    pending = set(ids)

    def noops_left() -> int:
        batch = list(pending)
        pipe = broker.pipeline(transaction=False)
        for task_id in batch:
            pipe.exists(f"celery-task-meta-{task_id}")
        for task_id, found in zip(batch, pipe.execute(), strict=True):
            if found:
                pending.discard(task_id)
        return len(pending)

    meter = worker_meter(stack_)
    queued, n0_seconds, n0_done, n0_cpu = _enqueue_and_drain(
        (baseline.noop.signature(task_id=i) for i in ids),
        noops_left,
        DRAIN_TASKS,
        "N0",
        meter,
    )
    n0_rate = n0_done / n0_seconds
    log(
        f"N0: queued {DRAIN_TASKS} in {queued:.1f} s; {n0_done} done at "
        f"{n0_rate:.0f}/s (load average {load_average()})"
    )

    grade_ids = seeded.grade_attempt_ids
    waiting = Attempt.objects.filter(pk__in=grade_ids, state=Attempt.State.SUBMITTED)

    def not_done() -> int:
        # Done means every attempt graded *and* every grade task run: a batch grades
        # attempts before their own tasks come up, and those tasks still take the
        # worker's time.
        return waiting.count() or min(grading_queued(broker), len(grade_ids))

    queued, seconds, graded, cpu = _enqueue_and_drain(
        (grade_attempt_task.signature((pk,)) for pk in grade_ids),
        not_done,
        len(grade_ids),
        "grading",
        meter,
    )
    rate = graded / seconds
    log(
        f"grading: queued {len(grade_ids)} in {queued:.1f} s; {graded} graded at "
        f"{rate:.0f}/s (load average {load_average()})"
    )
    ratio = rate / n0_rate
    n0_cpu_ms = n0_cpu * 1000 / max(1, n0_done)
    cpu_ms = cpu * 1000 / max(1, graded)
    note = (
        f"CPU per task (worker + DB) {cpu_ms:.1f} ms vs N0's {n0_cpu_ms:.1f} ms: "
        f"ratio {n0_cpu_ms / cpu_ms:.2f}"
    )
    # Every seeded answer is right: a graded attempt short of full marks means a grader
    # or seed problem, not a slow grade.
    short_of_full = (
        Attempt.objects.filter(pk__in=grade_ids, state=Attempt.State.GRADED)
        .exclude(score=F("max_score"))
        .count()
    )
    note += f"; {short_of_full} graded attempts short of full marks (expect 0)"
    if graded < len(grade_ids):
        note += f"; cut at {DRAIN_LIMIT} s with {len(grade_ids) - graded:,} left"
    return Figure(
        f"grading drain, {len(grade_ids):,} queued attempts",
        f"{rate:.0f} attempts/s ({graded:,} graded in {seconds:.1f} s)",
        f"N0 {n0_rate:.0f} tasks/s ({n0_done:,} in {n0_seconds:.1f} s)",
        ratio,
        ">= 0.30",
        ratio >= 0.3,
        note,
    )


def burst_figure(stack_, seeded) -> Figure:
    """500 students submit at once; every submit accepted, graded once, none lost."""
    attempts = seeded.burst_attempts
    barrier = threading.Barrier(len(attempts))
    results: list[tuple[int, float, float] | str] = [""] * len(attempts)

    def submit(index: int, pk: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", stack_.web_port, timeout=120)
        try:
            barrier.wait(timeout=60)
            sent = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/attempts/{pk}/submit/",
                body=b"{}",
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
            response = conn.getresponse()
            response.read()
            results[index] = (response.status, sent, time.perf_counter())
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            results[index] = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()

    threads = [
        threading.Thread(target=submit, args=(i, pk, token), daemon=True)
        for i, (pk, token) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    answered = [r for r in results if isinstance(r, tuple)]
    failures = [r for r in results if not isinstance(r, tuple)]
    accepted = sum(1 for status, _, _ in answered if status in (200, 202))
    sends = [sent for _, sent, _ in answered]
    spread = max(sends) - min(sends) if sends else float("nan")
    served = max(end for _, _, end in answered) - min(sends) if sends else float("nan")
    burst_ids = [pk for pk, _ in attempts]
    rows = Attempt.objects.filter(pk__in=burst_ids)
    student_ids = list(rows.values_list("student_id", flat=True))
    unfinished = rows.filter(
        state__in=[Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED]
    )
    try:
        wait_for(
            lambda: not unfinished.exists(),
            timeout=180,
            what="burst grading",
            every=0.1,
        )
        graded_in = f"{time.perf_counter() - min(sends):.1f} s"
    except TimeoutError:
        graded_in = "not within 180 s"
    mine = Attempt.objects.filter(quiz_id=seeded.quiz_id, student_id__in=student_ids)
    total = mine.count()
    in_progress = mine.filter(state=Attempt.State.IN_PROGRESS).count()
    graded = mine.filter(state=Attempt.State.GRADED).count()
    responses = Response.objects.filter(attempt__in=mine).count()
    expected_responses = len(attempts) * seeded.question_count
    # Lost: a submit answered 2xx whose attempt is still in progress.
    lost = in_progress
    duplicated = (total - len(attempts)) + max(0, responses - expected_responses)
    ok = (
        accepted == len(attempts)
        and not failures
        and spread < 1
        and lost == 0
        and duplicated == 0
        and graded == len(attempts)
    )
    note = (
        f"sent within {spread:.2f} s; all answered {served:.1f} s after the first; "
        f"all graded after {graded_in}; lost {lost}, duplicated {duplicated}"
    )
    if failures:
        note += f"; {len(failures)} failed, e.g. {failures[0]}"
    log(f"burst: {note}")
    return Figure(
        f"burst, {len(attempts)} submits in one second",
        f"{accepted}/{len(attempts)} accepted; {total} attempts, {graded} graded, "
        f"{responses:,} responses",
        f"expect {len(attempts)} attempts, {expected_responses:,} responses",
        None,
        "all accepted, none lost or duplicated",
        ok,
        note,
    )
