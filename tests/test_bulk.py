"""config.bulk: many rows in one statement, with the values Django would have written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import bulk
from quizzes import services
from quizzes.models import Attempt, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt():
    quiz = QuizFactory()
    make_single_choice(quiz)
    make_short_answer(quiz)
    started, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    return started


def test_upsert_updates_only_the_named_fields_of_rows_that_exist(attempt):
    first, second = attempt.responses.order_by("question_id")
    first.answer = {"text": "kept"}
    first.save()
    later = timezone.now() + timedelta(minutes=5)
    rows = [
        Response(
            attempt_id=attempt.pk,
            question_id=row.question_id,
            answer={"text": "ignored on conflict"},
            saved_at=later,
            score=Decimal("1.500"),
            feedback=[{"kind": "right", "text": "Well argued."}],
            needs_manual=True,
            graded_at=later,
        )
        for row in (first, second)
    ]

    with CaptureQueriesContext(connection) as queries:
        bulk.upsert(
            rows,
            fields=["attempt", "question", "answer", "saved_at", "score", "feedback"]
            + ["max_score", "needs_manual", "graded_at", "comment"],
            unique_fields=["attempt", "question"],
            update_fields=["score", "feedback", "needs_manual", "graded_at"],
        )

    assert len(queries) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.answer == {"text": "kept"}
    assert second.answer is None  # SQL NULL, as Django stores None
    assert Response.objects.filter(answer__isnull=True, pk=second.pk).exists()
    for row in (first, second):
        assert row.score == Decimal("1.500")
        assert row.feedback == [{"kind": "right", "text": "Well argued."}]
        assert row.needs_manual is True
        assert row.graded_at == later
        assert row.saved_at != later


def test_upsert_inserts_rows_that_do_not_exist(attempt):
    question = attempt.quiz.questions.first()
    attempt.responses.filter(question=question).delete()
    now = timezone.now()

    bulk.upsert(
        [
            Response(
                attempt_id=attempt.pk,
                question_id=question.pk,
                answer=["a", 1, None],
                saved_at=now,
                max_score=Decimal("2.000"),
            )
        ],
        fields=["attempt", "question", "answer", "saved_at", "max_score"]
        + ["feedback", "needs_manual", "comment"],
        unique_fields=["attempt", "question"],
        update_fields=["max_score"],
    )

    row = Response.objects.get(attempt=attempt, question=question)
    assert row.answer == ["a", 1, None]
    assert row.saved_at == now
    assert row.max_score == Decimal("2.000")
    assert row.feedback == []


def test_set_fields_writes_each_row_its_own_values_in_one_statement(attempt):
    other, _ = services.start_attempt(quiz=attempt.quiz, student=UserFactory())
    at = timezone.now()
    attempt.score, attempt.state, attempt.submitted_at = Decimal("1.250"), "graded", at
    other.score, other.state, other.submitted_at = None, "submitted", at

    with CaptureQueriesContext(connection) as queries:
        bulk.set_fields([attempt, other], ["score", "state", "submitted_at"])

    assert len(queries) == 1
    rows = Attempt.objects.filter(pk__in=[attempt.pk, other.pk]).order_by("pk")
    assert list(rows.values_list("pk", "score", "state", "submitted_at")) == [
        (attempt.pk, Decimal("1.250"), "graded", at),
        (other.pk, None, "submitted", at),
    ]
