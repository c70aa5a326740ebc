"""Bench: assigning peer reviews for 5,000 submissions, as a ratio to a no-op task.

`python -m bench.peer_review` (`make bench-peer-review`, from the repository root) writes
bench/PEER_REVIEW.md (PEER_REVIEW_FILE elsewhere), which `make bench` leaves alone. It
drops and re-creates the
database `bench_peer`, uses Redis database 14 only (flushed at the start and the end),
starts one Celery worker (prefork, concurrency 1, `bench.settings`) and stops it by its
PID. Figures:

- B: 5,000 `peerreview.tasks.noop` tasks queued while the worker is busy on nothing
  else, drained; tasks per second.
- A: 5,000 graded attempts of a quiz with peer review (k = 3) whose justifications
  wait for review (marked waiting, as the grading receiver does); one
  `allocate_reviews(quiz, [attempt])` task per submission queued in submission order,
  as the grading receiver sends them, drained; tasks per second,
  and the reviews assigned checked (every answer 3 reviews, every student 3 to write,
  none their own).

The ratio A/B is the figure (goal >= 0.3). A second line times the steady state: one
more submission arriving after the 5,000 are allocated, in-process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ["BENCH_DB_NAME"] = "bench_peer"
os.environ["BENCH_REDIS_URL"] = "redis://127.0.0.1:6379/14"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_PEER_N", "5000"))
K = 3
GOAL = 0.3
REPORT = Path(os.environ.get("PEER_REVIEW_FILE", ROOT / "bench" / "PEER_REVIEW.md"))
_lines: list[str] = []


def _log(text: str) -> None:
    print(text, flush=True)
    _lines.append(text)


def _write_report(started: datetime, seconds: float) -> None:
    """The run's figure lines, with when and under what load they were measured."""
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    REPORT.write_text(
        "\n".join(
            [
                "# Peer-review allocation",
                "",
                "Written by `python -m bench.peer_review` (`make bench-peer-review`); every",
                "run overwrites this file. "
                f"Run started {started:%Y-%m-%d %H:%M} UTC and took "
                f"{seconds / 60:.1f} minutes; load average at the end {load} "
                f"on {os.cpu_count()} cores.",
                "",
                "```",
                *_lines,
                "```",
                "",
            ]
        )
    )


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_peer WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_peer")


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["BENCH_REDIS_URL"]).flushdb()


