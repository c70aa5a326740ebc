"""Statistics from database sums equal the list-based path's, in constant queries."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import aggregates, moments, moodle_weights
from analytics import selectors as report_selectors
from analytics import services as report_services

# The module, not its names: importing test_stats bare would make pytest collect it.
from analytics import statistics as qstats
from analytics.models import QuizStatistics
from quizzes import selectors as quiz_selectors
from quizzes.models import Attempt
from tests.analytics.test_reports_statistics import seeded  # noqa: F401 (fixture)
from tests.helpers.factories import (
    QuizFactory,
    graded_attempt,
    many_students,
    position_question,
    single_choice,
)


def same(new, old, path="data"):
    """Equal structures, floats equal to 1e-9 (relative or absolute)."""
    if dataclasses.is_dataclass(old):
        new, old = dataclasses.asdict(new), dataclasses.asdict(old)
    if isinstance(old, dict):
        assert isinstance(new, dict) and new.keys() == old.keys(), path
        for key in old:
            same(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), path
        for index, (a, b) in enumerate(zip(new, old, strict=True)):
            same(a, b, f"{path}[{index}]")
    elif isinstance(old, float):
        assert new == pytest.approx(old, rel=1e-9, abs=1e-9), path
    else:
        assert new == old, path


def sums_from_matrix(matrix, max_marks):
    """The sums PostgreSQL adds up, added up in Python from a score matrix."""
    marks = {q: [float(row.scores.get(q, 0.0)) for row in matrix] for q in max_marks}
    totals = [sum(column) for column in zip(*marks.values(), strict=True)]
    sums = {}
    for q, xs in marks.items():
        rest = [t - x for t, x in zip(totals, xs, strict=True)]
        sums[q] = moments.QuestionSums(
            x=sum(xs),
            xx=sum(x * x for x in xs),
            r=sum(rest),
            rr=sum(r * r for r in rest),
            xr=sum(x * r for x, r in zip(xs, rest, strict=True)),
            sorted_xr=sum(a * b for a, b in zip(sorted(xs), sorted(rest), strict=True)),
        )
    ordered = sorted(totals)
    n = len(totals)
    median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2 if n else None
    return moments.TotalSums(
        n=n,
        s1=sum(totals),
        s2=sum(t**2 for t in totals),
        s3=sum(t**3 for t in totals),
        s4=sum(t**4 for t in totals),
        median=median,
    ), sums


@pytest.mark.parametrize("attempts", [0, 1, 2, 3, 4, 9, 40])
def test_figures_from_sums_equal_the_figures_from_the_marks(attempts):
    rng = random.Random(attempts)
    max_marks = {"a": 1.0, "b": 2.0, "c": 0.5, "d": 3.0}
    matrix = [
        qstats.AttemptScores(
            attempt_id=i,
            scores={q: rng.choice([0.0, m / 2, m]) for q, m in max_marks.items()},
            max_scores=max_marks,
        )
        for i in range(attempts)
    ]
    totals, sums = sums_from_matrix(matrix, max_marks)

    same(
        moments.question_stats_from_sums(attempts, sums, max_marks=max_marks),
        qstats.question_stats(matrix, max_marks=max_marks),
    )
    same(
        moments.test_stats_from_sums(totals, sums, max_marks=max_marks),
        qstats.test_stats(matrix, max_marks=max_marks),
    )
    same(
        moments.effective_weights_from_sums(attempts, sums),
        moodle_weights.effective_weights(
            {q: [row.scores[q] for row in matrix] for q in max_marks}
        ),
    )


def test_identical_marks_give_none_not_a_division_by_zero():
    max_marks = {"a": 1.0, "b": 1.0}
    matrix = [
        qstats.AttemptScores(attempt_id=i, scores={"a": 1.0, "b": 0.0}, max_scores={})
        for i in range(5)
    ]
    totals, sums = sums_from_matrix(matrix, max_marks)

    test = moments.test_stats_from_sums(totals, sums, max_marks=max_marks)
    by_question = moments.question_stats_from_sums(5, sums, max_marks=max_marks)

    assert test.alpha is None and test.skewness is None and test.sd == 0
    assert by_question["a"].discrimination_index is None
    assert by_question["a"].facility == 100


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["first", "all", "highest", "last"])
def test_database_sums_give_the_list_based_figures(seeded, which):  # noqa: F811
    quiz = seeded["quiz"]
    # A submitted second attempt: picked as "last", then left out as not graded.
    second = Attempt.objects.filter(quiz=quiz, number=2).order_by("pk")[0]
    Attempt.objects.filter(pk=second.pk).update(state=Attempt.State.SUBMITTED)
    full = quiz_selectors.quiz_with_questions(quiz_id=quiz.pk)
    max_marks = {q.id: report_selectors.question_max(q) for q in full.questions.all()}

    new = report_services.sums_data(
        aggregates.quiz_sums(quiz=full, which=which, max_marks=max_marks)
    )
    old = report_services.statistics_data(
        report_selectors.quiz_matrix(quiz_id=quiz.pk, which=which)
    )

    same(new, old)


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["first", "all"])
def test_the_refresh_stores_the_list_based_figures(seeded, which):  # noqa: F811
    quiz = seeded["quiz"]

    stored = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which=which)
    old = report_services.statistics_data(
        report_selectors.quiz_matrix(quiz_id=quiz.pk, which=which)
    )

    assert stored.attempt_count == old["test"]["n"] == {"first": 6, "all": 8}[which]
    same(QuizStatistics.objects.get(pk=stored.pk).data, old)


@pytest.mark.django_db
def test_a_quiz_with_no_graded_attempts_has_empty_figures():
    quiz = QuizFactory()
    single_choice(quiz, position=1)

    stored = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="all")
    old = report_services.statistics_data(
        report_selectors.quiz_matrix(quiz_id=quiz.pk, which="all")
    )

    assert stored.attempt_count == 0
    same(stored.data, old)


@pytest.mark.django_db
def test_sums_and_tallies_take_the_same_queries_for_3_and_30_students(monkeypatch):
    # Chunks of 4 answers: 30 students need several fetches of the one cursor.
    monkeypatch.setattr(aggregates, "CHUNK_SIZE", 4)
    start = timezone.now() - timedelta(days=1)

    def build(count):
        quiz = QuizFactory()
        q1, c1 = single_choice(quiz, position=1)
        q2 = position_question(quiz, position=2)
        for i, student in enumerate(many_students(count, prefix=f"s{count}-")):
            graded_attempt(
                quiz,
                student,
                {q1: {"choice": c1[i % 3].id}, q2: {"position": 10 * (i % 10)}},
                submitted_at=start + timedelta(minutes=i),
            )
        return quiz_selectors.quiz_with_questions(quiz_id=quiz.pk)

    counts = []
    for count in (3, 30):
        quiz = build(count)
        max_marks = {
            q.id: report_selectors.question_max(q) for q in quiz.questions.all()
        }
        with CaptureQueriesContext(connection) as ctx:
            summed = aggregates.quiz_sums(quiz=quiz, which="all", max_marks=max_marks)
        counts.append(len(ctx.captured_queries))
        assert summed.totals.n == count
        assert sum(next(iter(summed.choice_counts.values())).values()) == count
    assert counts[0] == counts[1]
