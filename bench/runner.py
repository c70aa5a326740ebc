"""Run every figure against its baseline on one stack and print one line per figure."""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import http.client  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.middleware.csrf import (  # noqa: E402
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
)
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from analytics.exports import run_export  # noqa: E402
from analytics.models import ExportJob  # noqa: E402
from bench import baseline, seed, stack  # noqa: E402
from config.celery import app  # noqa: E402
from quizzes.models import Attempt, Response  # noqa: E402
from quizzes.tasks import grade_attempt_task  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
LUA = BENCH_DIR / "lua"
RESULTS = BENCH_DIR / "RESULTS.md"
HTTP_SECONDS = 5
# Submits are slower than reads: a longer run gives their p95 enough samples.
SUBMIT_SECONDS = 10
WARM_SECONDS = 2
CONNECTIONS = 4
DRAIN_TASKS = 5_000
MAILS = 10_000
QUEUE = "celery"
# A drain still running after this many seconds is cut short (see _enqueue_and_drain).
DRAIN_LIMIT = 160


@dataclass
class Figure:
    name: str
    measured: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None
    note: str = ""

    def line(self) -> str:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = {True: "MET", False: "SHORT", None: "n/a"}[self.met]
        text = (
            f"{self.name}: {self.measured} | baseline {self.baseline} | "
            f"ratio {ratio} | goal {self.goal} | {verdict}"
        )
        return f"{text} ({self.note})" if self.note else text


def log(message: str) -> None:
    print(f"  · {message}", flush=True)


def db_backends() -> list[int]:
    """PIDs of the PostgreSQL backends serving the bench database, but not this process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def web_meter(stack_: stack.Stack) -> stack.CpuMeter:
    """CPU of the gunicorn workers and of the database backends (which serve them)."""
    return stack.CpuMeter(lambda: [*stack_.process("web").children(), *db_backends()])


def worker_meter(stack_: stack.Stack) -> stack.CpuMeter:
    """CPU of the Celery worker, its pool processes and the database backends."""
    worker = stack_.process("worker")
    return stack.CpuMeter(lambda: [worker.pid, *worker.children(), *db_backends()])


def wrk(stack_: stack.Stack, path: str, script: str, args: list[str], seconds: float):
    """Run wrk for `seconds`; its report line as a dict, with requests per second."""
    meter = web_meter(stack_)
    cpu_before = meter.snapshot()
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
        f"{stack_.base_url}{path}",
        "--",
        *args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["p95_ms"] = data["p95_us"] / 1000
    data["cpu_ms"] = meter.since(cpu_before) * 1000 / max(1, data["requests"])
    if data["status_errors"] or data["socket_errors"] or data["timeouts"]:
        data["errors"] = (
            f"{data['status_errors']} non-2xx, {data['socket_errors']} socket errors, "
            f"{data['timeouts']} timeouts"
        )
    return data


def fetch(stack_: stack.Stack, path: str, headers: dict, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", stack_.web_port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def pause_worker() -> None:
    app.control.cancel_consumer(QUEUE, destination=[stack.WORKER_NAME], reply=True)


def resume_worker() -> None:
    app.control.add_consumer(QUEUE, destination=[stack.WORKER_NAME], reply=True)


def wait_for(check, timeout: float, what: str, every: float = 0.02) -> float:
    """Poll until check() is true; the seconds it took. Raise after `timeout`."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{what}: not done after {timeout}s")
        time.sleep(every)
    return time.perf_counter() - start


def write_attempts(path: Path, attempts: list[tuple[int, str]]) -> Path:
    path.write_text("".join(f"{pk} {token}\n" for pk, token in attempts))
    return path


