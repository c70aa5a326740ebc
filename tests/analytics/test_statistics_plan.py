"""The statistics statement has no plan that is quadratic in the attempts (decision 0005).

With stale table statistics PostgreSQL believes a freshly graded quiz has one attempt
and joins with nested loops; the rank join of the sorted marks then took minutes at
3,000 attempts, and a per-mark lookup by the question's index filtered 45 million rows.
Forbidding hash and merge joins forces nested loops on every join of the statement:
the only ones left must expand a row's own array (the quiz's question ids), never rescan
a set nor look rows up in a table once per row.
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


def nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


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
def test_forced_nested_loops_pair_nothing_but_the_question_ids(which):
    quiz = QuizFactory()
    q1, choices = single_choice(quiz, position=1)
    q2 = position_question(quiz, position=2)
    for i, student in enumerate(many_students(6, prefix=f"plan-{which}-")):
        graded_attempt(
            quiz, student, {q1: {"choice": choices[i % 3].id}, q2: {"position": 9 * i}}
        )

    plan = forced_plan(quiz, which)
    loops = [node for node in nodes(plan) if node["Node Type"] == "Nested Loop"]
    per_row = [n for n in nodes(plan) if n.get("Parent Relationship") == "SubPlan"]

    assert loops, "each chosen attempt is paired with the quiz's question ids"
    for loop in loops:
        _outer, inner = loop["Plans"][:2]
        assert inner["Node Type"] == "Function Scan", json.dumps(loop, indent=1)[:2000]
        assert "Join Filter" not in loop, json.dumps(loop, indent=1)[:2000]
    # A subquery run once per row (a SubPlan) must not read a table either.
    for subplan in per_row:
        tables = [n["Relation Name"] for n in nodes(subplan) if "Relation Name" in n]
        assert not tables, json.dumps(subplan, indent=1)[:2000]
