"""What peer review does when the engine says something happened (quizzes.signals)."""

from __future__ import annotations

from django.db import transaction

from quizzes.signals import attempts_scored

from . import terms
from .models import WaitingAttempt


def allocate_on_scoring(sender, *, attempts, **kwargs) -> None:
    """Queue allocation for quizzes with peer review whose attempts were just scored;
    sent inside the grading transaction, so the attempts are marked waiting in it and
    the task goes after its commit. One task per quiz, naming its attempts; the first
    run registers every waiting attempt of the quiz, so the tasks of a burst after it
    find nothing waiting and stop."""
    from . import tasks

    by_quiz: dict[int, list[int]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt.pk)
    quiz_ids = set(by_quiz)
    enabled = list(
        terms.setups_in_use()
        .filter(quiz_id__in=quiz_ids)
        .values_list("quiz_id", flat=True)
    )
    WaitingAttempt.objects.bulk_create(
        [
            WaitingAttempt(quiz_id=quiz_id, attempt_id=attempt_id)
            for quiz_id in enabled
            for attempt_id in by_quiz[quiz_id]
        ],
        ignore_conflicts=True,
    )
    for quiz_id in enabled:
        transaction.on_commit(
            lambda quiz_id=quiz_id: tasks.allocate_reviews.delay(
                quiz_id, sorted(by_quiz[quiz_id])
            )
        )


def connect_signals() -> None:
    attempts_scored.connect(allocate_on_scoring, dispatch_uid="peerreview.allocate")