def _seed():
    """A course, a quiz with one peer-reviewed tradeoff item, N students with graded
    attempts whose justification waits for a person; by bulk inserts."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from courses.models import Course
    from peerreview.models import PeerReviewSetup, WaitingAttempt
    from quizzes.grading import justification
    from quizzes.models import Attempt, Question, Quiz, Response

    User = get_user_model()
    now = timezone.now()
    course = Course.objects.create(slug="peer-bench", title="Peer bench")
    quiz = Quiz.objects.create(course=course, slug="peer", title="Peer", published=True)
    data = {
        "scoring": 2,
        "left": "Border security",
        "right": "Migrants' rights",
        "range": [20, 80],
        "justification": {
            "points": 3,
            "rubric_criteria": [
                {
                    "name": "Weighs both",
                    "levels": [
                        {"label": "No", "points": 0},
                        {"label": "Yes", "points": 2},
                    ],
                },
                {
                    "name": "Objection",
                    "levels": [
                        {"label": "No", "points": 0},
                        {"label": "Yes", "points": 1},
                    ],
                },
            ],
        },
    }
    question = Question.objects.create(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        prompt="Where do you stand?",
        points=Decimal(1),
        data=data,
    )
    PeerReviewSetup.objects.create(
        quiz=quiz, reviews_per_student=K, review_deadline=now + timedelta(days=7)
    )
    users = User.objects.bulk_create(
        User(email=f"peer{i}@bench.test") for i in range(N)
    )
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            student=user,
            number=1,
            state=Attempt.State.NEEDS_REVIEW,
            started_at=now - timedelta(minutes=30),
            submitted_at=now - timedelta(seconds=N - i),
            graded_at=now,
            score=Decimal(1),
            max_score=Decimal(4),
        )
        for i, user in enumerate(users)
    )
    answer = {"position": 40, "justification": justification.model_justification(data)}
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            answer=answer,
            auto_score=Decimal(1),
            score=Decimal(1),
            max_score=Decimal(4),
            needs_manual=True,
        )
        for attempt in attempts
    )
    # What the grading receiver writes in the grading transaction of each attempt
    # (peerreview.receivers.allocate_on_scoring): the attempt waits for allocation.
    WaitingAttempt.objects.bulk_create(
        WaitingAttempt(quiz=quiz, attempt=attempt) for attempt in attempts
    )
    return quiz, question


def _start_worker(log_path: Path) -> subprocess.Popen:
    env = {**os.environ}
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return worker


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children living now
    (the prefork worker and its pool process), from /proc: unlike wall time, it does
    not grow when other processes load the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        pids += [int(child) for child in children]
    total = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _drain(task, argses: list[tuple], n: int) -> float:
    """Queue n tasks and wait for the last (a single FIFO worker process runs them in
    order); tasks per second from the first send to the last result."""
    start = time.perf_counter()
    results = [task.apply_async(args) for args in argses[:n]]
    results[-1].get(timeout=1800)
    seconds = time.perf_counter() - start
    for result in results[:: max(1, n // 50)]:
        result.get(timeout=60)
    return n / seconds


def main() -> int:
    started, clock = datetime.now(UTC), time.monotonic()
    _recreate_database()
    _flush_redis()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.db.models import Count, F

    from peerreview import services, tasks
    from peerreview.models import ReviewAssignment, Submission
    from quizzes.models import Attempt

    _log(f"seeding {N} graded submissions ...")
    quiz, question = _seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    worker = _start_worker(var / "peer-worker.log")
    try:
        tasks.noop.apply_async().get(timeout=120)  # the worker is up
        cpu = _cpu_seconds(worker.pid)
        noop_rate = _drain(tasks.noop, [()] * N, N)
        noop_cpu = (_cpu_seconds(worker.pid) - cpu) / N
        _log(
            f"B  no-op task:          {noop_rate:8.0f} tasks/s ({N} tasks), "
            f"worker CPU {noop_cpu * 1000:.2f} ms/task"
        )
        # As the grading receiver sends them: one task per graded attempt, in the order
        # the attempts were submitted.
        ids = Attempt.objects.filter(quiz=quiz).order_by("submitted_at", "id")
        argses = [(quiz.pk, [pk]) for pk in ids.values_list("pk", flat=True)]
        cpu = _cpu_seconds(worker.pid)
        alloc_rate = _drain(tasks.allocate_reviews, argses, N)
        alloc_cpu = (_cpu_seconds(worker.pid) - cpu) / N
        _log(
            f"A  allocate_reviews:    {alloc_rate:8.0f} tasks/s ({N} tasks), "
            f"worker CPU {alloc_cpu * 1000:.2f} ms/task"
        )
    finally:
        _stop_worker(worker)
    counts = Submission.objects.aggregate(n=Count("id"))
    bad = (
        Submission.objects.exclude(assigned=K).count()
        + Submission.objects.exclude(to_give=K).count()
    )
    assert counts["n"] == N, counts
    assert bad == 0, f"{bad} submissions without {K} reviews each way"
    assert not ReviewAssignment.objects.filter(reviewer=F("author")).exists()
    ratio = alloc_rate / noop_rate
    met = "met" if ratio >= GOAL else "NOT met"
    _log(
        f"peer-review allocation, {N} submissions: {ratio:.2f} of a no-op task "
        f"(goal >= {GOAL}: {met}); {ReviewAssignment.objects.count()} reviews assigned"
    )
    _steady_state(quiz, question, services)
    _flush_redis()
    _write_report(started, time.monotonic() - clock)
    return 0


def _steady_state(quiz, question, services) -> None:
    """One more submission after N are allocated: the work one submit's task does."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from peerreview.models import WaitingAttempt
    from quizzes.models import Attempt, Response

    timings = []
    for i in range(20):
        user = get_user_model().objects.create(email=f"late{i}@bench.test")
        now = timezone.now()
        attempt = Attempt.objects.create(
            quiz=quiz,
            student=user,
            number=1,
            state=Attempt.State.NEEDS_REVIEW,
            submitted_at=now,
            graded_at=now,
            score=Decimal(1),
            max_score=Decimal(4),
        )
        WaitingAttempt.objects.create(quiz=quiz, attempt=attempt)
        source = Response.objects.filter(question=question).first()
        Response.objects.create(
            attempt=attempt,
            question=question,
            answer=source.answer,
            auto_score=Decimal(1),
            score=Decimal(1),
            max_score=Decimal(4),
            needs_manual=True,
        )
        start = time.perf_counter()
        services.allocate_reviews(quiz_id=quiz.pk, attempt_ids=[attempt.pk])
        timings.append(time.perf_counter() - start)
    timings.sort()
    _log(
        f"steady state: one submission's allocation with {N} in place, in-process: "
        f"median {timings[len(timings) // 2] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
