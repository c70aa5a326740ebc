"""Model instances from several SELECT statements sent in one round trip.

`fetch_together` runs statements written as SQL and builds model instances the way the
ORM does (`Model.from_db`, each field's converters; a column left out is deferred), with
all the statements in one `execute` on PostgreSQL. Why this exists instead of
`Model.objects.raw()` one statement at a time, what it was measured to save and when to
remove it: docs/decisions/0001-student-rows-in-one-round-trip.md.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

__all__ = ["Statement", "fetch_together"]

# (model, SQL, params): one statement whose rows become instances of the model.
Statement = tuple[type[models.Model], str, Sequence[Any]]

# Per connection and model: each concrete field with the converters its values need.
_converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _field_converters(connection, model) -> list[tuple[models.Field, list]]:
    per_model = _converters.setdefault(connection, {})
    if model not in per_model:
        fields = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            # The compiler's order: the backend's converters, then the field's own.
            converters = connection.ops.get_db_converters(
                column
            ) + field.get_db_converters(connection)
            fields.append((field, [(c, column) for c in converters]))
        per_model[model] = fields
    return per_model[model]


def _instances(connection, alias: str, model, description, rows) -> list:
    position = {column[0]: index for index, column in enumerate(description)}
    fields = _field_converters(connection, model)
    present = [
        (field, converters) for field, converters in fields if field.column in position
    ]
    names = [field.attname for field, _ in present]
    # A column that is no field (a computed one) becomes an attribute, as raw() does.
    columns = {field.column for field, _ in present}
    extra = [(name, index) for name, index in position.items() if name not in columns]
    instances = []
    for row in rows:
        values = []
        for field, converters in present:
            value = row[position[field.column]]
            for convert, column in converters:
                value = convert(value, column, connection)
            values.append(value)
        instance = model.from_db(alias, names, values)
        for name, index in extra:
            setattr(instance, name, row[index])
        instances.append(instance)
    return instances


def _one_round_trip(cursor) -> bool:
    # Several statements in one execute need client-side binding (Django's default with
    # psycopg 3); with server-side binding each statement goes on its own.
    try:
        from psycopg import ClientCursor
    except ImportError:
        return False
    return isinstance(getattr(cursor, "cursor", None), ClientCursor)


def fetch_together(
    statements: Sequence[Statement], *, using: str | None = None
) -> list[list]:
    """Run the statements, in one round trip where the database allows; a list of
    instances per statement, in the same order."""
    alias = using or DEFAULT_DB_ALIAS
    connection = connections[alias]
    results = []
    with connection.cursor() as cursor:
        together = len(statements) > 1 and _one_round_trip(cursor)
        if together:
            cursor.execute(
                ";\n".join(sql for _, sql, _ in statements),
                [param for _, _, params in statements for param in params],
            )
        for index, (model, sql, params) in enumerate(statements):
            if not together:
                cursor.execute(sql, list(params))
            elif index:
                cursor.nextset()
            results.append(
                _instances(
                    connection, alias, model, cursor.description, cursor.fetchall()
                )
            )
    return results
