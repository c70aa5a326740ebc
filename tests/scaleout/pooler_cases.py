"""What the suite relies on behind PgBouncer; run by test_pgbouncer.py, not alone."""

from __future__ import annotations

import os

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_the_pooler():
    if os.environ.get("DATABASE_TRANSACTION_POOLER") != "true":
        pytest.fail("Run through tests/scaleout/test_pgbouncer.py", pytrace=False)


def test_settings_keep_no_server_side_cursor_or_prepared_statement():
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] is None
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is None


def test_connections_go_through_the_pooler():
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        (server_port,) = cursor.fetchone()

    # Django talks to PgBouncer's port; the server behind it answers on its own.
    assert int(connection.settings_dict["PORT"]) != server_port
    assert str(server_port) == os.environ["POOLED_SERVER_PORT"]


def test_an_iterator_in_a_transaction_reads_in_chunks():
    from django.contrib.auth import get_user_model

    from tests.helpers.factories import many_students

    many_students(5, prefix="pool")
    users = get_user_model().objects.order_by("email").values_list("email", flat=True)
    with transaction.atomic():
        emails = list(users.iterator(chunk_size=2))

    assert emails == [f"pool{i:05d}@example.org" for i in range(5)]
