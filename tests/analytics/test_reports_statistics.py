"""Quiz statistics: stored figures, first vs all attempts, refresh task, pages, API."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import selectors as report_selectors
from analytics import services as report_services

# The module, not its names: importing test_stats bare would make pytest collect it.
from analytics import statistics as qstats
from analytics import tasks as report_tasks
from analytics.models import QuizStatistics
from quizzes.models import Attempt, Response
from tests.accounts.factories import InstructorFactory, StaffFactory, UserFactory
from tests.helpers.factories import (
    QuizFactory,
    allocation_question,
    graded_attempt,
    many_students,
    position_question,
    single_choice,
    taught_cohort,
)

pytestmark = pytest.mark.django_db

# Per student: first-attempt answers as (q1 choice index, q2 choice index, position,
# allocation). Choice 0 is right; position range is 40..70 (falloff 25); allocation
# ranges are [30, 60] and [40, 70] (falloff 30).
FIRST = [
    (0, 0, 55, [45, 55]),
    (0, 1, 30, [50, 50]),
    (1, 0, 80, [80, 20]),
    (2, 1, 95, [10, 90]),
    (0, 0, 62, [35, 65]),
    (1, 2, 12, [100, 0]),
]
# Second attempts of the first two students.
SECOND = {0: (1, 0, 50, [40, 60]), 1: (0, 0, 45, [55, 45])}


def approx(value):
    return None if value is None else pytest.approx(value, abs=1e-9)


@pytest.fixture
def seeded():
    """A four-question quiz taken by six students of a cohort, two of them twice."""
    quiz = QuizFactory()
    q1, c1 = single_choice(quiz, position=1)
    q2, c2 = single_choice(quiz, position=2, texts=("Yes", "No", "Maybe"))
    q3 = position_question(quiz, position=3)
    q4 = allocation_question(quiz, position=4)
    students = [UserFactory() for _ in FIRST]
    cohort, instructor = taught_cohort(quiz.course, students=students)
    start = timezone.now() - timedelta(days=1)

    def answers(row):
        a1, a2, position, allocation = row
        return {
            q1: {"choice": c1[a1].id},
            q2: {"choice": c2[a2].id},
            q3: {"position": position},
            q4: {"allocation": allocation},
        }

    for i, (student, row) in enumerate(zip(students, FIRST, strict=True)):
        graded_attempt(
            quiz, student, answers(row), submitted_at=start + timedelta(minutes=i)
        )
    for i, row in SECOND.items():
        graded_attempt(
            quiz,
            students[i],
            answers(row),
            number=2,
            submitted_at=start + timedelta(hours=1, minutes=i),
        )
    return {
        "quiz": quiz,
        "questions": [q1, q2, q3, q4],
        "choices": (c1, c2),
        "students": students,
        "cohort": cohort,
        "instructor": instructor,
    }


def matrix_from_rows(quiz, numbers=None):
    """The score matrix read straight from Response rows, the way a person would."""
    attempts = Attempt.objects.filter(quiz=quiz, state=Attempt.State.GRADED)
    if numbers is not None:
        attempts = attempts.filter(number__in=numbers)
    matrix = []
    for attempt in attempts.order_by("pk"):
        rows = Response.objects.filter(attempt=attempt)
        matrix.append(
            qstats.AttemptScores(
                attempt_id=attempt.pk,
                scores={r.question_id: float(r.score) for r in rows},
                max_scores={r.question_id: float(r.max_score) for r in rows},
            )
        )
    return matrix


def test_refresh_stores_question_and_test_statistics_of_first_attempts(seeded):
    quiz = seeded["quiz"]

    stats = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")

    stored = QuizStatistics.objects.get(quiz=quiz, which="first")
    assert stored.pk == stats.pk
    assert stored.attempt_count == len(FIRST)
    matrix = matrix_from_rows(quiz, numbers=[1])
    expected_q = qstats.question_stats(matrix)
    expected_t = qstats.test_stats(matrix)
    by_id = {q["question_id"]: q for q in stored.data["questions"]}
    assert list(by_id) == [q.pk for q in seeded["questions"]]
    for qid, figures in expected_q.items():
        entry = by_id[qid]
        assert entry["n"] == figures.n == len(FIRST)
        assert entry["max_mark"] == figures.max_mark
        for name in (
            "mean",
            "facility",
            "sd",
            "discrimination_index",
            "discriminative_efficiency",
        ):
            assert entry[name] == approx(getattr(figures, name)), name
    for name in ("mean", "median", "sd", "skewness", "kurtosis", "alpha", "sem"):
        assert stored.data["test"][name] == approx(getattr(expected_t, name)), name
    assert stored.data["test"]["alpha"] is not None


def test_refresh_counts_choices_and_bins_positions_and_allocations(seeded):
    quiz = seeded["quiz"]
    c1, c2 = seeded["choices"]
    q1, q2, q3, q4 = seeded["questions"]

    stored = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")

    by_id = {q["question_id"]: q for q in stored.data["questions"]}
    assert [(c["id"], c["count"]) for c in by_id[q1.pk]["choices"]] == [
        (c1[0].id, 3),
        (c1[1].id, 2),
        (c1[2].id, 1),
    ]
    assert [c["count"] for c in by_id[q2.pk]["choices"]] == [3, 2, 1]
    positions = by_id[q3.pk]["positions"]
    assert positions["n"] == 6
    # 55, 30, 80, 95, 62, 12 in bins of ten.
    assert positions["counts"] == [0, 1, 0, 1, 0, 1, 1, 0, 1, 1]
    assert positions["median"] == pytest.approx((55 + 62) / 2)
    first, second = by_id[q4.pk]["allocations"]
    assert first["value"] == "Labour demand"
    # Labour demand got 45, 50, 80, 10, 35, 100; job fears the rest of each 100.
    assert first["counts"] == [0, 1, 0, 1, 1, 1, 0, 0, 1, 1]
    assert second["value"] == "Job fears"
    assert second["counts"] == [1, 0, 1, 0, 0, 2, 1, 0, 0, 1]
    assert second["n"] == first["n"] == 6
    assert second["mean"] == pytest.approx((55 + 50 + 20 + 90 + 65 + 0) / 6)


def test_all_attempts_include_second_attempts_first_does_not(seeded):
    quiz = seeded["quiz"]

    first = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")
    every = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="all")

    assert first.attempt_count == 6
    assert every.attempt_count == 8
    expected_all = qstats.question_stats(matrix_from_rows(quiz))
    q1 = seeded["questions"][0]
    stored = {q["question_id"]: q for q in every.data["questions"]}
    assert stored[q1.pk]["facility"] == approx(expected_all[q1.pk].facility)
    assert QuizStatistics.objects.filter(quiz=quiz).count() == 2


def test_refresh_again_updates_the_same_row(seeded):
    quiz = seeded["quiz"]
    earlier = timezone.now() - timedelta(hours=3)
    report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first", now=earlier)

    again = report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")

    assert QuizStatistics.objects.filter(quiz=quiz, which="first").count() == 1
    assert again.computed_at > earlier
    assert QuizStatistics.objects.get(quiz=quiz, which="first").computed_at > earlier


def test_matrix_loads_in_the_same_number_of_queries_for_3_and_12_students():
    def build(count):
        quiz = QuizFactory()
        q1, c1 = single_choice(quiz, position=1)
        q2 = position_question(quiz, position=2)
        for student in many_students(count, prefix=f"m{count}-"):
            graded_attempt(
                quiz, student, {q1: {"choice": c1[0].id}, q2: {"position": 50}}
            )
        return quiz

    small, large = build(3), build(12)
    counts = []
    for quiz in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            matrix = report_selectors.quiz_matrix(quiz_id=quiz.pk, which="all")
        counts.append(len(ctx.captured_queries))
        assert len(matrix.matrix) in (3, 12)
    assert counts[0] == counts[1]


def test_the_refresh_task_is_idempotent_and_stores_first_and_all(seeded):
    quiz = seeded["quiz"]

    first_run = report_tasks.refresh_quiz_statistics_task(quiz.pk)
    data = {s.which: s.data for s in QuizStatistics.objects.filter(quiz=quiz)}
    second_run = report_tasks.refresh_quiz_statistics_task(quiz.pk)

    assert first_run == second_run == {"first": 6, "all": 8}
    assert {s.which: s.data for s in QuizStatistics.objects.filter(quiz=quiz)} == data


def test_the_refresh_task_ignores_a_deleted_quiz():
    assert report_tasks.refresh_quiz_statistics_task(987654321) is None


@pytest.fixture
def broker():
    """The test broker's Redis, with the default queue and debounce keys cleared."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def clear():
        client.delete("celery")
        for key in client.scan_iter("tradeoffs:reports:*"):
            client.delete(key)

    clear()
    yield client
    clear()


