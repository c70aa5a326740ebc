"""Start and stop the bench's processes: gunicorn, a Celery worker, an SMTP sink.

Each process starts in its own session, so stopping it by its PID (and, if it will not
go, its own process group) never touches anything the bench did not start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
WORKER_NAME = "bench@127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["BENCH_SMTP_PORT"] = str(smtp_port)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 15) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            # Our own process group only: the PID we started leads it.
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def children(self) -> list[int]:
        """PIDs whose parent is this process (gunicorn or Celery pool workers)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []


@dataclass
class Stack:
    web_port: int
    smtp_port: int
    count_file: Path
    log_dir: Path
    # Sync gunicorn workers; the bench figures were measured with 2, exam day follows
    # docs/operations.md (about 2 x cores: each waits on PostgreSQL half the time).
    web_workers: int = 2
    processes: list[Process] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def _start(self, name: str, args: list[str]) -> Process:
        log = self.log_dir / f"{name}.log"
        handle = open(log, "w")  # noqa: SIM115 - the child keeps it open
        popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=child_env(self.smtp_port),
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        handle.close()
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def start(self) -> None:
        self._start(
            "smtp",
            [
                str(BIN / "python"),
                "-m",
                "bench.smtp_sink",
                str(self.smtp_port),
                str(self.count_file),
            ],
        )
        self._start(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(self.web_workers),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--access-logfile",
                str(self.log_dir / "access.log"),
                "--timeout",
                "60",
            ],
        )
        self._start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "2",
                "--pool",
                "prefork",
                "--hostname",
                WORKER_NAME,
                "--include",
                "bench.baseline",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def check_alive(self) -> None:
        for process in self.processes:
            if process.popen.poll() is not None:
                raise RuntimeError(
                    f"{process.name} exited with {process.popen.returncode}; "
                    f"see {process.log}"
                )

    def wait_ready(self, token: str, app, timeout: float = 60) -> None:
        """Until the site answers B0, the worker answers a ping and the sink counts."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                request = urllib.request.Request(
                    f"{self.base_url}/bench/b0/",
                    headers={"Authorization": f"Token {token}"},
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    web = response.status == 200
            except OSError:
                web = False
            worker = bool(
                web and app.control.ping(destination=[WORKER_NAME], timeout=1)
            )
            if web and worker and self.count_file.exists():
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"stack not ready after {timeout}s (web={web}, worker={worker}); "
                    f"logs in {self.log_dir}"
                )
            time.sleep(0.3)

    def mail_count(self) -> int:
        try:
            return int(self.count_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0


def peak_rss_reset(pids: list[int]) -> None:
    """Reset the kernel's peak-RSS mark of these processes (ours; Linux 4.0+)."""
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            pass


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time this process has used so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


class CpuMeter:
    """CPU used by a changing set of processes between two snapshots.

    Throughput on a shared machine moves with everyone else's load; the CPU the serving
    processes spend per request moves much less, so it is reported beside each ratio.
    """

    def __init__(self, pids):
        self.pids = pids

    def snapshot(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.pids()}

    def since(self, before: dict[int, float]) -> float:
        after = self.snapshot()
        return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())
