"""The gradebook statement has no plan that is quadratic in the cohort (decision 0005).

With stale table statistics PostgreSQL believes a freshly graded quiz has about one
attempt and a cohort about one member; the first statement joined attempts to members
and tries to overrides, and with hash and merge joins forbidden (as the planner may
choose under those estimates) every one of those joins became a nested loop whose join
filter rescans a whole set per row: attempts x members. The statement now groups
members, computed grades and overrides by cell instead of joining them. Forbidding hash
and merge joins forces nested loops on every join left: the only one allowed pairs the
cohort's assignments with their quizzes (a dozen rows, read once), and no subquery run
per row may read a table.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from quizzes import coursework_sums
from tests.teaching.test_gradebook_sums import _book

# The cohort's assignments and their quizzes: the one join the statement makes.
WORK = {"quizzes_assignment", "quizzes_quiz"}


def nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


def forced_plan(cohort_id: int) -> dict:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) " + coursework_sums._sql(), {"cohort": cohort_id}
        )
        (raw,) = cursor.fetchone()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return plan[0]["Plan"]


def tables(node) -> set[str]:
    return {n["Relation Name"] for n in nodes(node) if "Relation Name" in n}


@pytest.mark.django_db
def test_forced_nested_loops_pair_nothing_but_the_assignments_and_their_quizzes():
    cohort = _book(8, seed=7, now=timezone.now())  # every grading method, overrides
    plan = forced_plan(cohort.pk)

    read = tables(plan)
    assert {"quizzes_attempt", "courses_cohortmembership"} <= read, read
    for loop in (n for n in nodes(plan) if n["Node Type"] == "Nested Loop"):
        assert tables(loop) <= WORK, json.dumps(loop, indent=1)[:3000]
    # A subquery run once per row (a SubPlan) must not read a table either; the
    # assignments' arrays are InitPlans, read once.
    for sub in (n for n in nodes(plan) if n.get("Parent Relationship") == "SubPlan"):
        assert not tables(sub), json.dumps(sub, indent=1)[:3000]
