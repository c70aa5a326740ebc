"""The statistics statement has no plan that is quadratic in the attempts (decision 0005).

With stale table statistics PostgreSQL believes a freshly graded quiz has one attempt
and joins with nested loops; the rank join of the sorted marks then took minutes at
3,000 attempts. Forbidding hash and merge joins forces that choice on every join of the
statement: each nested loop must still look its inner rows up by an index (or expand a
row's own array), never rescan a set of the quiz's size nor filter pairs of rows.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from analytics import aggregates
from tests.helpers.factories import (
    QuizFactory,
    graded_attempt,
    many_students,
    position_question,
    single_choice,
)

# Inner sides of a nested loop that touch only the rows of the outer row's key.
LOOKUPS = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Function Scan"}


def nested_loops(node):
    if node["Node Type"] == "Nested Loop":
        yield node
    for child in node.get("Plans", ()):
        yield from nested_loops(child)


def forced_plan(quiz, which):
    sql, params = aggregates.sums_statement(
        quiz_id=quiz.pk,
        which=which,
        question_ids=list(quiz.questions.values_list("id", flat=True)),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (raw,) = cursor.fetchone()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return plan[0]["Plan"]


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["all", "first", "highest", "last"])
def test_forced_nested_loops_only_look_rows_up(which):
    quiz = QuizFactory()
    q1, choices = single_choice(quiz, position=1)
    q2 = position_question(quiz, position=2)
    for i, student in enumerate(many_students(6, prefix=f"plan-{which}-")):
        graded_attempt(
            quiz, student, {q1: {"choice": choices[i % 3].id}, q2: {"position": 9 * i}}
        )

    loops = list(nested_loops(forced_plan(quiz, which)))

    assert loops, "the statement joins each chosen attempt to its questions"
    for loop in loops:
        outer, inner = loop["Plans"][:2]
        assert inner["Node Type"] in LOOKUPS, json.dumps(loop, indent=1)[:2000]
        assert "Join Filter" not in loop, json.dumps(loop, indent=1)[:2000]
