"""The exam-day record: bench/EXAM_DAY.md (RESULTS.md links to it; `make bench` leaves it).

`EXAM_DAY_FILE` writes a trial run elsewhere, so a smoke run never replaces the figure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["EXAM_DAY", "Step", "write"]

EXAM_DAY = Path(
    os.environ.get("EXAM_DAY_FILE")
    or Path(__file__).resolve().parents[1] / "EXAM_DAY.md"
)


@dataclass
class Step:
    """One N: its latencies (ms), failures, grading check and where the CPU went."""

    n: int
    held: bool
    p95: dict[str, float]
    failures: int
    graded: str
    seconds: float
    locust: float
    locust_peak: float
    web: float
    worker: float
    database: float
    others: float
    load: str

    def line(self) -> str:
        p95 = ", ".join(f"{name} {ms:.0f}" for name, ms in self.p95.items())
        return (
            f"N={self.n}: p95 ms {p95}; {self.failures} failed requests; {self.graded};"
            f" CPU in cores: locust {self.locust:.2f} (peak {self.locust_peak:.2f}),"
            f" gunicorn {self.web:.2f}, worker {self.worker:.2f},"
            f" PostgreSQL {self.database:.2f}, others {self.others:.2f}"
            f" -> {'held' if self.held else 'NOT held'}"
        )


def figure_text(best: int, failed: int | None, cores: int, steps: list[Step]) -> str:
    held = next((s for s in steps if s.n == best), None)
    locust = held.locust if held else 0.0
    beyond = f"{failed} did not" if failed else "no step failed (raise EXAM_MAX)"
    return (
        f"Largest N that held: {best} ({beyond}) on {cores} cores -> "
        f"{best / cores:.0f} concurrent exam-takers per core; locust took "
        f"{locust:.2f} cores at that step, so per core left to the stack "
        f"{best / max(cores - locust, 0.01):.0f}"
    )


def write(
    steps: list[Step],
    *,
    best: int,
    failed: int | None,
    cores: int,
    web_workers: int,
    settings: dict[str, str],
    started: datetime,
    minutes: float,
) -> None:
    lines = [
        "# Exam day",
        "",
        "Written by `python -m bench.exam_day` (`make bench-exam-day`); every run",
        f"overwrites this file. Run started {started:%Y-%m-%d %H:%M} UTC and took"
        f" {minutes:.1f} minutes.",
        "Settings: " + ", ".join(f"`{k}={v}`" for k, v in settings.items()) + ".",
        "",
        "Each N: N verified students start the final within `EXAM_RAMP_SECONDS`, read",
        "the take page, autosave the whole form every `EXAM_AUTOSAVE_SECONDS`",
        "`EXAM_SAVES` times and submit, with grading on (gunicorn with"
        f" {web_workers} sync workers",
        "— `EXAM_WEB_WORKERS`, by default 2 x cores as docs/operations.md recommends —",
        "a Celery worker of concurrency 2, production settings, locust on the same",
        "machine). N holds when the p95 of autosave and of submit is under 250 ms, no",
        "request fails, and every attempt is graded with every response scored once.",
        "CPU is in cores (mean over the step; locust's peak over one second); `others`",
        "is whatever else the machine ran. Method: [README.md](README.md).",
        "",
        "**" + figure_text(best, failed, cores, steps) + "**",
        "",
        "| N | held | p95 autosave | p95 submit | p95 start | p95 take page |"
        " failed requests | grading | seconds | locust (peak) | gunicorn | worker |"
        " PostgreSQL | others | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in steps:
        lines.append(
            f"| {s.n} | {'yes' if s.held else '**no**'} |"
            f" {s.p95.get('autosave', 0):.0f} ms | {s.p95.get('submit', 0):.0f} ms |"
            f" {s.p95.get('start', 0):.0f} ms | {s.p95.get('take page', 0):.0f} ms |"
            f" {s.failures} | {s.graded} | {s.seconds:.0f} |"
            f" {s.locust:.2f} ({s.locust_peak:.2f}) | {s.web:.2f} | {s.worker:.2f} |"
            f" {s.database:.2f} | {s.others:.2f} | {s.load} |"
        )
    lines.append("")
    EXAM_DAY.write_text("\n".join(lines))
