"""`python -m bench.exam_day`: the largest N of students the stack carries on exam day.

The bench database (`bench_examday`, Redis db 9) is made afresh once per run. Each N
gets N new verified students with sessions and a fresh bench stack (gunicorn with
EXAM_WEB_WORKERS sync workers, by default 2 x cores as docs/operations.md recommends, a
Celery worker of concurrency 2, production settings), then locust until
every student has submitted (`-t` bounds it). N holds when autosave and submit have a
p95 under 250 ms, no request fails, and every attempt is submitted and graded exactly
once. N doubles from EXAM_START until a step fails, then one step halfway narrows the
figure (bench/exam_day/steps.py; EXAM_STEPS=25,50 runs a given list instead). The CPU
of locust, the stack and everything else is sampled per step. Writes bench/EXAM_DAY.md
(EXAM_DAY_FILE elsewhere). Loopback only; every loop is bounded.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
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
from bench.common import db_backends  # noqa: E402
from bench.exam_day import report  # noqa: E402
from bench.exam_day.meter import CpuSampler  # noqa: E402
from bench.exam_day.steps import run_steps  # noqa: E402
from quizzes import pools  # noqa: E402
from quizzes.models import Attempt, Quiz, Response  # noqa: E402

P95_LIMIT_MS = 250
GIVEN = [int(n) for n in os.environ.get("EXAM_STEPS", "").split(",") if n.strip()]
START = int(os.environ.get("EXAM_START", "25"))
MOST = int(os.environ.get("EXAM_MAX", "6400"))
REFINE = os.environ.get("EXAM_REFINE", "1") != "0"
RAMP_SECONDS = float(os.environ.get("EXAM_RAMP_SECONDS", "10"))
AUTOSAVE_SECONDS = float(os.environ.get("EXAM_AUTOSAVE_SECONDS", "20"))
SAVES = int(os.environ.get("EXAM_SAVES", "3"))
# Sync workers wait on PostgreSQL about half the time: about 2 per core (operations.md).
WEB_WORKERS = int(os.environ.get("EXAM_WEB_WORKERS") or 2 * (os.cpu_count() or 1))
GRADING_TIMEOUT = 120
TIMED = ("autosave", "submit", "start", "take page")


def _final() -> Quiz:
    quiz = Quiz.objects.filter(lesson__isnull=True).order_by("pk").first()
    # Every student may sit it now, as often as the run needs.
    Quiz.objects.filter(pk=quiz.pk).update(
        opens_at=None, closes_at=None, time_limit_minutes=None, attempts_allowed=None
    )
    return quiz


def _students(count: int) -> tuple[list[int], list[str]]:
    """N new students for this step (earlier steps' students keep their attempts)."""
    now = timezone.now()
    first = get_user_model().objects.count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            email=f"exam{first + n}@bench.local",
            first_name="Exam",
            last_name=str(first + n),
            password="!",
            email_verified_at=now,
        )
        for n in range(count)
    )
    return [user.pk for user in users], [seed.session_for(user) for user in users]


def _stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _graded_once(quiz: Quiz, students: list[int]) -> tuple[bool, str]:
    count = len(students)
    attempts = Attempt.objects.filter(quiz=quiz, student_id__in=students)
    deadline = time.monotonic() + GRADING_TIMEOUT
    while time.monotonic() < deadline:
        waiting = attempts.filter(
            state__in=[Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED]
        ).count()
        if not waiting:
            break
        time.sleep(1)
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
        attempt__in=attempts, auto_score__isnull=False
    ).count()
    ok = attempts.count() == count == finished and scored == dealt
    return ok, f"{finished}/{count} graded, {scored}/{dealt} responses"


def _locust(count: int, stack_: stack.Stack, env: dict, prefix: Path, log: Path):
    seconds = int(RAMP_SECONDS + AUTOSAVE_SECONDS * (SAVES + 1) + 60)
    args = [
        str(stack.BIN / "locust"),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--host",
        stack_.base_url,
        "-u",
        str(count),
        "-r",
        f"{max(1.0, count / RAMP_SECONDS):.2f}",
        "-t",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
    ]
    with open(log, "w") as out:
        return subprocess.Popen(
            args, env=env, cwd=stack.ROOT, stdout=out, stderr=subprocess.STDOUT
        ), seconds


