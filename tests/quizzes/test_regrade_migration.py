"""Migration 0017 moves each regrade's JSON list of changes into rows of their own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizzes.models import RegradeRun
from tests.helpers.migrations import leaves, migrate_to

BEFORE = [("quizzes", "0016_assignment_peer_review")]


def _entry(attempt, student, number, old, new):
    return {
        "attempt": attempt,
        "student": student,
        "email": "ignored@example.org",
        "name": "Ignored",
        "number": number,
        "old": old,
        "new": new,
        "old_max": "2.000",
        "new_max": "2.000",
        "old_state": "graded",
        "new_state": "graded",
        "question_old": None,
        "question_new": None,
    }


@pytest.mark.django_db(transaction=True)
def test_json_changes_become_rows_in_order_and_the_run_counts_them():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Course = old.get_model("courses", "Course")
        Quiz = old.get_model("quizzes", "Quiz")
        Attempt = old.get_model("quizzes", "Attempt")
        OldRun = old.get_model("quizzes", "RegradeRun")
        sam = User.objects.create(email="sam@example.org", first_name="Sam")
        lee = User.objects.create(email="lee@example.org")
        course = Course.objects.create(title="Trade", slug="trade")
        quiz = Quiz.objects.create(course=course, slug="q", title="Borders")
        done = {"state": "graded", "submitted_at": "2026-01-01T00:00Z"}
        first = Attempt.objects.create(quiz=quiz, student=sam, number=1, **done)
        second = Attempt.objects.create(quiz=quiz, student=lee, number=2, **done)
        moved = OldRun.objects.create(
            quiz=quiz,
            reason="Key fixed",
            notified=1,
            changes=[
                _entry(second.pk, lee.pk, 2, "0.000", "1.000"),
                _entry(first.pk, sam.pk, 1, "1.000", "2.000"),
                # An attempt deleted since the run keeps its row, without the link.
                _entry(first.pk + 1000, sam.pk, 3, None, "1.000"),
            ],
        )
        empty = OldRun.objects.create(quiz=quiz, reason="Again", changes=[])
    finally:
        migrate_to(leaves())

    run = RegradeRun.objects.get(pk=moved.pk)
    assert (run.changed, run.notified) == (3, 1)
    assert [
        (c.attempt_id, c.student_id, c.number, c.old, c.new, c.new_max)
        for c in run.changes.all()
    ] == [
        (second.pk, lee.pk, 2, Decimal("0.000"), Decimal("1.000"), Decimal("2.000")),
        (first.pk, sam.pk, 1, Decimal("1.000"), Decimal("2.000"), Decimal("2.000")),
        (None, sam.pk, 3, None, Decimal("1.000"), Decimal("2.000")),
    ]
    again = RegradeRun.objects.get(pk=empty.pk)
    assert (again.changed, again.changes.count()) == (0, 0)
