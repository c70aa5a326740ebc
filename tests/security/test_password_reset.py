"""Password reset: no account enumeration by answer or timing, and rate limits."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tasks import send_password_reset_task
from tests.accounts.factories import UserFactory
from tests.helpers.queue import take_queued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

RESET = reverse("accounts:password_reset")
TASK = send_password_reset_task.name


def ask(email: str, *, address: str = "198.51.100.7", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(RESET, {"email": email})


@pytest.fixture(autouse=True)
def empty_queue():
    take_queued(TASK)
    yield
    take_queued(TASK)


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work():
    UserFactory(email="known@example.org")
    answers, queries = [], []
    for email in ("known@example.org", "unknown@example.org"):
        with CaptureQueriesContext(connection) as captured:
            answers.append(ask(email))
        queries.append(captured.captured_queries)

    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, reverse("accounts:password_reset_done"))
    ] * 2
    # The request neither reads the user table nor sends mail: the worker does both,
    # so nothing in the request's timing depends on whether the account exists.
    assert len(queries[0]) == len(queries[1])
    user_table = User._meta.db_table
    assert not [q for q in queries[0] + queries[1] if user_table in q["sql"]]
    assert mail.outbox == []
    queued = take_queued(TASK)
    assert [args[0] for args in queued] == ["known@example.org", "unknown@example.org"]

    sent = [send_password_reset_task(*args) for args in queued]

    assert sent == [1, 0]
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


def test_a_fourth_request_for_one_email_within_the_hour_is_refused_for_any_email():
    UserFactory(email="known@example.org")
    known = [ask("known@example.org", address=f"203.0.113.{n}") for n in range(4)]
    unknown = [ask("ghost@example.org", address=f"203.0.113.{n}") for n in range(4)]

    # Per target, across addresses: the same for an account that exists and one that
    # does not, so the limit reveals nothing.
    assert [r.status_code for r in known] == [302, 302, 302, 429]
    assert [r.status_code for r in unknown] == [302, 302, 302, 429]
    for refused in (known[-1], unknown[-1]):
        assert "Too many password reset requests" in refused.content.decode()
    assert len(take_queued(TASK)) == 6


def test_one_address_asking_for_many_emails_is_refused_after_twenty():
    codes = [ask(f"user{n}@example.org").status_code for n in range(21)]

    assert codes == [302] * 20 + [429]
    # Another address is not affected.
    assert ask("user0@example.org", address="192.0.2.1").status_code == 302


def test_forged_forwarded_headers_do_not_reset_the_address_count():
    codes = [
        ask(f"user{n}@example.org", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1").status_code
        for n in range(21)
    ]

    assert codes[-1] == 429


def test_with_the_broker_down_the_page_says_so_quickly(settings, monkeypatch):
    from tests.security.test_fault_drills import celery_pointed_at, free_port

    # Nothing listens there: the broker is "down".
    with celery_pointed_at(f"redis://127.0.0.1:{free_port()}/0", settings, monkeypatch):
        began = time.monotonic()
        response = ask("known@example.org")
        took = time.monotonic() - began

    assert response.status_code == 503
    assert "cannot send e-mail at the moment" in response.content.decode()
    assert took < 5, took
