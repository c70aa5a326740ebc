"""Grading's own statements (quizzes/services/grading_sql.py) write what the ORM would."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.services import grading_sql
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_single_choice, make_true_false

pytestmark = pytest.mark.django_db

AWKWARD = 'He said "no" \\ then\nleft: ünïcödé, {braces}, [brackets], 100 %'


def _started():
    quiz = QuizFactory()
    choice = make_single_choice(quiz)
    make_true_false(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    return attempt, choice


def test_stored_rows_get_their_scored_columns_and_keep_everything_else():
    attempt, choice = _started()
    services.save_responses(
        attempt=attempt, answers={choice.pk: {"choice": choice.choices.first().pk}}
    )
    before = {r.pk: r for r in Response.objects.filter(attempt=attempt)}
    rows = list(
        Response.objects.filter(attempt=attempt).only("id", "attempt", "question")
    )
    graded_at = timezone.now() - timedelta(minutes=5)
    for n, row in enumerate(rows):
        row.auto_score = Decimal("-1.250") + n
        row.base_score = None
        row.manual_score = Decimal("0.500") if n else None
        row.score = Decimal("2.125")
        row.max_score = Decimal("3.000")
        row.feedback = [{"kind": "text", "text": AWKWARD}, {"n": n, "ok": True}]
        row.graded_version = None
        row.needs_manual = bool(n)
        row.graded_at = graded_at if n else None

    grading_sql.write_responses(rows)

    for n, row in enumerate(rows):
        stored = Response.objects.get(pk=row.pk)
        assert stored.auto_score == Decimal("-1.250") + n
        assert stored.base_score is None
        assert stored.manual_score == (Decimal("0.500") if n else None)
        assert (stored.score, stored.max_score) == (Decimal("2.125"), Decimal("3"))
        assert stored.feedback == [
            {"kind": "text", "text": AWKWARD},
            {"n": n, "ok": True},
        ]
        assert stored.needs_manual is bool(n)
        assert stored.graded_at == (graded_at if n else None)
        old = before[row.pk]
        assert (stored.answer, stored.draft, stored.certainty) == (
            old.answer,
            old.draft,
            old.certainty,
        )
        assert (stored.saved_at, stored.comment) == (old.saved_at, old.comment)


def test_a_row_not_stored_yet_is_inserted_and_gets_its_pk():
    attempt, choice = _started()
    Response.objects.filter(attempt=attempt, question=choice).delete()
    row = Response(attempt_id=attempt.pk, question_id=choice.pk, answer=None)
    row.auto_score = row.score = Decimal("0")
    row.max_score = Decimal("1")
    row.feedback = [{"kind": "unanswered", "text": AWKWARD}]

    grading_sql.write_responses([row])

    stored = Response.objects.get(attempt=attempt, question=choice)
    assert row.pk == stored.pk and not row._state.adding
    assert stored.answer is None and stored.comment == ""
    assert stored.saved_at == row.saved_at
    assert stored.feedback == [{"kind": "unanswered", "text": AWKWARD}]
    assert stored.override_reason == ""


def test_attempts_get_their_totals_state_and_time():
    first, second = (services.submit_attempt(attempt=_started()[0]) for _ in "12")
    now = timezone.now()
    first.score, first.max_score, first.state = Decimal("1.5"), Decimal("2"), "graded"
    second.score, second.max_score = Decimal("0"), Decimal("2")
    second.state = Attempt.State.NEEDS_REVIEW
    first.graded_at = second.graded_at = now

    grading_sql.write_attempts([first, second])

    assert list(
        Attempt.objects.filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
        .values_list("score", "max_score", "state", "graded_at")
    ) == [
        (Decimal("1.5"), Decimal("2"), Attempt.State.GRADED, now),
        (Decimal("0"), Decimal("2"), Attempt.State.NEEDS_REVIEW, now),
    ]


def test_state_of_reads_the_state_and_none_for_no_attempt():
    attempt, _ = _started()
    assert grading_sql.state_of(attempt.pk) == Attempt.State.IN_PROGRESS
    assert grading_sql.state_of(attempt.pk + 10_000) is None
