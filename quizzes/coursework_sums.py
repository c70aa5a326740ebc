"""A cohort's assignment grades added up by PostgreSQL: the gradebook's column averages.

`coursework.assignment_grade` defines an assignment's grade (the override's, unless
excused; else the graded attempts' percents combined by the quiz's grading method).
This is the same rule in one SQL statement, so the column averages cost one query
whatever the cohort's size, and no student's grades reach Python. The numbers are the
same to the digit: percents and the "average" method round half to even to a tenth,
as `Decimal.quantize` does, from exact `numeric` quotients (`div`/`mod`), and the sums
are exact; `coursework.mean_of` then takes the mean. tests/teaching/test_gradebook_sums.py
checks it against the Python path.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from courses.models import CohortMembership

from .models import Assignment, Attempt, GradeOverride, Quiz


def _half_even(numerator: str, denominator: str) -> str:
    """SQL for numerator / denominator rounded half to even to a whole number (both >= 0)."""
    quotient = f"div({numerator}, {denominator})"
    twice_rest = f"2 * mod({numerator}, {denominator})"
    return (
        f"({quotient} + CASE WHEN {twice_rest} > {denominator}"
        f" OR ({twice_rest} = {denominator} AND mod({quotient}, 2) = 1)"
        f" THEN 1 ELSE 0 END)"
    )


def _sql() -> str:
    attempt = Attempt._meta.db_table
    assignment = Assignment._meta.db_table
    quiz = Quiz._meta.db_table
    member = CohortMembership._meta.db_table
    override = GradeOverride._meta.db_table
    # coursework.percent_of: (score / max_score * 100).quantize(0.1), half to even.
    percent = (
        "sign(a.score) * sign(a.max_score) * "
        + _half_even("abs(a.score) * 1000", "abs(a.max_score)")
        + " / 10.0"
    )
    # rules.combine_grades' "average": (sum / n).quantize(0.1), half to even.
    average = "sign(t.total) * " + _half_even("abs(t.total) * 10", "t.n") + " / 10.0"
    # The cohort's assignments as three parallel arrays, each read once (an InitPlan):
    # a quiz is assigned at most once per cohort, so array_position maps a quiz to its
    # assignment and grading method without a join (the cast makes `= ANY` read the
    # array, not a subquery's rows).
    ids, quizzes, methods = (
        f"((SELECT {column} FROM book)::{kind}[])"
        for column, kind in (
            ("ids", "bigint"),
            ("quizzes", "bigint"),
            ("methods", "text"),
        )
    )
    return f"""
WITH book AS MATERIALIZED (
    SELECT array_agg(g.id ORDER BY g.id) AS ids,
        array_agg(g.quiz_id ORDER BY g.id) AS quizzes,
        array_agg(q.grading_method::text ORDER BY g.id) AS methods
    FROM {assignment} g JOIN {quiz} q ON q.id = g.quiz_id
    WHERE g.cohort_id = %(cohort)s
), tries AS (
    -- One row per (quiz, student) of the assigned quizzes' graded attempts: what
    -- every grading method needs, in one pass (an attempt's number is unique per quiz
    -- and student, so [number, percent] arrays order by the number: the least is the
    -- first attempt's). Students outside the cohort are dropped by the grouping below.
    SELECT p.quiz_id, p.student_id, max(p.percent) AS highest,
        min(ARRAY[p.number::numeric, p.percent]) AS first,
        max(ARRAY[p.number::numeric, p.percent]) AS last,
        sum(p.percent) AS total, count(*) AS n
    FROM (
        SELECT a.quiz_id, a.student_id, a.number, {percent} AS percent
        FROM {attempt} a
        WHERE a.quiz_id = ANY({quizzes})
          AND a.state = 'graded' AND a.score IS NOT NULL AND a.max_score <> 0
    ) p
    GROUP BY p.quiz_id, p.student_id
), marks AS (
    -- Members, computed grades and overrides as rows of one set, grouped by cell
    -- rather than joined: no plan can pair two of these sets row by row.
    SELECT unnest({quizzes}) AS quiz_id, m.student_id, true AS member,
        false AS overridden, false AS excused, NULL::numeric AS grade
    FROM {member} m WHERE m.cohort_id = %(cohort)s
    UNION ALL
    SELECT t.quiz_id, t.student_id, false, false, false,
        CASE {methods}[array_position({quizzes}, t.quiz_id)]
            WHEN 'first' THEN t.first[2]
            WHEN 'last' THEN t.last[2]
            WHEN 'average' THEN {average}
            ELSE t.highest
        END
    FROM tries t
    UNION ALL
    SELECT {quizzes}[array_position({ids}, o.assignment_id)], o.student_id, false,
        true, o.excused, o.grade
    FROM {override} o WHERE o.assignment_id = ANY({ids})
), cells AS (
    -- An override decides its cell (excused: no grade); else the computed grade.
    SELECT c.quiz_id,
        CASE WHEN bool_or(c.overridden) THEN
            CASE WHEN bool_or(c.excused) THEN NULL
                ELSE max(c.grade) FILTER (WHERE c.overridden) END
        ELSE max(c.grade) END AS grade
    FROM marks c
    GROUP BY c.quiz_id, c.student_id
    HAVING bool_or(c.member)
)
SELECT {ids}[array_position({quizzes}, quiz_id)], sum(grade), count(grade)
FROM cells GROUP BY quiz_id
"""


def column_sums(cohort_id: int) -> dict[int, tuple[Decimal, int]]:
    """Per assignment of the cohort: the sum and the count of its students' grades.

    Cells without a grade (nothing graded yet, excused, an override with no grade) are
    left out, as `coursework.build_gradebook`'s averages leave them out.
    """
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"cohort": cohort_id})
        return {
            assignment_id: (Decimal(total), count)
            for assignment_id, total, count in cursor.fetchall()
            if count
        }
