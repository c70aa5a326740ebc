"""Answers as a student's client sends them: choices and items named by handles."""

from __future__ import annotations

from quizzes import presentation, selectors
from quizzes.models import Attempt


def as_student_sends(attempt: Attempt, answers: dict) -> dict:
    """Answers with real ids (keyed by question id) rewritten to the attempt's handles."""
    attempt = Attempt.objects.get(pk=attempt.pk)
    handles = presentation.handles_for(attempt, selectors.ordered_questions(attempt))
    return {
        qid: handles.answer_to_student(int(qid), answer)
        for qid, answer in answers.items()
    }
