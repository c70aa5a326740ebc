"""Where the machine's CPU went during one exam-day step: locust, the stack, the rest.

Locust runs on the same cores as gunicorn, the Celery worker and PostgreSQL, so what it
burns is taken from the stack; and on a shared machine others take some too. A thread
samples, once a second, the CPU time of each group and the machine's busy time
(/proc/stat), and reports each group's mean (and locust's peak) in cores.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.stack import cpu_seconds

__all__ = ["CpuSampler"]

_TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot."""
    fields = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / _TICK


@dataclass
class CpuSampler:
    """Per-group CPU (in cores) between start() and stop(); groups name their PIDs."""

    groups: dict[str, Callable[[], list[int]]]
    every: float = 1.0
    _seen: dict[str, dict[int, float]] = field(default_factory=dict)
    _used: dict[str, float] = field(default_factory=dict)
    _peak: dict[str, float] = field(default_factory=dict)
    _busy0: float = 0.0
    _busy: float = 0.0
    _started: float = 0.0
    _seconds: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _sample(self, interval: float) -> None:
        for name, pids in self.groups.items():
            seen = self._seen.setdefault(name, {})
            step = 0.0
            for pid in pids():
                now = cpu_seconds(pid)
                # A process first seen now counts from here: its earlier CPU was not ours.
                step += max(0.0, now - seen.get(pid, now))
                seen[pid] = now
            self._used[name] = self._used.get(name, 0.0) + step
            if interval > 0:
                self._peak[name] = max(self._peak.get(name, 0.0), step / interval)

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.every):
            now = time.monotonic()
            self._sample(now - last)
            last = now

    def start(self) -> None:
        self._sample(0)
        self._used = {}
        self._busy0 = machine_busy_seconds()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample(0)
        self._busy = machine_busy_seconds() - self._busy0
        self._seconds = time.monotonic() - self._started

    def cores(self, name: str) -> float:
        """Mean cores the group used over the sampled time."""
        return self._used.get(name, 0.0) / self._seconds if self._seconds else 0.0

    def peak(self, name: str) -> float:
        return self._peak.get(name, 0.0)

    def others(self) -> float:
        """Mean cores the rest of the machine used (other users' tests, this script)."""
        ours = sum(self._used.values())
        return max(0.0, self._busy - ours) / self._seconds if self._seconds else 0.0

    @property
    def seconds(self) -> float:
        return self._seconds
