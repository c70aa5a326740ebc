"""Log-in limits: five failures lock one e-mail from one address, and nothing wider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

CLASSROOM = "198.51.100.7"
HOME = "203.0.113.20"
LOGIN = "/accounts/login/"


def attempt(email: str, password: str, *, address: str = CLASSROOM):
    """One log-in through the real page, from a fresh browser at the given address."""
    return Client(REMOTE_ADDR=address).post(
        LOGIN, {"username": email, "password": password}
    )


def fail(email: str, times: int, *, address: str = CLASSROOM) -> list[int]:
    return [
        attempt(email, "wrong password", address=address).status_code
        for _ in range(times)
    ]


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse(
        "courses:catalogue"
    )


def test_the_login_url_is_the_one_axes_watches():
    assert reverse("accounts:login") == LOGIN


def test_five_wrong_passwords_lock_that_student_on_that_address():
    student = UserFactory()

    statuses = fail(student.email, 5)
    locked = attempt(student.email, DEFAULT_PASSWORD)

    # Four failures show the form again; the fifth locks.
    assert statuses == [200, 200, 200, 200, 403]
    assert locked.status_code == 403
    page = locked.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "15 minutes" in page
    # The page is the log-in page itself, the reason among its messages.
    assert 'class="message message--error"' in page
    assert 'name="username"' in page


def test_a_classmate_on_the_same_address_still_logs_in():
    careless, classmate = UserFactory(), UserFactory()
    fail(careless.email, 5)

    response = attempt(classmate.email, DEFAULT_PASSWORD)

    assert logged_in(response)


def test_the_locked_student_still_logs_in_from_another_address():
    student = UserFactory()
    fail(student.email, 5)

    at_home = attempt(student.email, DEFAULT_PASSWORD, address=HOME)
    in_class = attempt(student.email, DEFAULT_PASSWORD)

    assert logged_in(at_home)
    assert in_class.status_code == 403


def test_a_successful_log_in_resets_the_count():
    student = UserFactory()
    fail(student.email, 4)

    assert logged_in(attempt(student.email, DEFAULT_PASSWORD))
    statuses = fail(student.email, 4)

    assert statuses == [200, 200, 200, 200]
    assert logged_in(attempt(student.email, DEFAULT_PASSWORD))


def test_changing_the_case_of_the_address_does_not_buy_more_tries():
    student = UserFactory(email="grace@example.org")
    spellings = [
        "grace@example.org",
        "GRACE@example.org",
        "Grace@Example.org",
        " grace@EXAMPLE.ORG",
        "gRaCe@example.ORG",
    ]

    statuses = [attempt(email, "nope").status_code for email in spellings]

    assert statuses[-1] == 403
    assert attempt(student.email, DEFAULT_PASSWORD).status_code == 403


def test_the_lock_lifts_after_fifteen_minutes():
    student = UserFactory()
    fail(student.email, 5)
    assert attempt(student.email, DEFAULT_PASSWORD).status_code == 403

    # Age the recorded failures past the cool-off instead of sleeping 15 minutes.
    record = AccessAttempt.objects.get()
    record.attempt_time -= timedelta(minutes=15, seconds=1)
    record.save(update_fields=["attempt_time"])

    assert logged_in(attempt(student.email, DEFAULT_PASSWORD))


def test_an_unknown_address_is_limited_like_a_real_one():
    # No account enumeration through the lock: a made-up e-mail locks the same way.
    statuses = fail("nobody@example.org", 5)

    assert statuses[-1] == 403


# --- Forwarded headers, and limits across addresses and across accounts -----------------

PROXY = "10.0.0.2"


def test_a_new_forged_forwarded_address_each_try_does_not_escape_the_lock():
    # Nothing is configured as a proxy (the default): the header is the client's word.
    student = UserFactory()
    statuses = [
        Client(REMOTE_ADDR=CLASSROOM, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .post(LOGIN, {"username": student.email, "password": "wrong"})
        .status_code
        for n in range(6)
    ]

    assert statuses == [200, 200, 200, 200, 403, 403]
    assert attempt(student.email, DEFAULT_PASSWORD).status_code == 403


def test_behind_a_configured_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    student = UserFactory()

    def through_proxy(client_address: str, forged: str = "192.0.2.1"):
        # The client forged the left entry; our proxy appended the address it saw.
        return Client(
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}"
        ).post(LOGIN, {"username": student.email, "password": "wrong"})

    statuses = [
        through_proxy(CLASSROOM, forged=f"192.0.2.{n}").status_code for n in range(5)
    ]
    from_home = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=HOME).post(
        LOGIN, {"username": student.email, "password": DEFAULT_PASSWORD}
    )

    assert statuses == [200, 200, 200, 200, 403]
    assert logged_in(from_home)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        CLASSROOM
    }


def test_one_account_is_locked_after_twenty_failures_from_many_addresses():
    student = UserFactory()
    statuses = [
        attempt(student.email, "wrong", address=f"192.0.2.{n}").status_code
        for n in range(20)
    ]

    assert statuses[:19] == [200] * 19
    assert statuses[19] == 403
    # Locked from anywhere now, with the same page an unknown e-mail would get.
    locked = attempt(student.email, DEFAULT_PASSWORD, address=HOME)
    assert locked.status_code == 403
    assert "Too many failed log-in attempts" in locked.content.decode()


def test_password_spraying_from_one_address_is_locked_after_sixty_failures():
    real = UserFactory()
    statuses = [
        attempt(f"target{n}@example.org", "Winter2026!").status_code for n in range(60)
    ]

    assert statuses[:59] == [200] * 59
    assert statuses[59] == 403
    # Every account from that address is refused now, even with the right password...
    assert attempt(real.email, DEFAULT_PASSWORD).status_code == 403
    # ...and only from that address.
    assert logged_in(attempt(real.email, DEFAULT_PASSWORD, address=HOME))


def test_a_sprayer_logging_in_to_its_own_account_does_not_clear_the_address_count():
    own = UserFactory()
    for n in range(40):
        attempt(f"target{n}@example.org", "Winter2026!")

    assert logged_in(attempt(own.email, DEFAULT_PASSWORD))
    statuses = [
        attempt(f"more{n}@example.org", "Winter2026!").status_code for n in range(20)
    ]

    assert statuses[-1] == 403
