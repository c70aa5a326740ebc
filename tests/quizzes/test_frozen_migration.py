"""Migration 0011 freezes what responses graded before it were graded against."""

from __future__ import annotations

import pytest

from quizzes import frozen
from quizzes.models import Question, Response
from tests.helpers.migrations import leaves, migrate_to

BEFORE = [("quizzes", "0010_tradeoffs_v2_rubrics_levels_pools")]


@pytest.mark.django_db(transaction=True)
def test_graded_responses_are_frozen_and_unfinished_ones_are_not():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Course = old.get_model("courses", "Course")
        Quiz = old.get_model("quizzes", "Quiz")
        OldQuestion = old.get_model("quizzes", "Question")
        Choice = old.get_model("quizzes", "Choice")
        Attempt = old.get_model("quizzes", "Attempt")
        OldResponse = old.get_model("quizzes", "Response")
        student = User.objects.create(email="s@example.org")
        course = Course.objects.create(title="Trade", slug="trade")
        quiz = Quiz.objects.create(course=course, slug="q", title="Before freezing")
        question = OldQuestion.objects.create(
            quiz=quiz, kind="single_choice", prompt="Where was it signed?", data={}
        )
        for n, (text, credit) in enumerate((("Geneva", 1), ("Rome", 0))):
            Choice.objects.create(
                question=question, position=n, text=text, credit=credit
            )
        graded = Attempt.objects.create(
            quiz=quiz,
            student=student,
            number=1,
            state="graded",
            submitted_at="2026-01-01T00:00Z",
        )
        open_ = Attempt.objects.create(
            quiz=quiz, student=student, number=2, state="in_progress"
        )
        for attempt in (graded, open_):
            OldResponse.objects.create(
                attempt=attempt, question=question, answer={"choice": 1}
            )
    finally:
        migrate_to(leaves())

    done = Response.objects.get(attempt__number=1)
    assert done.graded_question["prompt"] == "Where was it signed?"
    assert [c["text"] for c in done.graded_question["choices"]] == ["Geneva", "Rome"]
    live = Question.objects.prefetch_related("choices").get()
    assert not frozen.is_changed_since(live, done.graded_question)
    assert Response.objects.get(attempt__number=2).graded_question is None
