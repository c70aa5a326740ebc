"""Migrations 0014–0015 move the per-response frozen copies into shared versions."""

from __future__ import annotations

import pytest

from quizzes import frozen
from quizzes.models import Question, QuestionVersion, Response
from tests.helpers.migrations import leaves, migrate_to

BEFORE = [("quizzes", "0013_grading_queue_indexes")]


def _copy(prompt: str, choice_ids) -> dict:
    """A copy as quizzes.frozen.snapshot_of wrote it before 0014."""
    return {
        "version": 1,
        "kind": "single_choice",
        "name": "",
        "prompt": prompt,
        "prompt_format": "markdown",
        "explanation": "",
        "explanation_format": "markdown",
        "points": "1.00",
        "data": {},
        "choices": [
            {
                "id": pk,
                "credit": credit,
                "position": n,
                "text": text,
                "text_format": "markdown",
                "feedback": "",
                "feedback_format": "markdown",
                "feedback_gains": "",
                "feedback_costs": "",
                "feedback_objection": "",
            }
            for n, (pk, text, credit) in enumerate(choice_ids)
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_frozen_copies_become_one_version_each_and_responses_point_at_them():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Course = old.get_model("courses", "Course")
        Quiz = old.get_model("quizzes", "Quiz")
        OldQuestion = old.get_model("quizzes", "Question")
        Choice = old.get_model("quizzes", "Choice")
        Attempt = old.get_model("quizzes", "Attempt")
        OldResponse = old.get_model("quizzes", "Response")
        course = Course.objects.create(title="Trade", slug="trade")
        quiz = Quiz.objects.create(course=course, slug="q", title="Before versions")
        question = OldQuestion.objects.create(
            quiz=quiz, kind="single_choice", prompt="Where was it signed?", data={}
        )
        choices = [
            Choice.objects.create(
                question=question, position=n, text=text, credit=credit
            ).pk
            for n, (text, credit) in enumerate((("Geneva", 1), ("Rome", 0)))
        ]
        before = _copy(
            "Where was it signed?",
            [(choices[0], "Geneva", "1.00000"), (choices[1], "Rome", "0.00000")],
        )
        # An edit between gradings: two attempts graded before, one after.
        after = _copy(
            "Which city?",
            [(choices[0], "Geneva", "0.00000"), (choices[1], "Rome", "1.00000")],
        )
        copies = [before, before, after, None]
        for number, copy in enumerate(copies, start=1):
            student = User.objects.create(email=f"s{number}@example.org")
            attempt = Attempt.objects.create(
                quiz=quiz,
                student=student,
                number=1,
                state="graded" if copy else "in_progress",
                submitted_at="2026-01-01T00:00Z" if copy else None,
            )
            OldResponse.objects.create(
                attempt=attempt,
                question=question,
                answer={"choice": choices[0]},
                graded_question=copy,
            )
    finally:
        migrate_to(leaves())

    assert QuestionVersion.objects.count() == 2
    rows = {
        r.attempt.student.email: r
        for r in Response.objects.select_related("graded_version", "attempt__student")
    }
    assert rows["s1@example.org"].graded_version_id == (
        rows["s2@example.org"].graded_version_id
    )
    assert rows["s1@example.org"].graded_question == before
    assert rows["s3@example.org"].graded_question["prompt"] == "Which city?"
    assert rows["s4@example.org"].graded_version is None
    # Each version carries the digest grading looks it up by, so grading the question
    # as it stands now (the second copy, once the live question matches it) finds it.
    version = rows["s3@example.org"].graded_version
    assert version.digest == frozen.digest_of(after)
    assert not hasattr(Response, "graded_question_id")
    assert "graded_question" not in {f.name for f in Response._meta.fields}
    assert Question.objects.get().versions.count() == 2
