"""The growth jobs, each run alone in a fresh process: time, queries and peak memory.

`python -m bench.growth.jobs NAME CONTEXT.json` sets Django up on the growth settings,
runs one job and prints one JSON line: seconds for the timed run and the CPU seconds
it took in this process and in its PostgreSQL backend (/proc/PID/stat), the units it did
(attempts, rows, reports, pages), the statements it sent (a counting execute wrapper,
which keeps nothing: CaptureQueriesContext would hold every statement in memory) and
the process's peak RSS (VmHWM) before and after the job.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable

# key -> (title, function), in the order the runner runs them (regrades last: they
# change the scores the other jobs read).
JOBS: dict[str, tuple[str, Callable]] = {}


def job(key: str, title: str):
    def register(func):
        JOBS[key] = (title, func)
        return func

    return register


class Counter:
    """A connection execute wrapper that counts statements (not cursor fetches)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _counted(func):
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        result = func()
    return result, counter.count


# CPU seconds of each timed call: (this process, its PostgreSQL backend), or None for the
# backend when the connection changed under the call.
CPU: list[tuple[float, float | None]] = []


def _backend_cpu() -> tuple[int | None, float]:
    """The connection's server process and the CPU seconds it has used so far."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None, 0.0
    # utime and stime, fields 14 and 15 of proc(5), in clock ticks.
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(func):
    pid, db_before = _backend_cpu()
    cpu_before = time.process_time()
    start = time.perf_counter()
    result, queries = _counted(func)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_before
    pid_after, db_after = _backend_cpu()
    CPU.append((cpu, db_after - db_before if pid and pid == pid_after else None))
    return seconds, result, queries


def _instructor(ctx):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=ctx["instructor_id"])


def _page(ctx, url: str) -> tuple[float, int, int]:
    """Median of three timed GETs after one warm-up (one, if the warm-up took over
    two seconds); queries of one; the status."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_instructor(ctx))
    warm, response, _ = _timed(lambda: client.get(url))
    del CPU[:]
    runs = [_timed(lambda: client.get(url)) for _ in range(1 if warm > 2 else 3)]
    # The CPU of the run whose time is the median.
    ranked = sorted(range(len(runs)), key=lambda i: runs[i][0])
    CPU.append(CPU[ranked[len(runs) // 2]])
    return statistics.median(r[0] for r in runs), runs[0][2], response.status_code


@job("stats-first", "statistics refresh, first attempts")
def stats_first(ctx):
    from analytics import services

    seconds, stats, queries = _timed(
        lambda: services.refresh_quiz_statistics(quiz_id=ctx["quiz_id"], which="first")
    )
    return {
        "seconds": seconds,
        "units": stats.attempt_count,
        "unit": "attempt",
        "queries": queries,
    }


@job("stats-all", "statistics refresh, all attempts")
def stats_all(ctx):
    from analytics import services

    seconds, stats, queries = _timed(
        lambda: services.refresh_quiz_statistics(quiz_id=ctx["quiz_id"], which="all")
    )
    return {
        "seconds": seconds,
        "units": stats.attempt_count,
        "unit": "attempt",
        "queries": queries,
    }


@job(
    "stats-all-lists", "statistics, all attempts, the marks held in Python (reference)"
)
def stats_all_lists(ctx):
    """The list-based path the refresh used before issue 20, kept as the reference."""
    from analytics import selectors, services

    def run():
        matrix = selectors.quiz_matrix(quiz_id=ctx["quiz_id"], which="all")
        services.statistics_data(matrix)
        return len(matrix.matrix)

    seconds, count, queries = _timed(run)
    return {"seconds": seconds, "units": count, "unit": "attempt", "queries": queries}


@job("gradebook-page", "gradebook page")
def gradebook_page(ctx):
    from django.urls import reverse

    url = reverse("instructor:gradebook", args=[ctx["book_cohort_id"]])
    seconds, queries, status = _page(ctx, url)
    assert status == 200, status
    return {
        "seconds": seconds,
        "units": ctx["book_students"],
        "unit": "student row",
        "queries": queries,
    }


def _export(ctx, kind: str, **target):
    from analytics.exports import run_export
    from analytics.models import ExportJob

    export = ExportJob.objects.create(
        kind=kind, requested_by=_instructor(ctx), **target
    )
    seconds, done, queries = _timed(lambda: run_export(job_id=export.pk))
    assert done.state == ExportJob.State.DONE, done.state
    return seconds, done.rows_done, queries


@job("gradebook-csv", "gradebook CSV")
def gradebook_csv(ctx):
    from analytics.models import ExportJob

    seconds, rows, queries = _export(
        ctx, ExportJob.Kind.COHORT_GRADES, cohort_id=ctx["book_cohort_id"]
    )
    return {
        "seconds": seconds,
        "units": rows,
        "unit": "student row",
        "queries": queries,
    }


@job("responses-csv", "responses CSV")
def responses_csv(ctx):
    from analytics.models import ExportJob

    seconds, rows, queries = _export(
        ctx, ExportJob.Kind.QUIZ_RESPONSES, quiz_id=ctx["quiz_id"]
    )
    return {
        "seconds": seconds,
        "units": rows,
        "unit": "response row",
        "queries": queries,
    }


@job("grading-queue", "grading queue, first page")
def grading_queue(ctx):
    from django.urls import reverse

    url = reverse("instructor:queue") + f"?cohort={ctx['cohort_id']}"
    seconds, queries, status = _page(ctx, url)
    assert status == 200, status
    return {"seconds": seconds, "units": 1, "unit": "page", "queries": queries}


@job("peer-queue", "peer-review queue, first page")
def peer_queue(ctx):
    """The hook for the peer-review queue, built in parallel by another engineer."""
    from bench.growth import peer

    return peer.measure(ctx, _page)


@job("progress", "weekly progress reports")
def progress_reports(ctx):
    from django.utils import timezone

    from progress import reports, services

    monday = reports.last_complete_week(timezone.now())

    def run():
        created = services.build_reports(period=monday)
        sent = services.send_due_reports()
        return created, sent

    seconds, (created, sent), queries = _timed(run)
    return {
        "seconds": seconds,
        "units": created,
        "unit": "report",
        "queries": queries,
        "note": f"{sent.sent} sent",
    }


def _regrade_quiz(ctx):
    from quizzes.models import Quiz

    return Quiz.objects.get(pk=ctx["quiz_id"])


@job("regrade-preview", "regrade dry run after a key change")
def regrade_preview(ctx):
    from quizzes.services import regrading

    quiz = _regrade_quiz(ctx)
    seconds, changes, queries = _timed(lambda: regrading.preview_regrade(quiz=quiz))
    return {
        "seconds": seconds,
        "units": ctx["attempts"],
        "unit": "attempt",
        "queries": queries,
        "note": f"{len(changes):,} would move",
    }


@job("regrade", "regrade after a key change")
def regrade_real(ctx):
    from quizzes.services import regrading

    quiz = _regrade_quiz(ctx)
    seconds, run, queries = _timed(
        lambda: regrading.regrade(quiz=quiz, user=_instructor(ctx), reason="Key moved")
    )
    return {
        "seconds": seconds,
        "units": ctx["attempts"],
        "unit": "attempt",
        "queries": queries,
        "note": f"{run.changed:,} moved",
    }


def peak_rss_kb() -> int:
    """This process's peak RSS in kB: VmHWM, which exec resets.

    getrusage's ru_maxrss would do in a process started from a small parent, but a
    forked child keeps the parent's figure (here the runner's, swollen by seeding).
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(name: str, context_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.growth.settings")
    import django

    django.setup()
    with open(context_path, encoding="utf-8") as handle:
        ctx = json.load(handle)
    before = peak_rss_kb()
    result = JOBS[name][1](ctx)
    if CPU and "seconds" in result:
        result["cpu"], result["db_cpu"] = CPU[-1]
    result["rss_before_kb"] = before
    result["peak_kb"] = peak_rss_kb()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
