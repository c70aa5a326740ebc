"""Shared by every figure: the Figure line, wrk, meters, worker pause/resume, waits.

Imported by bench.runner after django.setup(); not a module to run on its own."""

from __future__ import annotations

import http.client
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from bench import stack
from config.celery import app

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


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
