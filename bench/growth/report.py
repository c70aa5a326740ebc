"""bench/GROWTH.md: per job and size, time per unit, queries, peak memory; the ratios."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from bench.growth.jobs import JOBS

# GROWTH_FILE writes a partial run (one job, other sizes) elsewhere than GROWTH.md.
GROWTH = Path(
    os.environ.get("GROWTH_FILE") or Path(__file__).resolve().parents[1] / "GROWTH.md"
)
TIME_GOAL = 1.5  # time per unit at the largest size / at the smallest
MEMORY_GOAL = 2.0  # peak memory at the largest size / at the one before


def _per_unit(result: dict) -> float | None:
    if "seconds" not in result or not result.get("units"):
        return None
    return result["seconds"] / result["units"]


def _cpu_per_unit(result: dict) -> float | None:
    """CPU seconds per unit of the job's process and its database backend together."""
    if result.get("db_cpu") is None or not result.get("units"):
        return None
    return (result["cpu"] + result["db_cpu"]) / result["units"]


def _time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def line(key: str, result: dict) -> str:
    """One size of one job, for the log."""
    title = JOBS[key][0]
    if "error" in result or "skipped" in result:
        return f"{title}: {result.get('error') or result.get('skipped')}"
    unit = _per_unit(result)
    cpu = _cpu_per_unit(result)
    return (
        f"{title}: {_time(result['seconds'])} for {result['units']:,} "
        f"{result['unit']}s = {_time(unit)} per {result['unit']}; "
        + (f"CPU {_time(cpu)} per {result['unit']}; " if cpu is not None else "")
        + f"{result['queries']} queries; peak RSS {result['peak_kb'] / 1024:.0f} MB "
        f"(before the job {result['rss_before_kb'] / 1024:.0f} MB)"
        + (f"; {result['note']}" if result.get("note") else "")
    )


def _cell(result: dict) -> str:
    if "error" in result:
        return f"failed: {result['error']}"
    if "skipped" in result:
        return f"not measured: {result['skipped']}"
    cpu = _cpu_per_unit(result)
    text = (
        f"{_time(_per_unit(result))}/{result['unit']} ({result['units']:,} in "
        f"{_time(result['seconds'])}); "
        + (
            f"CPU {_time(cpu)}/{result['unit']} (app {_time(result['cpu'])}, "
            f"db {_time(result['db_cpu'])}); "
            if cpu is not None
            else ""
        )
        + f"{result['queries']} q; {result['peak_kb'] / 1024:.0f} MB"
    )
    if result.get("note"):
        text += f"; {result['note']}"
    return text


def verdicts(by_size: dict[int, dict], sizes: list[int]) -> tuple[str, str, str, str]:
    """Wall and CPU time-per-unit ratios (largest / smallest), memory ratio (largest /
    the one before), verdict: on the CPU ratio where both ends have one (the machine is
    shared, so wall time follows the load), else on the wall ratio."""
    measured = [s for s in sizes if _per_unit(by_size.get(s, {})) is not None]
    if len(measured) < 2:
        return "-", "-", "-", "not enough sizes"
    low, high = measured[0], measured[-1]
    time_ratio = _per_unit(by_size[high]) / _per_unit(by_size[low])
    cpu_low, cpu_high = _cpu_per_unit(by_size[low]), _cpu_per_unit(by_size[high])
    cpu_ratio = cpu_high / cpu_low if cpu_low and cpu_high is not None else None
    before = measured[-2]
    memory_ratio = by_size[high]["peak_kb"] / by_size[before]["peak_kb"]
    judged = cpu_ratio if cpu_ratio is not None else time_ratio
    met = judged <= TIME_GOAL and memory_ratio <= MEMORY_GOAL
    return (
        f"{time_ratio:.2f} ({high:,} vs {low:,})",
        "-" if cpu_ratio is None else f"{cpu_ratio:.2f}",
        f"{memory_ratio:.2f} ({high:,} vs {before:,})",
        "met" if met else "missed",
    )


def write(results, *, sizes, started: datetime, minutes: float, loads, seeding) -> None:
    head = " | ".join(f"{size:,} attempts" for size in sizes)
    lines = [
        "# Growth curves",
        "",
        "Written by `python -m bench.growth` (`make bench-growth`); every run overwrites",
        f"this file. Run started {started:%Y-%m-%d %H:%M} UTC and took {minutes:.1f} "
        "minutes.",
        f"Sizes: `GROWTH_SIZES={','.join(str(s) for s in sizes)}`.",
        "",
        "Each size is seeded afresh (S students, S graded attempts of a 12-question",
        "quiz with 12 responses each, a gradebook cohort of S / 10 students x 12",
        "quizzes, S essay answers waiting for the instructor, S peer-reviewed answers",
        "waiting for their reviews) and each job runs alone in",
        "a new process: time of one run (pages: median of three after a warm-up), the",
        "statements it sent, and the process's peak RSS (VmHWM, Django included).",
        f"Goals: time per unit at the largest size within {TIME_GOAL}x of the smallest;",
        f"peak memory at the largest within {MEMORY_GOAL}x of the one before; queries",
        "constant per page and per batch. Method and findings: [README.md](README.md).",
        "CPU: seconds of CPU the job's process and its PostgreSQL backend used in the",
        "timed run (/proc); the verdict judges time per unit by CPU where it was read,",
        "since other work on the machine stretches wall time by the load.",
        "",
        f"| Job | {head} | wall time/unit ratio | CPU/unit ratio | memory ratio "
        "| verdict |",
        "|---|" + "---|" * (len(sizes) + 4),
    ]
    for key, by_size in results.items():
        cells = [_cell(by_size[s]) if s in by_size else "-" for s in sizes]
        time_ratio, cpu_ratio, memory_ratio, verdict = verdicts(by_size, sizes)
        lines.append(
            f"| {JOBS[key][0]} | "
            + " | ".join(cells)
            + f" | {time_ratio} | {cpu_ratio} | {memory_ratio} | {verdict} |"
        )
    lines += [
        "",
        "| Machine | |",
        "|---|---|",
        f"| nproc | {os.cpu_count()} |",
        f"| load average (1, 5, 15 min) | {'; '.join(loads)} |",
        "| seeding | "
        + "; ".join(f"{size:,}: {seconds:.0f} s" for size, seconds in seeding.items())
        + " |",
        "",
    ]
    GROWTH.write_text("\n".join(lines))
