"""core.rows: model instances from SQL in one round trip, equal to what the ORM builds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core import rows
from quizzes import services
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice

pytestmark = pytest.mark.django_db

ATTEMPTS = f"SELECT * FROM {Attempt._meta.db_table} WHERE student_id = %s ORDER BY id"


@pytest.fixture
def attempt():
    quiz = QuizFactory()
    make_single_choice(quiz)
    make_short_answer(quiz)
    started, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    return started


def fetch(model, sql, params):
    (found,) = rows.fetch_together([(model, sql, params)])
    return found


def _values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


def test_fetch_builds_the_instances_the_orm_builds(attempt):
    (fetched,) = fetch(Attempt, ATTEMPTS, [attempt.student_id])
    from_orm = Attempt.objects.get(pk=attempt.pk)

    assert _values(fetched) == _values(from_orm)
    # The layout is a JSONField: its converter ran, so it is a dict, not the JSON text.
    assert isinstance(fetched.layout, dict) and fetched.layout
    assert fetched._state.adding is False
    assert fetched._state.db == "default"


def test_a_computed_column_becomes_an_attribute_as_raw_makes_it(attempt):
    (fetched,) = fetch(
        Attempt,
        f"SELECT *, number + 1 AS next_number FROM {Attempt._meta.db_table}"
        " WHERE id = %s",
        [attempt.pk],
    )
    (from_raw,) = Attempt.objects.raw(
        f"SELECT *, number + 1 AS next_number FROM {Attempt._meta.db_table}"
        " WHERE id = %s",
        [attempt.pk],
    )

    assert fetched.next_number == from_raw.next_number == attempt.number + 1
    assert _values(fetched) == _values(from_raw)


def test_a_column_left_out_is_deferred_and_loads_on_access(attempt):
    (fetched,) = fetch(
        Attempt,
        f"SELECT id, state FROM {Attempt._meta.db_table} WHERE id = %s",
        [attempt.pk],
    )

    assert fetched.get_deferred_fields() >= {"layout", "started_at"}
    assert fetched.state == Attempt.State.IN_PROGRESS
    assert fetched.started_at == attempt.started_at


def test_columns_map_by_name_whatever_their_order(attempt):
    (fetched,) = fetch(
        Attempt,
        f"SELECT state, number, id FROM {Attempt._meta.db_table} WHERE id = %s",
        [attempt.pk],
    )

    assert (fetched.pk, fetched.number, fetched.state) == (
        attempt.pk,
        1,
        Attempt.State.IN_PROGRESS,
    )


def test_no_rows_is_an_empty_list():
    assert fetch(Attempt, ATTEMPTS, [0]) == []


def test_fetch_together_answers_each_statement_in_order_in_one_round_trip(attempt):
    student = User.objects.get(pk=attempt.student_id)
    statements = [
        (User, f"SELECT * FROM {User._meta.db_table} WHERE id = %s", [student.pk]),
        (Attempt, ATTEMPTS, [student.pk]),
        (Quiz, f"SELECT * FROM {Quiz._meta.db_table} WHERE id = %s", [0]),
    ]

    with CaptureQueriesContext(connection) as queries:
        users, attempts, quizzes = rows.fetch_together(statements)

    assert [u.email for u in users] == [student.email]
    assert [a.pk for a in attempts] == [attempt.pk]
    assert quizzes == []
    expected = 1 if connection.vendor == "postgresql" else 3
    assert len(queries) == expected