def run_step(quiz: Quiz, token: str, count: int, workdir: Path) -> report.Step:
    students, sessions = _students(count)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    stack_ = stack.Stack(
        web_port=stack.free_port(),
        smtp_port=stack.free_port(),
        count_file=workdir / f"smtp-count-{count}.txt",
        log_dir=workdir,
        web_workers=WEB_WORKERS,
    )
    from config.celery import app

    prefix = workdir / f"n{count}"
    log = workdir / f"locust-{count}.log"
    try:
        stack_.start()
        stack_.wait_ready(token, app)
        env = {
            **os.environ,
            "EXAM_SESSIONS": json.dumps(sessions),
            "EXAM_USERS": str(count),
            "EXAM_QUIZ_ID": str(quiz.pk),
            "EXAM_AUTOSAVE_SECONDS": str(AUTOSAVE_SECONDS),
            "EXAM_SAVES": str(SAVES),
        }
        web, worker = stack_.process("web"), stack_.process("worker")
        locust, seconds = _locust(count, stack_, env, prefix, log)
        sampler = CpuSampler(
            {
                "locust": lambda: [locust.pid],
                "web": lambda: [web.pid, *web.children()],
                "worker": lambda: [worker.pid, *worker.children()],
                "database": db_backends,
            }
        )
        sampler.start()
        try:
            locust.wait(timeout=seconds + 120)
        finally:
            sampler.stop()
            if locust.poll() is None:
                locust.kill()
                locust.wait(10)
        graded, graded_text = _graded_once(quiz, students)
    finally:
        stack_.stop()
    stats = _stats(prefix) if Path(f"{prefix}_stats.csv").exists() else {}
    if not {"autosave", "submit"} <= set(stats):
        tail = log.read_text()[-3000:]
        raise RuntimeError(f"N={count}: the load did not run; locust said:\n{tail}")
    p95 = {name: float(stats[name]["95%"]) for name in TIMED if name in stats}
    failures = sum(
        int(row["Failure Count"]) for name, row in stats.items() if name != "Aggregated"
    )
    held = (
        graded and failures == 0 and max(p95["autosave"], p95["submit"]) < P95_LIMIT_MS
    )
    return report.Step(
        n=count,
        held=held,
        p95=p95,
        failures=failures,
        graded=graded_text,
        seconds=sampler.seconds,
        locust=sampler.cores("locust"),
        locust_peak=sampler.peak("locust"),
        web=sampler.cores("web"),
        worker=sampler.cores("worker"),
        database=sampler.cores("database"),
        others=sampler.others(),
        load=load,
    )


def main() -> int:
    started, clock = datetime.now(UTC), time.monotonic()
    cores = os.cpu_count() or 1
    seed.reset_database()
    seed.migrate()
    quiz = _final()
    print(f"Seeded in {time.monotonic() - clock:.0f} s", flush=True)
    admin = get_user_model().objects.create(email="exam-admin@bench.local")
    token = Token.objects.create(user=admin).key
    steps: list[report.Step] = []

    # EXAM_LOG_DIR keeps the stack's and locust's logs (access log, worker log, CSVs).
    keep = os.environ.get("EXAM_LOG_DIR")
    with tempfile.TemporaryDirectory(prefix="exam-day-") as tmp:
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            tmp = keep

        def held(count: int) -> bool:
            step = run_step(quiz, token, count, Path(tmp))
            steps.append(step)
            print(step.line(), flush=True)
            return step.held

        best, failed, _ = run_steps(
            held, given=GIVEN, start=START, most=MOST, refine=REFINE
        )
    settings = {
        "EXAM_STEPS": ",".join(map(str, GIVEN)) or f"doubling from {START}",
        "EXAM_RAMP_SECONDS": f"{RAMP_SECONDS:g}",
        "EXAM_AUTOSAVE_SECONDS": f"{AUTOSAVE_SECONDS:g}",
        "EXAM_SAVES": str(SAVES),
        "EXAM_WEB_WORKERS": str(WEB_WORKERS),
    }
    report.write(
        steps,
        best=best,
        failed=failed,
        cores=cores,
        web_workers=WEB_WORKERS,
        settings=settings,
        started=started,
        minutes=(time.monotonic() - clock) / 60,
    )
    print(report.figure_text(best, failed, cores, steps))
    print(f"Written to {report.EXAM_DAY}")
    return 0 if best else 1


if __name__ == "__main__":
    sys.exit(main())
