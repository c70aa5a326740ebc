"""The run's record: the machine's facts and RESULTS.md.

Imported by bench.runner after django.setup(); not a module to run on its own."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.db import connection

from bench.common import CONNECTIONS, RESULTS, Figure

BEFORE_AFTER = RESULTS.with_name("BEFORE_AFTER.md")


def machine_facts(broker) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = next(
        line.split(":")[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    wrk_version = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        .stdout.split("[")[0]
        .strip()
    )
    return {
        "nproc": str(os.cpu_count()),
        "CPU": model,
        "memory": f"{int(memory.split()[0]) // 1024} MiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": broker.info("server")["redis_version"],
        "Django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn") + " (2 sync workers)",
        "Celery": metadata.version("celery") + " (prefork, concurrency 2)",
        "load generator": f"{wrk_version}, 1 thread, {CONNECTIONS} connections",
    }


def write_results(
    figures: list[Figure], facts: dict, started: datetime, seconds: float
):
    lines = [
        "# Bench results",
        "",
        "Written by `python -m bench` (`make bench`); every run overwrites this file.",
        f"Run started {started:%Y-%m-%d %H:%M} UTC and took {seconds / 60:.1f} minutes.",
        "",
        "Each ratio divides the figure by its baseline measured minutes apart on the same",
        "stack (HTTP figures sit between two B0 runs). The CPU per request or task (the",
        "serving processes plus their PostgreSQL backends) moves less than throughput when",
        "others load the machine; the load average is under Machine. Method and findings:",
        "[README.md](README.md).",
        "",
        "Growth curves (time per unit and peak memory at 1k, 10k and 100k graded",
        "attempts) are written by `make bench-growth` to [GROWTH.md](GROWTH.md); the",
        "exam-day figure (concurrent exam-takers per core) by `make bench-exam-day` to",
        "[EXAM_DAY.md](EXAM_DAY.md); the peer-review allocation figure by",
        "`make bench-peer-review` to [PEER_REVIEW.md](PEER_REVIEW.md). This run leaves",
        "those files alone and copies the exam-day figure and the growth table below",
        "as their own last runs wrote them.",
        "",
        "| Figure | Measured | Baseline (same run) | Ratio | Goal | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}"
        verdict = {True: "met", False: "**short**", None: "n/a"}[f.met]
        measured = f"{f.measured}; {f.note}" if f.note else f.measured
        lines.append(
            f"| {f.name} | {measured} | {f.baseline} | {ratio} | {f.goal} | {verdict} |"
        )
    lines += _copied_from_the_other_benches()
    if BEFORE_AFTER.exists():  # the hand-kept history of issue 15's triage
        lines += ["", BEFORE_AFTER.read_text().rstrip()]
    lines += ["", "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    lines.append("")
    RESULTS.write_text("\n".join(lines))


def _copied_from_the_other_benches() -> list[str]:
    """The exam-day figure and the growth table as their own last runs wrote them.

    Those benches take 10-25 minutes and write their own files; RESULTS.md repeats
    their headline (the run's date line, the figure, the table) so that one file holds
    every figure. Nothing here is measured by this run."""
    lines: list[str] = []
    exam = RESULTS.with_name("EXAM_DAY.md")
    if exam.exists():
        text = exam.read_text().splitlines()
        run = _run_line(text)
        figure = next((line for line in text if line.startswith("**Largest N")), "")
        if figure:
            lines += ["", "## Exam day (copied from EXAM_DAY.md)", "", run, "", figure]
    growth = RESULTS.with_name("GROWTH.md")
    if growth.exists():
        text = growth.read_text().splitlines()
        run = _run_line(text)
        start = next(
            (i for i, line in enumerate(text) if line.startswith("| Job")), None
        )
        if start is not None:
            table = []
            for line in text[start:]:
                if not line.startswith("|"):
                    break
                table.append(line)
            lines += [
                "",
                "## Growth curves (copied from GROWTH.md)",
                "",
                run,
                "",
                *table,
            ]
    return lines


def _run_line(text: list[str]) -> str:
    """'Run started ... minutes.' from a bench file's header."""
    line = next((line for line in text if "Run started" in line), "")
    return line[line.find("Run started") :]