def queued_tasks(client) -> list[tuple[str, str]]:
    # kombu LPUSHes and the worker pops from the right: oldest last in the list.
    messages = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def test_a_burst_of_gradings_queues_one_refresh_after_commit(
    seeded, broker, django_capture_on_commit_callbacks
):
    quiz = seeded["quiz"]
    other = QuizFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(5):
            report_tasks.schedule_statistics_refresh(quiz.pk)
    # Nothing leaves before the grading transaction commits.
    assert queued_tasks(broker) == []
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.schedule_statistics_refresh(other.pk)

    name = report_tasks.refresh_quiz_statistics_task.name
    assert queued_tasks(broker) == [(name, f"[{quiz.pk}]"), (name, f"[{other.pk}]")]


def test_a_grading_after_the_refresh_started_queues_another(
    seeded, broker, django_capture_on_commit_callbacks
):
    quiz = seeded["quiz"]
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.schedule_statistics_refresh(quiz.pk)

    # The task clears the debounce key as it starts reading.
    report_tasks.refresh_quiz_statistics_task(quiz.pk)
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.schedule_statistics_refresh(quiz.pk)

    assert len(queued_tasks(broker)) == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_statistics_scheduled_after_grading(
    celery_worker_proc, monkeypatch
):
    monkeypatch.setattr(report_tasks, "STATS_REFRESH_COUNTDOWN", 0)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    quiz = QuizFactory()
    client.delete(report_tasks._debounce_key(quiz.pk))
    q1, c1 = single_choice(quiz, position=1)
    for i, student in enumerate(many_students(3, prefix="worker")):
        graded_attempt(quiz, student, {q1: {"choice": c1[i % 2].id}})

    report_tasks.schedule_statistics_refresh(quiz.pk)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if QuizStatistics.objects.filter(quiz=quiz).count() == 2:
            break
        time.sleep(0.2)
    stats = QuizStatistics.objects.get(quiz=quiz, which="first")
    assert stats.attempt_count == 3
    assert [c["count"] for c in stats.data["questions"][0]["choices"]] == [2, 1, 0]


