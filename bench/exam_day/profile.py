"""`python -m bench.exam_day.profile`: where one exam-day request's time goes, at idle.

In-process (django.test.Client, the bench settings, the exam-day database and Redis): one
student opens the final, starts it, reads the take page, autosaves the whole form REPEAT times and
submits. For each kind of request: wall time and this process's CPU time per request
(median), SQL queries and Redis commands per request; wall minus CPU is waiting (the
database, Redis). PROFILE=1 adds cProfile's top functions for the autosaves.
EXAM_PROFILE_HTTP=1 also starts the bench stack (bench/stack.py, EXAM_WEB_WORKERS sync
workers) and times the same requests one at a time over loopback, with the CPU the
gunicorn workers and the PostgreSQL backends spent per request.

Uses the database of `python -m bench.exam_day` (BENCH_DB_NAME, default bench_examday)
and makes it if it has no final yet (EXAM_PROFILE_SEED=1 makes it afresh). Loopback only.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("BENCH_DB_NAME", "bench_examday")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import redis.connection  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import seed, stack  # noqa: E402
from bench.common import db_backends  # noqa: E402
from bench.exam_day.form import answers_from_page  # noqa: E402
from quizzes.models import Quiz  # noqa: E402

REPEAT = int(os.environ.get("EXAM_PROFILE_REPEAT", "30"))
HOST = "127.0.0.1"


class _RedisCount:
    """Redis commands sent by this process (every client goes through send_command)."""

    commands: list[str] = []

    @classmethod
    def install(cls) -> None:
        original = redis.connection.AbstractConnection.send_command

        def send_command(self, *args, **kwargs):
            cls.commands.append(str(args[0]) if args else "?")
            return original(self, *args, **kwargs)

        redis.connection.AbstractConnection.send_command = send_command


def _database_ready() -> bool:
    try:
        return Quiz.objects.filter(lesson__isnull=True).exists()
    except Exception:  # noqa: BLE001 - no database or no tables yet
        connection.close()
        return False


def _final() -> Quiz:
    quiz = Quiz.objects.filter(lesson__isnull=True).order_by("pk").first()
    Quiz.objects.filter(pk=quiz.pk).update(
        opens_at=None, closes_at=None, time_limit_minutes=None, attempts_allowed=None
    )
    return quiz


# One client for every student: its handler loads the middleware once (on the warm-up
# exam), as a gunicorn worker does, not in a student's first measured request.
_CLIENT = Client(HTTP_HOST=HOST)


def _student_client() -> Client:
    user = get_user_model().objects.create(
        email=f"profile{time.time_ns()}@bench.local",
        password="!",
        email_verified_at=timezone.now(),
    )
    _CLIENT.cookies.clear()
    _CLIENT.cookies["sessionid"] = seed.session_for(user)
    return _CLIENT


@contextmanager
def _measured(samples: dict, name: str):
    _RedisCount.commands.clear()
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    row = samples.setdefault(name, {"wall": [], "cpu": [], "sql": [], "redis": []})
    row["wall"].append(wall * 1000)
    row["cpu"].append(cpu * 1000)
    row["sql"].append(len(queries))
    row["redis"].append(len(_RedisCount.commands))
    if os.environ.get("EXAM_PROFILE_SQL") and len(row["sql"]) == 1:
        print(f"-- {name}: {len(queries)} queries")
        for query in queries.captured_queries:
            print("  ", query["sql"][:160])
        print("   redis:", " ".join(_RedisCount.commands))


def _saves(html: str, count: int) -> list[tuple[str, dict]]:
    """The first save writes every answer; the second resends the same form (as the
    exam-day load does); the rest change the written answers each time."""
    same = answers_from_page(html)
    edited = answers_from_page(html, text="An argument with both sides, edited.")
    saves = [("1st save", same), ("same save", same)]
    saves += [("edit save", (edited, same)[n % 2]) for n in range(count - 2)]
    return saves[:count]


def _one_exam(quiz: Quiz, samples: dict, profiler: cProfile.Profile | None) -> None:
    client = _student_client()
    with _measured(samples, "quiz intro"):
        client.get(f"/quizzes/{quiz.pk}/")
    with _measured(samples, "start"):
        started = client.post(f"/quizzes/{quiz.pk}/start/")
    assert started.status_code == 302, started.status_code
    take_url = started["Location"]
    with _measured(samples, "take page"):
        page = client.get(take_url)
    assert page.status_code == 200, page.status_code
    autosave_url = take_url.rstrip("/") + "/autosave/"
    for name, form in _saves(page.content.decode(), REPEAT):
        if profiler:
            profiler.enable()
        with _measured(samples, name):
            saved = client.post(autosave_url, form, HTTP_HX_REQUEST="true")
        if profiler:
            profiler.disable()
        assert saved.status_code == 200, saved.status_code
    with _measured(samples, "submit"):
        submitted = client.post(take_url.rstrip("/") + "/submit/")
    assert submitted.status_code == 302, submitted.status_code


def _over_http(quiz: Quiz) -> None:
    """The same requests one at a time through gunicorn: latency and CPU per request."""
    from rest_framework.authtoken.models import Token

    from config.celery import app

    admin, _ = get_user_model().objects.get_or_create(email="profile-admin@bench.local")
    token, _ = Token.objects.get_or_create(user=admin)
    with tempfile.TemporaryDirectory(prefix="exam-profile-") as tmp:
        stack_ = stack.Stack(
            web_port=stack.free_port(),
            smtp_port=stack.free_port(),
            count_file=Path(tmp) / "smtp-count.txt",
            log_dir=Path(tmp),
            web_workers=web_workers(),
        )
        try:
            stack_.start()
            stack_.wait_ready(token.key, app)
            web = stack_.process("web")
            meter = stack.CpuMeter(lambda: [*web.children(), *db_backends()])
            samples: dict = {}
            for _ in range(4):
                _http_exam(stack_.base_url, quiz, samples, meter)
        finally:
            stack_.stop()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Over HTTP, one request at a time; load average {load}")
    print("request    | wall ms (median) | p95 | gunicorn + PostgreSQL CPU ms (mean)")
    for name, row in samples.items():
        wall = sorted(row["wall"])
        p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
        cpu = sum(row["cpu"]) / len(row["cpu"])
        print(f"{name:<10} | {statistics.median(wall):16.1f} | {p95:5.1f} | {cpu:.1f}")


def _http_exam(base: str, quiz: Quiz, samples: dict, meter) -> None:
    import requests

    user = get_user_model().objects.create(
        email=f"profile{time.time_ns()}@bench.local",
        password="!",
        email_verified_at=timezone.now(),
    )
    session = requests.Session()
    csrf = "p" * 32
    session.cookies.set("sessionid", seed.session_for(user))
    session.cookies.set("csrftoken", csrf)

    def timed(name, method, path, **kwargs):
        before = meter.snapshot()
        wall = time.perf_counter()
        response = session.request(method, base + path, allow_redirects=False, **kwargs)
        wall = (time.perf_counter() - wall) * 1000
        cpu = meter.since(before) * 1000
        row = samples.setdefault(name, {"wall": [], "cpu": []})
        row["wall"].append(wall)
        row["cpu"].append(cpu)
        return response

    data = {"csrfmiddlewaretoken": csrf}
    timed("quiz intro", "GET", f"/quizzes/{quiz.pk}/")
    started = timed("start", "POST", f"/quizzes/{quiz.pk}/start/", data=data)
    assert started.status_code == 302, started.status_code
    take = started.headers["Location"]
    page = timed("take page", "GET", take)
    for name, form in _saves(page.text, REPEAT):
        saved = timed(
            name,
            "POST",
            take + "autosave/",
            data=form,
            headers={"HX-Request": "true"},
        )
        assert saved.status_code == 200, saved.status_code
    done = timed("submit", "POST", take + "submit/", data=data)
    assert done.status_code == 302, done.status_code


def web_workers() -> int:
    return int(os.environ.get("EXAM_WEB_WORKERS") or 2 * (os.cpu_count() or 1))


def main() -> int:
    if os.environ.get("EXAM_PROFILE_SEED") == "1" or not _database_ready():
        seed.reset_database()
        seed.migrate()
    quiz = _final()
    _RedisCount.install()
    warm: dict = {}
    _one_exam(quiz, warm, None)  # imports, template loading, connections
    samples: dict = {}
    profiler = cProfile.Profile() if os.environ.get("PROFILE") == "1" else None
    for _ in range(3):
        _one_exam(quiz, samples, profiler)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Final {quiz.pk}; {REPEAT} autosaves x 3 students; load average {load}")
    print("request    | wall ms (median) | CPU ms (median) | waiting ms | SQL | Redis")
    for name, row in samples.items():
        wall, cpu = statistics.median(row["wall"]), statistics.median(row["cpu"])
        print(
            f"{name:<10} | {wall:16.1f} | {cpu:15.1f} | {wall - cpu:10.1f} |"
            f" {max(row['sql']):3d} | {max(row['redis']):5d}"
        )
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    if os.environ.get("EXAM_PROFILE_HTTP") == "1":
        _over_http(quiz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
