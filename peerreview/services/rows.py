"""Write the reviews and counters an allocation run decides, one statement each.

A burst of submits is allocated in one run (thousands of reviews): `bulk_create` and
`bulk_update` (a CASE per row) cost seconds of Python there. These send each column as
one array and let the database unnest them; a run of one submit writes the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import connection

from ..models import ReviewAssignment, Submission


def insert_reviews(
    rows: list[tuple[int, int, int]],
    *,
    question_id: int,
    due: Callable[[int], datetime],
    now: datetime,
    round: int = 0,
) -> None:
    """Create an unwritten review per (answer, reviewer, answer's author), due when
    `due(reviewer)` says."""
    if not rows:
        return
    answers, reviewers, authors = (list(column) for column in zip(*rows, strict=True))
    # Every NOT NULL column without a database default is named, with the model's
    # defaults (state assigned, no comment, weight 1).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ReviewAssignment._meta.db_table} (submission_id,"
            " question_id, reviewer_id, author_id, state, round, assigned_at, due_at,"
            " comment, weight) SELECT v.answer, %s, v.reviewer, v.author, %s, %s, %s,"
            " v.due, '', 1.0 FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[],"
            " %s::timestamptz[]) AS v(answer, reviewer, author, due)",
            [
                question_id,
                ReviewAssignment.State.ASSIGNED.value,
                round,
                now,
                answers,
                reviewers,
                authors,
                [due(reviewer) for reviewer in reviewers],
            ],
        )


def set_counts(
    *, assigned: dict[int, int] | None = None, to_give: dict[int, int] | None = None
) -> None:
    """Set answers' `assigned` and `to_give` counters (by Submission id); a counter
    not given for an answer is left as it is."""
    assigned = assigned or {}
    to_give = to_give or {}
    pks = sorted({*assigned, *to_give})
    if not pks:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Submission._meta.db_table} AS s"
            " SET assigned = COALESCE(v.assigned, s.assigned),"
            " to_give = COALESCE(v.to_give, s.to_give)"
            " FROM unnest(%s::bigint[], %s::integer[], %s::integer[])"
            " AS v(id, assigned, to_give) WHERE s.id = v.id",
            [pks, [assigned.get(pk) for pk in pks], [to_give.get(pk) for pk in pks]],
        )
