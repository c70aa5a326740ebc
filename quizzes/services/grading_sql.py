"""Grading's hottest statements in SQL of our own (decision record 0010).

One read per grade task: a queue of grades has one task per attempt, and all but one in
a batch (services.marking.grade_submitted) find their attempt graded by an earlier task
and stop after reading its state. The ORM spends several times the database's own time
building that one-column statement, so it is written out here.

Grading a batch writes a dozen columns of a few hundred response rows and four of its
attempts. Django's `bulk_create(update_conflicts=True)` sends every column of every row
(the stored answer too) through each field's preparation and psycopg's array quoting,
and `bulk_update` builds a CASE per row and field: together most of a grade's CPU. Here
the rows go to PostgreSQL as one JSON document, which `jsonb_to_recordset` turns back
into typed columns; only the scored columns are sent, and the column names and types
come from the models.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from ..models import Attempt, Response

# What grading writes, besides the row's identity. A stored answer, draft, certainty,
# comment and override are never rewritten.
RESPONSE_FIELDS = (
    "auto_score",
    "base_score",
    "manual_score",
    "score",
    "max_score",
    "feedback",
    "graded_version",
    "needs_manual",
    "graded_at",
)
ATTEMPT_FIELDS = ("score", "max_score", "state", "graded_at")
# Named only for a row inserted now (a question added after the attempt started): every
# NOT NULL column without a database default, with the model's defaults.
_NEW_ROW_FIELDS = ("attempt", "question", "saved_at", "comment")


def state_of(attempt_id: int) -> str | None:
    """The attempt's state; None if there is no such attempt."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT {state} FROM {table} WHERE {pk} = %s".format(
                state=connection.ops.quote_name(
                    Attempt._meta.get_field("state").column
                ),
                table=connection.ops.quote_name(Attempt._meta.db_table),
                pk=connection.ops.quote_name(Attempt._meta.pk.column),
            ),
            [attempt_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)  # exact, unlike a float; PostgreSQL reads the text
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _columns(model, names) -> list[tuple[str, str, str]]:
    """(attname, column, type) of each field: the JSON key, the column it writes, and
    the type `jsonb_to_recordset` reads it as."""
    fields = [model._meta.get_field(name) for name in names]
    return [(f.attname, f.column, f.db_type(connection)) for f in fields]


def _recordset(columns) -> str:
    qn = connection.ops.quote_name
    return "jsonb_to_recordset(%s::jsonb) AS v({})".format(
        ", ".join(f"{qn(attname)} {db_type}" for attname, _column, db_type in columns)
    )


def write_responses(rows: list[Response]) -> None:
    """Store the scored columns of these rows, inserting a row not stored yet; a new
    row gets its pk, as `bulk_create` would give it."""
    if not rows:
        return
    qn = connection.ops.quote_name
    scored = _columns(Response, RESPONSE_FIELDS)
    new = _columns(Response, _NEW_ROW_FIELDS)
    columns = new + scored
    now = timezone.now()
    data = [
        {
            "attempt_id": row.attempt_id,
            "question_id": row.question_id,
            # Only an insert takes these: a stored row keeps its own, which need not
            # have been read.
            "saved_at": now if row.pk is not None else row.saved_at,
            "comment": "" if row.pk is not None else row.comment,
            **{attname: getattr(row, attname) for attname, _c, _t in scored},
        }
        for row in rows
    ]
    fresh = [row for row in rows if row.pk is None]
    sql = (
        "INSERT INTO {table} ({names}) SELECT {values} FROM {recordset}"
        " ON CONFLICT ({attempt}, {question}) DO UPDATE SET {updates}{returning}"
    ).format(
        table=qn(Response._meta.db_table),
        names=", ".join(qn(column) for _a, column, _t in columns),
        values=", ".join(f"v.{qn(attname)}" for attname, _c, _t in columns),
        recordset=_recordset(columns),
        attempt=qn(new[0][1]),
        question=qn(new[1][1]),
        updates=", ".join(
            f"{qn(column)} = EXCLUDED.{qn(column)}" for _a, column, _t in scored
        ),
        returning=f" RETURNING {qn(new[0][1])}, {qn(new[1][1])}, id" if fresh else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data, default=_plain)])
        if fresh:
            ids = {(a, q): pk for a, q, pk in cursor.fetchall()}
    for row in fresh:
        row.pk = ids[(row.attempt_id, row.question_id)]
        row._state.adding = False
        row._state.db = connection.alias


def write_attempts(attempts: list[Attempt]) -> None:
    """Store each attempt's score, maximum, state and grading time."""
    if not attempts:
        return
    qn = connection.ops.quote_name
    columns = [("id", "id", "bigint"), *_columns(Attempt, ATTEMPT_FIELDS)]
    data = [
        {attname: getattr(attempt, attname) for attname, _c, _t in columns}
        for attempt in attempts
    ]
    sql = "UPDATE {table} AS a SET {sets} FROM {recordset} WHERE a.id = v.id".format(
        table=qn(Attempt._meta.db_table),
        sets=", ".join(
            f"{qn(column)} = v.{qn(attname)}" for attname, column, _t in columns[1:]
        ),
        recordset=_recordset(columns),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data, default=_plain)])
