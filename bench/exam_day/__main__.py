"""`python -m bench.exam_day`: the largest N of students the stack carries on exam day.

For each N (EXAM_STEPS, default 25,50,100,200): a fresh bench database with the course,
N verified students with sessions, the bench stack (gunicorn with 2 sync workers, a
Celery worker of concurrency 2, production settings), then locust for a bounded time.
N holds when autosave and submit have a p95 under 250 ms, no request fails, and every
attempt is submitted and graded exactly once. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DB_NAME", "bench_examday")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench import seed, stack  # noqa: E402
from quizzes import pools  # noqa: E402
from quizzes.models import Attempt, Quiz, Response  # noqa: E402

P95_LIMIT_MS = 250
STEPS = [int(n) for n in os.environ.get("EXAM_STEPS", "25,50,100,200").split(",")]
AUTOSAVE_SECONDS = float(os.environ.get("EXAM_AUTOSAVE_SECONDS", "20"))
SAVES = int(os.environ.get("EXAM_SAVES", "3"))
GRADING_TIMEOUT = 120


def _final() -> Quiz:
    quiz = Quiz.objects.filter(lesson__isnull=True).order_by("pk").first()
    # Every student may sit it now, as often as the run needs.
    Quiz.objects.filter(pk=quiz.pk).update(
        opens_at=None, closes_at=None, time_limit_minutes=None, attempts_allowed=None
    )
    return quiz


def _students(count: int) -> list[str]:
    now = timezone.now()
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            email=f"exam{n}@bench.local",
            first_name="Exam",
            last_name=str(n),
            password="!",
            email_verified_at=now,
        )
        for n in range(count)
    )
    return [seed.session_for(user) for user in users]


def _stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _graded_once(quiz: Quiz, count: int) -> tuple[bool, str]:
    deadline = time.monotonic() + GRADING_TIMEOUT
    while time.monotonic() < deadline:
        waiting = Attempt.objects.filter(
            quiz=quiz, state__in=[Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED]
        ).count()
        if not waiting:
            break
        time.sleep(1)
    attempts = Attempt.objects.filter(quiz=quiz)
    finished = attempts.filter(
        state__in=[Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW]
    ).count()
    # A pooled quiz deals each attempt one question per pool: count what was dealt.
    question_ids = list(quiz.questions.values_list("pk", flat=True))
    dealt = sum(
        sum(pools.in_attempt(layout, qid) for qid in question_ids)
        for layout in attempts.values_list("layout", flat=True)
    )
    # Grading writes each response's score once; a second grading would change nothing
    # but its graded_at, so "once" is: one attempt per student, every response scored.
    scored = Response.objects.filter(
        attempt__quiz=quiz, auto_score__isnull=False
    ).count()
    ok = attempts.count() == count == finished and scored == dealt
    return ok, f"{finished}/{count} graded, {scored}/{dealt} responses"


def run_step(count: int, workdir: Path) -> tuple[bool, str]:
    seed.reset_database()
    seed.migrate()
    quiz = _final()
    sessions = _students(count)
    admin = get_user_model().objects.create(email="exam-admin@bench.local")
    token = Token.objects.create(user=admin).key
    stack_ = stack.Stack(
        web_port=stack.free_port(),
        smtp_port=stack.free_port(),
        count_file=workdir / "smtp-count.txt",
        log_dir=workdir,
    )
    from config.celery import app

    seconds = int(AUTOSAVE_SECONDS * (SAVES + 2))
    prefix = workdir / f"n{count}"
    try:
        stack_.start()
        stack_.wait_ready(token, app)
        env = {
            **os.environ,
            "EXAM_SESSIONS": json.dumps(sessions),
            "EXAM_QUIZ_ID": str(quiz.pk),
            "EXAM_AUTOSAVE_SECONDS": str(AUTOSAVE_SECONDS),
            "EXAM_SAVES": str(SAVES),
        }
        subprocess.run(
            [
                str(stack.BIN / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                stack_.base_url,
                "-u",
                str(count),
                "-r",
                str(max(1, count // 10)),
                "-t",
                f"{seconds}s",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env=env,
            cwd=stack.ROOT,
            check=False,
            timeout=seconds + 120,
            stdout=open(workdir / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        graded, graded_text = _graded_once(quiz, count)
    finally:
        stack_.stop()
    stats = _stats(prefix)
    if not {"autosave", "submit"} <= set(stats):
        log = (workdir / "locust.log").read_text()[-3000:]
        return False, f"N={count}: the load did not run; locust said:\n{log}"
    p95 = {name: float(stats[name]["95%"]) for name in ("autosave", "submit")}
    failures = sum(int(row["Failure Count"]) for row in stats.values())
    held = graded and failures == 0 and max(p95.values()) < P95_LIMIT_MS
    line = (
        f"N={count}: p95 autosave {p95['autosave']:.0f} ms, submit {p95['submit']:.0f}"
        f" ms, {failures} failed requests, {graded_text} -> "
        + ("held" if held else "NOT held")
    )
    return held, line


def main() -> int:
    best = 0
    with tempfile.TemporaryDirectory(prefix="exam-day-") as tmp:
        for count in STEPS:
            held, line = run_step(count, Path(tmp))
            print(line, flush=True)
            if not held:
                break
            best = count
    cores = os.cpu_count() or 1
    print(
        f"Largest N that held: {best} on {cores} cores -> "
        f"{best / cores:.0f} concurrent exam-takers per core "
        f"(autosave every {AUTOSAVE_SECONDS:.0f} s, {SAVES} saves, then submit)"
    )
    return 0 if best else 1


if __name__ == "__main__":
    sys.exit(main())