# Pages and API ------------------------------------------------------------------------


def stats_url(quiz, which=None):
    url = reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk})
    return f"{url}?which={which}" if which else url


def test_statistics_page_shows_figures_counts_and_when_computed(client, seeded):
    client.force_login(seeded["instructor"])

    response = client.get(stats_url(seeded["quiz"]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Facility index",
        "Standard deviation",
        "Discrimination index",
        "Discriminative efficiency",
        "Reliability",
        "Computed at",
        "How often each choice was picked",
        "Positions (0 = Security, 100 = Rights)",
        "Points given to Labour demand",
        'href="/instructor/"',
    ):
        assert text in html, text
    assert response.context["stats"].attempt_count == 6
    assert QuizStatistics.objects.filter(quiz=seeded["quiz"], which="first").exists()


def test_statistics_page_over_all_attempts(client, seeded):
    client.force_login(seeded["instructor"])

    response = client.get(stats_url(seeded["quiz"], "all"))

    assert response.status_code == 200
    assert response.context["stats"].which == "all"
    assert response.context["stats"].attempt_count == 8


def test_recompute_post_refreshes_the_stored_statistics(client, seeded):
    quiz = seeded["quiz"]
    earlier = timezone.now() - timedelta(days=2)
    report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="all", now=earlier)
    client.force_login(seeded["instructor"])

    response = client.post(stats_url(quiz), {"which": "all"})

    assert response.status_code == 302
    assert response["Location"].endswith("?which=all")
    assert QuizStatistics.objects.get(quiz=quiz, which="all").computed_at > earlier


@pytest.mark.parametrize("who", ["student", "other_instructor"])
def test_statistics_page_is_404_for_students_and_other_instructors(client, seeded, who):
    user = seeded["students"][0] if who == "student" else InstructorFactory()
    client.force_login(user)

    assert client.get(stats_url(seeded["quiz"])).status_code == 404
    assert client.post(stats_url(seeded["quiz"])).status_code == 404


def test_statistics_page_sends_anonymous_users_to_log_in(client, seeded):
    response = client.get(stats_url(seeded["quiz"]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_staff_may_read_any_quiz_statistics(client, seeded):
    client.force_login(StaffFactory())

    assert client.get(stats_url(seeded["quiz"])).status_code == 200


def api_url(quiz):
    return reverse("api-quiz-statistics", kwargs={"pk": quiz.pk})


def test_statistics_api_returns_first_or_all(api_client, seeded):
    api_client.force_authenticate(seeded["instructor"])

    first = api_client.get(api_url(seeded["quiz"]))
    every = api_client.get(api_url(seeded["quiz"]), {"which": "all"})

    assert first.status_code == every.status_code == 200
    assert (first.data["which"], first.data["attempt_count"]) == ("first", 6)
    assert (every.data["which"], every.data["attempt_count"]) == ("all", 8)
    assert len(first.data["data"]["questions"]) == 4
    assert first.data["computed_at"]


def test_statistics_api_rejects_an_unknown_selection(api_client, seeded):
    api_client.force_authenticate(seeded["instructor"])

    response = api_client.get(api_url(seeded["quiz"]), {"which": "best"})

    assert response.status_code == 400
    assert "which" in response.data


@pytest.mark.parametrize("who", ["student", "other_instructor"])
def test_statistics_api_is_404_for_students_and_other_instructors(
    api_client, seeded, who
):
    user = seeded["students"][0] if who == "student" else InstructorFactory()
    api_client.force_authenticate(user)

    assert api_client.get(api_url(seeded["quiz"])).status_code == 404


def test_statistics_api_is_401_for_anonymous_callers(api_client, seeded):
    assert api_client.get(api_url(seeded["quiz"])).status_code == 401
