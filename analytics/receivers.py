"""What analytics does when the engine says something happened (quizzes.signals)."""

from __future__ import annotations

from quizzes.signals import attempt_graded

from . import tasks


def refresh_statistics_on_grading(sender, *, quiz_id: int, **kwargs) -> None:
    """Queue the quiz's statistics refresh; the signal comes after the grading's commit,
    and gradings within the countdown share one refresh."""
    tasks.queue_statistics_refresh(quiz_id)


def connect_signals() -> None:
    attempt_graded.connect(
        refresh_statistics_on_grading, dispatch_uid="analytics.statistics_on_grading"
    )
