"""How the bench asks the progress app to send its reports: as the beat schedule does."""

from __future__ import annotations

import importlib


def _tasks():
    try:
        return importlib.import_module("progress.tasks")
    except ImportError:
        return None


def unavailable() -> str:
    """Why the progress figure cannot be measured; empty when it can."""
    tasks = _tasks()
    if tasks is None:
        return "progress.tasks is not in the tree yet"
    if not hasattr(tasks, "build_and_send_weekly_reports"):
        return "progress.tasks has no build_and_send_weekly_reports task"
    return ""


def expected_messages() -> int:
    """How many reports one weekly run should send: every student and instructor due one."""
    from progress import selectors

    return (
        selectors.student_recipients().count()
        + selectors.instructor_recipients().count()
    )


def start_sending() -> None:
    """Queue the weekly run (build the outbox, then send it) on the worker."""
    _tasks().build_and_send_weekly_reports.delay()
