"""Run a real Celery worker as a subprocess against Redis and the pytest database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import redis
from celery import Celery

PROJECT_DIR = Path(__file__).resolve().parents[2]
QUEUE = "celery"


class WorkerStartError(RuntimeError):
    """The worker exited or never answered a ping."""


def database_url(settings_dict: Mapping) -> str:
    """Build a DATABASE_URL for the connection a Django test run is really using."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    name = quote(settings_dict["NAME"], safe="")
    return f"postgres://{credentials}{host}:{port}/{name}"


def check_redis(url: str, *, timeout: float = 3.0) -> None:
    """Raise ConnectionError with a clear message unless Redis answers at url."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConnectionError(
            f"Redis is not answering at {url} ({exc}). The real-worker tests need it: "
            "start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379` "
            "or run .ci/run, which installs and starts it."
        ) from exc
    finally:
        client.close()


class CeleryWorkerProcess:
    """One `celery -A config worker -P solo` subprocess that tests can stop, kill, restart."""

    def __init__(
        self,
        *,
        app: Celery,
        env: Mapping[str, str],
        log_path: Path,
        start_timeout: float = 30.0,
    ) -> None:
        self.app = app
        # A unique node name, so a ping is answered by this worker and no stray one.
        self.hostname = f"pytest-{uuid.uuid4().hex[:10]}@localhost"
        self.env = dict(env)
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        # Where the current test's part of the log begins (a worker serves several).
        self.log_start = 0
        # Whether it takes tasks from the queue (see settle and resume).
        self.consuming = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            QUEUE,
            "--hostname",
            self.hostname,
            "--loglevel",
            "INFO",
            # Gossip and mingle only slow start-up; no other worker is meant to be there.
            "--without-gossip",
            "--without-mingle",
            # Test-only tasks that prove the worker shares the test database.
            "--include",
            "tests.helpers.tasks",
        ]

    def purge(self) -> int:
        """Drop every message waiting in the queue; returns how many there were."""
        with self.app.connection_for_write() as connection:
            return connection.default_channel.queue_purge(QUEUE) or 0

    def start(self) -> None:
        """Start the subprocess and wait until it answers a control ping."""
        if self.running:
            raise WorkerStartError(f"Worker {self.hostname} is already running.")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        self.wait_until_ready()
        self.consuming = True

    def ping(self, *, timeout: float = 1.0) -> bool:
        """Ask this worker, over the broker, to answer; True when it did."""
        # limit=1: return on this worker's reply instead of waiting out the timeout.
        replies = self.app.control.ping(
            destination=[self.hostname], timeout=timeout, limit=1
        )
        return any(self.hostname in reply for reply in replies)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise WorkerStartError(
                    f"Celery worker exited with code {self.process.returncode} before "
                    f"answering a ping. Its log:\n{self.log_tail()}"
                )
            if self.ping(timeout=0.5):
                return
        self.kill()
        raise WorkerStartError(
            f"Celery worker {self.hostname} did not answer a ping within "
            f"{self.start_timeout:.0f}s. Its log:\n{self.log_tail()}"
        )

    def stop(self, *, timeout: float = 15.0) -> None:
        """Warm shutdown (SIGTERM): finish the current task, then exit; SIGKILL if stuck."""
        if not self.running:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL this worker by its own PID, as a crash or OOM kill would."""
        if not self.running:
            return
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def restart(self) -> None:
        self.stop()
        self.start()

    def begin_test(self) -> None:
        """From here on, log_tail shows only what this worker logs for the next test."""
        try:
            self.log_start = self.log_path.stat().st_size
        except FileNotFoundError:
            self.log_start = 0

    def settle(self, *, timeout: float = 15.0) -> bool:
        """After a test: make sure the worker is idle, will run nothing it holds for
        later, has forgotten what it cached and takes nothing more from the queue; False
        if it cannot.

        A task reserved before the purge runs first (the solo pool takes them in order),
        so when `forget` answers, nothing of the test is still running. Then the worker
        stops consuming: the tests in between expect no worker (tasks they queue wait).
        """
        if not self.running or not (
            self.consuming or self._consume(True, timeout=timeout)
        ):
            return False
        self.purge()
        # A countdown or retry waiting in the worker's memory (the grading's statistics
        # refresh has one) would run in a later test: revoked, it is dropped when due.
        inspect = self.app.control.inspect([self.hostname], timeout=timeout, limit=1)
        scheduled = [
            entry["request"]["id"]
            for entries in (inspect.scheduled() or {}).values()
            for entry in entries
        ]
        if scheduled and not self.app.control.revoke(
            scheduled, destination=[self.hostname], reply=True, timeout=timeout, limit=1
        ):
            return False
        try:
            self.app.send_task("tests.helpers.forget").get(timeout=timeout)
        except Exception:  # noqa: BLE001 -- a worker that cannot answer is not kept
            return False
        return self._consume(False, timeout=timeout)

    def resume(self, *, timeout: float = 15.0) -> bool:
        """For the next test: drop what other tests left queued, then consume again."""
        if not self.running:
            return False
        self.purge()
        return self._consume(True, timeout=timeout)

    def _consume(self, on: bool, *, timeout: float) -> bool:
        control = self.app.control
        command = control.add_consumer if on else control.cancel_consumer
        replies = command(
            QUEUE, destination=[self.hostname], reply=True, timeout=timeout, limit=1
        )
        answered = any(self.hostname in reply for reply in replies or ())
        if answered:
            self.consuming = on
        return self.running and answered

    def log_tail(self, lines: int = 60) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(self.log_start)
                text = log.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log written)"
        return "\n".join(text.splitlines()[-lines:])
