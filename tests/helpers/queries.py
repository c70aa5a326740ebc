"""Count the SQL a piece of work runs: the suite's one query-count helper.

A page or endpoint's query-count test runs the same work at two sizes and compares the
counts (pytest-django's `django_assert_num_queries` pins an exact number instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def captured_sql(work: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run `work`; its result and the SQL of every statement it sent, in order."""
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return result, [query["sql"] for query in captured.captured_queries]


def count_queries(work: Callable[[], Any]) -> int:
    """How many statements `work` sends to the database."""
    return len(captured_sql(work)[1])


def count_get(client, url: str) -> int:
    """How many statements a GET of `url` takes; the page must answer 200."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]

    return count_queries(get)
