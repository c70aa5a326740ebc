"""The gradebook's column averages from PostgreSQL's sums equal coursework's Python path."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import coursework_sums
from quizzes.models import Attempt, GradeOverride
from teaching import selectors
from tests.helpers.factories import AssignmentFactory, QuizFactory, cohort_with
from tests.helpers.queries import count_queries

METHODS = ("highest", "first", "last", "average")
# Scores out of these maxima whose percents land on a half-tenth (1/16 = 6.25%, 3/8 =
# 37.5%, 1/80 = 1.25%...), so rounding half to even (Decimal) and half up would differ.
TIES = [
    (Decimal("1"), Decimal("16")),
    (Decimal("3"), Decimal("16")),
    (Decimal("1"), Decimal("80")),
    (Decimal("7"), Decimal("80")),
    (Decimal("0.005"), Decimal("0.4")),
    (Decimal("-1"), Decimal("16")),  # certainty-based marking scores below zero
    (Decimal("2"), Decimal("3")),
    (Decimal("0"), Decimal("12")),
]


def _book(students: int, seed: int, now):
    rng = random.Random(seed)
    cohort, instructor, members = cohort_with(students=students)
    assignments = [
        AssignmentFactory(
            cohort=cohort,
            quiz=QuizFactory(course=cohort.course, grading_method=method),
            opens_at=now - timedelta(days=5),
            due_at=now - timedelta(days=1),
        )
        for method in METHODS
    ]
    attempts, overrides = [], []
    for student in members:
        for assignment in assignments:
            tries = rng.randint(0, 4)
            for number in range(1, tries + 1):
                score, maximum = rng.choice(
                    TIES + [(Decimal(rng.randint(0, 12000)) / 1000, Decimal(12))]
                )
                state = rng.choice(["graded"] * 4 + ["needs_review", "submitted"])
                if number == tries and rng.random() < 0.1:
                    state = "in_progress"  # at most one running attempt
                attempts.append(
                    Attempt(
                        quiz=assignment.quiz,
                        student=student,
                        number=number,
                        state=state,
                        submitted_at=None if state == "in_progress" else now,
                        score=None if state == "in_progress" else score,
                        max_score=maximum,
                    )
                )
            if rng.random() < 0.15:
                excused = rng.random() < 0.5
                overrides.append(
                    GradeOverride(
                        assignment=assignment,
                        student=student,
                        excused=excused,
                        grade=None if excused else Decimal(rng.randint(0, 1000)) / 10,
                        reason="by hand",
                    )
                )
    Attempt.objects.bulk_create(attempts)
    GradeOverride.objects.bulk_create(overrides)
    return cohort


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_averages_equal_the_python_path(seed, monkeypatch):
    now = timezone.now()
    cohort = _book(40, seed, now)
    whole = selectors.gradebook(cohort=cohort, now=now)  # every cell in Python
    monkeypatch.setattr(selectors, "GRADEBOOK_PAGE", 7)
    _page, book = selectors.gradebook_page(cohort=cohort, page=2, now=now)
    assert [c.average for c in book.columns] == [c.average for c in whole.columns]
    assert all(c.average is not None for c in whole.columns)
    # The sums themselves, not only the rounded means.
    sums = coursework_sums.column_sums(cohort.pk)
    for index, column in enumerate(whole.columns):
        grades = [row.cells[index].grade for row in whole.rows]
        present = [g for g in grades if g is not None]
        assert sums[column.assignment.id] == (sum(present), len(present))


@pytest.mark.django_db
def test_percent_ties_round_half_to_even_as_decimal_does():
    now = timezone.now()
    cohort, _instructor, members = cohort_with(students=len(TIES))
    assignment = AssignmentFactory(
        cohort=cohort, quiz=QuizFactory(course=cohort.course)
    )
    Attempt.objects.bulk_create(
        Attempt(
            quiz=assignment.quiz,
            student=student,
            number=1,
            state="graded",
            submitted_at=now,
            score=score,
            max_score=maximum,
        )
        for student, (score, maximum) in zip(members, TIES, strict=True)
    )
    whole = selectors.gradebook(cohort=cohort, now=now)
    grades = [row.cells[0].grade for row in whole.rows]
    assert Decimal("6.2") in grades  # 1/16 = 6.25% rounds to even
    total, count = coursework_sums.column_sums(cohort.pk)[assignment.pk]
    assert (total, count) == (sum(g for g in grades if g is not None), len(TIES))


@pytest.mark.django_db
def test_an_empty_cohort_has_no_sums_and_the_averages_query_is_one():
    now = timezone.now()
    cohort, _instructor, _ = cohort_with(students=0)
    AssignmentFactory(cohort=cohort, quiz=QuizFactory(course=cohort.course))
    assert coursework_sums.column_sums(cohort.pk) == {}
    _page, book = selectors.gradebook_page(cohort=cohort, page=1, now=now)
    assert book.columns[0].average is None
    small = _book(5, 4, now)
    large = _book(60, 5, now)
    assert (
        count_queries(lambda: coursework_sums.column_sums(small.pk))
        == count_queries(lambda: coursework_sums.column_sums(large.pk))
        == 1
    )
