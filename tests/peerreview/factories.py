"""Quizzes with peer review: an argument-scored tradeoff item with a rubric, a cohort
who submit, and calibration examples."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from peerreview.models import CalibrationExample, PeerReviewSetup
from quizzes import services as quiz_services
from quizzes.models import Question, Quiz
from tests.accounts.factories import UserFactory
from tests.helpers.factories import QuizFactory, cohort_with, take

CRITERIA = [
    {
        "name": "Weighs both values",
        "levels": [
            {"label": "One side only", "points": 0},
            {"label": "Both, thinly", "points": 1},
            {"label": "Both, with costs", "points": 2},
        ],
    },
    {
        "name": "Answers the objection",
        "levels": [
            {"label": "No", "points": 0},
            {"label": "Partly", "points": 0.5},
            {"label": "Fully", "points": 1},
        ],
    },
]

PARTS = {
    "value": "I put border security first, because a state that cannot check "
    "arrivals loses consent.",
    "gains": "Residents and lawful migrants gain trust in the system and faster, "
    "predictable decisions.",
    "costs": "People with valid claims bear longer waits, and border towns bear "
    "crowded reception centres.",
    "objection": "Rights advocates say screening delays harm refugees; funded fast "
    "tracks answer much of that.",
    "evidence": "Audits showing valid claims refused more often under tighter checks "
    "would change my view.",
}


def peer_question(quiz: Quiz, **kwargs) -> Question:
    return Question.objects.create(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        prompt="Where do you stand between border security and migrants' rights?",
        name=kwargs.pop("name", "Borders"),
        points=Decimal("1"),
        position=kwargs.pop("position", 0),
        data={
            "scoring": 2,
            "left": "Border security",
            "right": "Migrants' rights",
            "range": [20, 80],
            "justification": {
                "points": 3,
                "rubric": "Argue it in five parts.",
                "rubric_criteria": CRITERIA,
            },
        },
        **kwargs,
    )


def peer_quiz(
    *,
    k: int = 3,
    deadline: datetime | None = None,
    scores_count: bool = True,
    cohort=None,
    **kwargs,
):
    """A quiz with one peer-reviewed question and peer review on."""
    quiz = (
        QuizFactory(course=cohort.course, **kwargs) if cohort else QuizFactory(**kwargs)
    )
    question = peer_question(quiz)
    PeerReviewSetup.objects.create(
        quiz=quiz,
        reviews_per_student=k,
        review_deadline=deadline or timezone.now() + timedelta(days=7),
        scores_count=scores_count,
    )
    return quiz, question


def submit(quiz: Quiz, question: Question, student=None, *, at=None, parts=None):
    """Take the quiz with a full justification and grade it; returns the response."""
    student = student or UserFactory()
    answer = {"position": 40, "justification": parts or PARTS}
    attempt = take(quiz, student, {str(question.pk): answer}, at=at)
    return attempt.responses.get(question=question)


def example(question: Question, levels=(2, 1), reasons=None, position=0):
    return CalibrationExample.objects.create(
        question=question,
        position=position,
        justification=PARTS,
        levels=list(levels),
        reasons=reasons or ["Names both values and the cost.", "Replies in full."],
    )


def cohort_quiz(students: int, **kwargs):
    cohort, instructor, members = cohort_with(students=students)
    quiz, question = peer_quiz(cohort=cohort, **kwargs)
    return cohort, instructor, members, quiz, question


def grade_later(attempt_id: int) -> None:
    quiz_services.grade_attempt(attempt_id=attempt_id)
