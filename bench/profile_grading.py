"""Profile the grading service in-process: per attempt, its queries, bytes and CPU.

    BENCH_DB_NAME=bench_<name> .venv/bin/python -m bench.profile_grading [attempts]

(PROFILE_REUSE=1 grades the attempts a previous run seeded again, after setting them
back to submitted, instead of seeding anew.)

Seeds the drain's 12-question quiz and `attempts` submitted attempts of it (4,000 unless
told) in its own bench database, the way bench/seed.py does, then drains them as the
worker would: one `grade_attempt_task` body per attempt, so 1 in 25 grades a batch and
the rest find their attempt graded. It reports, per attempt, the queries, the bytes
written (WAL, and the growth of the response table), the CPU of this process and of
its PostgreSQL backend (read from /proc, so the figures do not depend on the load), and
the heaviest functions under cProfile. Nothing here is timed against a baseline: it is
for finding where a grade's time goes, and for before/after comparisons.
"""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import quiz_copy, seed  # noqa: E402
from courses.models import Course  # noqa: E402
from quizzes import services  # noqa: E402
from quizzes.models import Attempt, Response  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
# The column that holds what a response was graded against, whatever it is called.
_GRADED_COPY = [
    f
    for f in Response._meta.concrete_fields
    if f.name in ("graded_question", "graded_version")
]


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a local PostgreSQL backend."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _seed(count: int) -> list[int]:
    print(f"seeding {count} submitted attempts in {settings.BENCH_DB_NAME}", flush=True)
    seed.reset_database()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_course", verbosity=0, stdout=io.StringIO())
    now = timezone.now()
    user_model = get_user_model()
    with transaction.atomic():
        course = Course.objects.get()
        course.status = Course.Status.PUBLISHED
        course.save(update_fields=["status"])
        quiz = quiz_copy.bench_quiz(
            course, "bench-twelve-questions-drain", "Bench drain quiz"
        )
        students = user_model.objects.bulk_create(
            user_model(
                email=f"student{n:05d}@bench.test",
                password="!",
                role=user_model.Role.STUDENT,
                email_verified_at=now,
            )
            for n in range(count)
        )
        template_student = user_model.objects.create_user(
            email="template@bench.test", password="!", email_verified_at=now
        )
    template, answers = quiz_copy.template_and_answers(quiz, template_student)
    with transaction.atomic():
        attempts = seed._answered_attempts(
            template, students, Attempt.State.SUBMITTED, now, answers
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [a.pk for a in attempts]


def _reset() -> list[int]:
    """Make the seeded attempts submitted and ungraded again (PROFILE_REUSE=1)."""
    attempts = Attempt.objects.filter(
        quiz__slug="bench-twelve-questions-drain"
    ).exclude(submitted_at=None)
    with transaction.atomic():
        attempts.update(state=Attempt.State.SUBMITTED, score=None, graded_at=None)
        Response.objects.filter(attempt__in=attempts).update(
            auto_score=None,
            base_score=None,
            score=None,
            feedback=[],
            needs_manual=False,
            graded_at=None,
            **{f.attname: None for f in _GRADED_COPY},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return list(attempts.order_by("pk").values_list("pk", flat=True))


def _kind(sql: str) -> str:
    words = sql.split()
    head = words[0].upper()
    if head in ("SELECT", "UPDATE", "DELETE") or head.startswith("INSERT"):
        table = next(
            (
                w.strip('"')
                for w in words
                if w.strip('"').startswith(
                    ("quizzes_", "peerreview_", "lti_", "analytics_")
                )
            ),
            "?",
        )
        return f"{head} {table}"
    return head


def main() -> None:
    assert settings.BENCH_DB_NAME != "bench_tradeoffs", "set BENCH_DB_NAME"
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000
    top = int(os.environ.get("PROFILE_TOP", "25"))
    ids = _reset() if os.environ.get("PROFILE_REUSE") else _seed(count)
    count = len(ids)
    backend = _scalar("SELECT pg_backend_pid()")
    # About the first half plain, for the CPU and bytes; the rest under the query
    # counter and cProfile, whose own cost would blur the CPU figures. Each call is
    # the task's body, as the worker runs it: most find their attempt graded by an
    # earlier batch (a batch takes the quiz's latest submitted attempts).
    table_before = _scalar("SELECT pg_total_relation_size('quizzes_response')")
    wal_before = _scalar("SELECT pg_current_wal_lsn()")
    db_before = _backend_cpu(backend)
    cpu_before = time.process_time()
    wall = time.perf_counter()
    plain = calls = 0
    while plain < count // 2:
        plain += len(services.grade_submitted(attempt_id=ids[calls])[1])
        calls += 1
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall
    db_cpu = _backend_cpu(backend) - db_before
    wal = _scalar(f"SELECT pg_current_wal_lsn() - '{wal_before}'::pg_lsn")
    table_after = _scalar("SELECT pg_total_relation_size('quizzes_response')")
    # CPU time, not wall time: others load the machine.
    profiler = cProfile.Profile(time.process_time)
    traced = 0
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        for attempt_id in ids[calls:]:
            traced += len(services.grade_submitted(attempt_id=attempt_id)[1])
        profiler.disable()
    queries = len(captured.captured_queries)
    kinds = Counter(_kind(q["sql"]) for q in captured.captured_queries)
    graded = Attempt.objects.filter(pk__in=ids, state=Attempt.State.GRADED).count()
    sizes = _scalar("SELECT avg(pg_column_size(r.*)) FROM quizzes_response r")
    print(
        f"graded {graded}/{count}: {plain} by {calls} plain calls in {wall:.1f} s "
        f"wall, {traced} by {len(ids) - calls} traced calls"
    )
    print(
        f"per attempt graded: {cpu * 1000 / plain:.2f} ms CPU in this process "
        f"(Python and driver), {db_cpu * 1000 / plain:.2f} ms PostgreSQL backend CPU, "
        f"{int(wal) / plain:,.0f} WAL bytes, response table "
        f"+{(table_after - table_before) / plain:,.0f} bytes; "
        f"{queries / traced:.2f} queries (traced part: {queries} for {traced})"
    )
    print(f"average response row {float(sizes):,.0f} bytes (pg_column_size)")
    print("statements:")
    for kind, n in kinds.most_common():
        print(f"  {n:6d}  {kind}")
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
    stats.print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(stream.getvalue())


if __name__ == "__main__":
    main()
