"""A cohort's digest is tallied a part of its students at a time: same numbers, and
memory and queries that do not grow with the cohort."""

from __future__ import annotations

from dataclasses import replace

import pytest

from courses.models import CohortMembership, LessonCompletion
from progress import reports, selectors
from progress.selectors import instructors
from progress.selectors.rows import _ATTEMPT_FIELDS
from progress.services import building
from quizzes import coursework
from quizzes.models import Attempt
from tests.helpers.queries import count_queries

from .factories import PERIOD, add_busy_students, quiet_students, seed_cohort

pytestmark = pytest.mark.django_db
WEEK = reports.Week(PERIOD)


def _whole(instructor, cohort_id: int) -> reports.CohortFacts:
    """The cohort's facts in one piece, as the digest read them before parts."""
    _taught, cohorts = selectors.instructor_cohorts([instructor])
    whole = replace(
        cohorts[cohort_id],
        students=[],
        completions={},
        extensions=[],
        overrides=[],
        attempts=[],
        responses=[],
    )
    for parts in selectors.cohort_parts(cohorts, week=WEEK):
        for part in parts:
            whole.students += part.students
            whole.completions.update(part.completions)
            whole.completions_this_week += part.completions_this_week
            whole.extensions += part.extensions
            whole.overrides += part.overrides
            whole.attempts += part.attempts
            whole.responses += part.responses
            whole.queue_count += part.queue_count
    return whole


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_a_digest_in_parts_has_the_numbers_of_the_whole_cohort(monkeypatch, chunk):
    seeded = seed_cohort()
    add_busy_students(seeded, 4)
    quiet_students(3, cohort=seeded.cohort)
    expected = building._instructor_digests([seeded.instructor], week=WEEK)
    whole = _whole(seeded.instructor, seeded.cohort.pk)
    questions, _ = selectors.question_infos(
        {r.question_id for r in whole.responses}, with_tradeoffs=False
    )

    monkeypatch.setattr(instructors, "CHUNK_SIZE", chunk)
    [digest] = building._instructor_digests([seeded.instructor], week=WEEK)[
        seeded.instructor.pk
    ]

    assert [digest] == expected[seeded.instructor.pk]
    assert digest == reports.build_cohort_digest(
        whole, week=WEEK, questions=questions, site_url=building.settings.SITE_URL
    )
    # Straight from the rows: members, lessons done, and the first assignment's mean.
    members = CohortMembership.objects.filter(cohort=seeded.cohort)
    assert digest.student_count == members.count() == 10
    done = sum(
        min(
            LessonCompletion.objects.filter(
                user_id=m.student_id,
                lesson__course=seeded.course,
                lesson__published=True,
                completed_at__lt=WEEK.end,
            ).count(),
            digest.lesson_count,
        )
        for m in members
    )
    assert digest.completion_percent == round(done * 100 / (10 * digest.lesson_count))
    first = digest.assignments[0]
    rows: dict[int, list[coursework.AttemptRow]] = {}
    for row in Attempt.objects.filter(
        quiz=seeded.quiz, submitted_at__lt=WEEK.end
    ).values(*_ATTEMPT_FIELDS):
        rows.setdefault(row["student_id"], []).append(coursework.AttemptRow(**row))
    grades = [
        coursework.grade_of(seeded.quiz.grading_method, attempts)
        for attempts in rows.values()
    ]
    assert first.average is not None
    assert first.average == coursework.mean(grades)
    assert first.done + first.late + first.missing <= 10
    assert [b.email for b in digest.behind] == [
        row.email
        for row in whole.students
        if row.email in {b.email for b in digest.behind}
    ]


def test_digest_queries_do_not_grow_with_the_cohort_within_a_part():
    seeded = seed_cohort()
    add_busy_students(seeded, 3)
    small = count_queries(
        lambda: building._instructor_digests([seeded.instructor], week=WEEK)
    )
    add_busy_students(seeded, 30)
    assert (
        count_queries(
            lambda: building._instructor_digests([seeded.instructor], week=WEEK)
        )
        == small
    )


def test_each_part_of_a_large_cohort_costs_the_same_queries(monkeypatch):
    seeded = seed_cohort()
    add_busy_students(seeded, 7)  # 10 members
    monkeypatch.setattr(instructors, "CHUNK_SIZE", 5)

    def queries() -> int:
        return count_queries(
            lambda: building._instructor_digests([seeded.instructor], week=WEEK)
        )

    two = queries()  # the order, then 5 + 5
    add_busy_students(seeded, 3)
    three = queries()  # 5 + 5 + 3
    add_busy_students(seeded, 2)
    assert queries() == three  # 5 + 5 + 5
    assert three - two == 7  # one part more: its names and six reads of its rows
