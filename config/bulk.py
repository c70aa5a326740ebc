"""Bulk writes of many rows in one statement, cheap on the client as well as the server.

Django's `bulk_update` builds one `CASE WHEN` per row and field, and on PostgreSQL
`bulk_create` binds every column as an array that psycopg quotes value by value in Python:
for a few hundred rows either costs milliseconds of CPU before the statement is sent. Here
the rows travel as one JSON document that PostgreSQL unpacks with `jsonb_to_recordset`, so
the client only runs `json.dumps`. Other databases (SQLite for the zero-setup run) get
Django's own `bulk_update` / `bulk_create`, which mean the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connections, models, router

__all__ = ["set_fields", "upsert"]


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent in a bulk write")


def _recordset(model, names: Sequence[str], connection) -> str:
    """The column list of jsonb_to_recordset: each field's attname and SQL type."""
    definitions = []
    for name in names:
        field = model._meta.get_field(name)
        # "numeric(8, 3)" -> "numeric": the table's own type checks the value on write.
        definitions.append(
            f'"{field.attname}" {field.db_type(connection).split("(")[0]}'
        )
    return ", ".join(definitions)


def _document(objs: Iterable[models.Model], model, names: Sequence[str]) -> str:
    attnames = [model._meta.get_field(name).attname for name in names]
    return json.dumps(
        [{attname: getattr(obj, attname) for attname in attnames} for obj in objs],
        default=_json_default,
    )


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def _target(objs: Sequence[models.Model]):
    """The rows' model, the database alias they are written to and its connection."""
    model = type(objs[0])
    using = router.db_for_write(model)
    return model, using, connections[using]


def _execute(connection, sql: str, objs, model, names: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [_document(objs, model, names)])


def set_fields(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE the given fields of existing rows, one statement for all (by primary key)."""
    if not objs:
        return
    model, using, connection = _target(objs)
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_update(objs, fields)
        return
    pk = model._meta.pk.name
    names = [pk, *fields]
    assignments = ", ".join(
        f'"{_column(model, name)}" = v."{_attname(model, name)}"' for name in fields
    )
    table = model._meta.db_table
    sql = (
        f'UPDATE "{table}" SET {assignments} '
        f"FROM jsonb_to_recordset(%s::jsonb) AS v({_recordset(model, names, connection)}) "
        f'WHERE "{table}"."{_column(model, pk)}" = v."{_attname(model, pk)}"'
    )
    _execute(connection, sql, objs, model, names)


def upsert(
    objs: Sequence[models.Model],
    *,
    fields: Sequence[str],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
) -> None:
    """INSERT rows (the given fields), or UPDATE update_fields where unique_fields match.

    `fields` must name every NOT NULL column without a database default: PostgreSQL
    checks the row it would insert even when the conflict turns it into an update.
    """
    if not objs:
        return
    model, using, connection = _target(objs)
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    assert set(unique_fields) | set(update_fields) <= set(fields), (
        "fields must hold both"
    )
    insert = ", ".join(f'"{_column(model, name)}"' for name in fields)
    select = ", ".join(f'v."{_attname(model, name)}"' for name in fields)
    conflict = ", ".join(f'"{_column(model, name)}"' for name in unique_fields)
    updates = ", ".join(
        f'"{_column(model, name)}" = EXCLUDED."{_column(model, name)}"'
        for name in update_fields
    )
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({insert}) SELECT {select} '
        f"FROM jsonb_to_recordset(%s::jsonb) AS v({_recordset(model, fields, connection)}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    _execute(connection, sql, objs, model, fields)
