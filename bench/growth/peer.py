"""The peer-review queue of the growth bench: S answers waiting for their reviews.

`seed` adds a quiz with one argument-scored tradeoff item under peer review (three
reviews each, due in a week) and S graded attempts of it, each answer a submission no
reviewer has been given yet (as after a burst of submits, before allocation); `measure`
times the instructor's peer-review page of that quiz (its first page), as the grading
queue is timed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from psycopg.types.json import Jsonb

from peerreview.models import PeerReviewSetup, Submission
from quizzes.models import Attempt, Question, Quiz, Response

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
    "gains": "Residents and lawful migrants gain trust and predictable decisions.",
    "costs": "People with valid claims bear longer waits.",
    "objection": "Rights advocates say screening delays harm refugees.",
    "evidence": "Audits showing valid claims refused more often would change my view.",
}


def _copy(model, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        table = model._meta.db_table
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed(course, students: list, now) -> Quiz:
    quiz = Quiz.objects.create(
        course=course,
        slug="growth-peer",
        title="Growth peer-review quiz",
        published=True,
        attempts_allowed=None,
    )
    question = Question.objects.create(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        prompt="Where do you stand between border security and migrants' rights?",
        name="Borders",
        points=Decimal("1"),
        position=1,
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
    )
    PeerReviewSetup.objects.create(
        quiz=quiz, reviews_per_student=3, review_deadline=now + timedelta(days=7)
    )
    answer = Jsonb({"position": 40, "justification": PARTS})
    for start in range(0, len(students), 20_000):
        chunk = students[start : start + 20_000]
        submitted = [now - timedelta(hours=2, seconds=n) for n in range(len(chunk))]
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    quiz=quiz,
                    student=student,
                    number=1,
                    state=Attempt.State.GRADED,
                    started_at=at - timedelta(minutes=20),
                    submitted_at=at,
                    graded_at=at,
                    score=Decimal("1.000"),
                    max_score=Decimal("4.000"),
                )
                for student, at in zip(chunk, submitted, strict=True)
            ]
        )
        _copy(
            Response,
            ["attempt_id", "question_id", "answer", "saved_at", "auto_score"]
            + ["score", "max_score", "feedback", "needs_manual", "comment"]
            + ["override_reason", "graded_at"],
            (
                (a.pk, question.pk, answer, a.submitted_at, Decimal("1.000"))
                + (Decimal("1.000"), Decimal("4.000"), Jsonb([]), False, "", "")
                + (a.submitted_at,)
                for a in attempts
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Submission._meta.db_table}
                    (response_id, question_id, quiz_id, author_id, submitted_at,
                     assigned, to_give, done, needs_instructor)
                SELECT r.id, r.question_id, a.quiz_id, a.student_id, a.submitted_at,
                    0, 0, 0, false
                FROM {Response._meta.db_table} r
                JOIN {Attempt._meta.db_table} a ON a.id = r.attempt_id
                WHERE a.id = ANY(%s)
                """,
                [[a.pk for a in attempts]],
            )
    return quiz


def measure(ctx: dict, page) -> dict:
    """Time the instructor's peer-review page of the quiz (its first page)."""
    url = reverse("peer-instructor:quiz", args=[ctx["peer_quiz_id"]])
    seconds, queries, status = page(ctx, url)
    assert status == 200, status
    return {"seconds": seconds, "units": 1, "unit": "page", "queries": queries}