# ---------------------------------------------------------------- figures


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def http_figures(stack_, seeded, var) -> list[Figure]:
    """Quiz page, quiz API and submit, each between two B0 runs (worker paused)."""
    token = f"Authorization: Token {seeded.reader_token}"
    # A signed-in browser sends its CSRF cookie with the session's: without it every page
    # would mint a new CSRF secret and set a cookie, which only a first visit does.
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = (
        f"Cookie: {settings.SESSION_COOKIE_NAME}={seeded.reader_session}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )
    targets = {
        "b0": ("/bench/b0/", token),
        "page": (f"/quizzes/{seeded.quiz_id}/", cookie),
        "api": (f"/api/v1/quizzes/{seeded.quiz_id}/", token),
    }
    for name, (path, header) in targets.items():
        key, value = header.split(": ", 1)
        status, body = fetch(stack_, path, {key: value})
        if status != 200:
            raise RuntimeError(f"{name} {path} answered {status}: {body[:300]!r}")
        wrk(stack_, path, "get.lua", [header], WARM_SECONDS)
    warm = seeded.submit_attempts[:200]
    rest = seeded.submit_attempts[200:]
    wrk(stack_, "/", "submit.lua", [str(write_attempts(var / "warm.txt", warm))], 2)

    # Submits only queue grading here; the drain figure measures grading on its own.
    pause_worker()

    def b0() -> dict:
        result = wrk(
            stack_, targets["b0"][0], "get.lua", [targets["b0"][1]], HTTP_SECONDS
        )
        log(
            f"B0: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
            f"CPU {result['cpu_ms']:.1f} ms/request (load average {load_average()})"
        )
        return result

    def between(measure) -> tuple[dict, dict]:
        before = b0()
        result = measure()
        after = b0()
        mean = {
            key: (before[key] + after[key]) / 2 for key in ("rps", "p95_ms", "cpu_ms")
        }
        return result, mean

    def cpu_note(result: dict, base: dict) -> str:
        return (
            f"CPU per request (web + DB) {result['cpu_ms']:.1f} ms vs B0's "
            f"{base['cpu_ms']:.1f} ms: ratio {base['cpu_ms'] / result['cpu_ms']:.2f}"
        )

    figures = []
    for name, label in (("page", "quiz page (HTML) GET"), ("api", "quiz API GET")):
        path, header = targets[name]
        result, base = between(
            lambda path=path, header=header: wrk(
                stack_, path, "get.lua", [header], HTTP_SECONDS
            )
        )
        log(
            f"{name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
            f"CPU {result['cpu_ms']:.1f} ms/request"
        )
        ratio = result["rps"] / base["rps"]
        figures.append(
            Figure(
                f"{label} {path}",
                f"{result['rps']:.0f} req/s (p95 {result['p95_ms']:.1f} ms)",
                f"B0 {base['rps']:.0f} req/s (p95 {base['p95_ms']:.1f} ms)",
                ratio,
                ">= 0.40",
                ratio >= 0.4 and "errors" not in result,
                "; ".join(filter(None, [cpu_note(result, base), result.get("errors")])),
            )
        )

    ids = [pk for pk, _ in rest]
    left = Attempt.objects.filter(pk__in=ids, state=Attempt.State.IN_PROGRESS)
    before = left.count()
    submit, base = between(
        lambda: wrk(
            stack_,
            "/",
            "submit.lua",
            [str(write_attempts(var / "submit.txt", rest))],
            SUBMIT_SECONDS,
        )
    )
    recorded = before - left.count()
    log(
        f"submit: {submit['rps']:.0f} req/s, p95 {submit['p95_ms']:.1f} ms; "
        f"{submit['requests']} answered, {recorded} attempts submitted"
    )
    ratio = submit["rps"] / base["rps"]
    p95_ratio = submit["p95_ms"] / base["p95_ms"]
    note = f"p95 {p95_ratio:.1f} x B0's (goal <= 4); {cpu_note(submit, base)}"
    # wrk divides by its whole duration even when the script stops early, so a run that
    # used up the attempts measured the supply, not the server.
    if submit["requests"] >= len(rest) - CONNECTIONS:
        note += "; ran out of fresh attempts: the rate is a floor"
    if "errors" in submit:
        note += "; " + submit["errors"]
    figures.append(
        Figure(
            f"attempt submit, {seeded.question_count} questions",
            f"{submit['rps']:.0f} req/s (p95 {submit['p95_ms']:.1f} ms)",
            f"B0 {base['rps']:.0f} req/s (p95 {base['p95_ms']:.1f} ms)",
            ratio,
            ">= 0.25 and p95 <= 4 x B0",
            ratio >= 0.25 and p95_ratio <= 4 and "errors" not in submit,
            note,
        )
    )
    return figures


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


def _grading_queued(broker) -> int:
    """Tasks still queued plus grade tasks the worker holds: zero once grading is done."""
    return broker.llen(QUEUE) + _grade_tasks_held(broker)


def drain_figure(stack_, seeded, broker) -> Figure:
    """5,000 no-op tasks (N0), then 5,000 grade tasks, on the same worker and broker."""
    # Whatever ran before (the submit figure's grading, when BENCH_ONLY skips the settle
    # step) must not still be queued ahead of N0's no-ops.
    resume_worker()
    wait_for(
        lambda: _grading_queued(broker) == 0,
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
        return waiting.count() or min(_grading_queued(broker), len(grade_ids))

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


# ---------------------------------------------------------------- reporting


def machine_facts(broker) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = next(
        line.split(":")[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    wrk_version = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        .stdout.split("[")[0]
        .strip()
    )
    return {
        "nproc": str(os.cpu_count()),
        "CPU": model,
        "memory": f"{int(memory.split()[0]) // 1024} MiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": broker.info("server")["redis_version"],
        "Django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn") + " (2 sync workers)",
        "Celery": metadata.version("celery") + " (prefork, concurrency 2)",
        "load generator": f"{wrk_version}, 1 thread, {CONNECTIONS} connections",
    }


def write_results(
    figures: list[Figure], facts: dict, started: datetime, seconds: float
):
    lines = [
        "# Bench results",
        "",
        "Written by `python -m bench` (`make bench`); every run overwrites this file.",
        f"Run started {started:%Y-%m-%d %H:%M} UTC and took {seconds / 60:.1f} minutes.",
        "",
        "Each ratio divides the figure by its baseline measured minutes apart on the same",
        "stack (HTTP figures sit between two B0 runs). The CPU per request or task (the",
        "serving processes plus their PostgreSQL backends) moves less than throughput when",
        "others load the machine; the load average is under Machine. Method and findings:",
        "[README.md](README.md).",
        "",
        "| Figure | Measured | Baseline (same run) | Ratio | Goal | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}"
        verdict = {True: "met", False: "**short**", None: "n/a"}[f.met]
        measured = f"{f.measured}; {f.note}" if f.note else f.measured
        lines.append(
            f"| {f.name} | {measured} | {f.baseline} | {ratio} | {f.goal} | {verdict} |"
        )
    lines += ["", "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    lines.append("")
    RESULTS.write_text("\n".join(lines))


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
        lambda: not left.exists() and _grading_queued(broker) == 0,
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
