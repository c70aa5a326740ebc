"""Regrade after a key change: dry run, confirmed run, e-mails, repeat, pages and API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from quizzes import admin_actions
from quizzes.models import (
    Attempt,
    Choice,
    Question,
    Quiz,
    RegradeRun,
    RegradeRunChange,
    Response,
)
from quizzes.services import regrading
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.factories import (
    QuestionFactory,
    QuizFactory,
    graded_attempt,
    score,
    single_choice,
    taught_cohort,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def stored(run: RegradeRun) -> list[tuple[int, str, str]]:
    """The run's change rows as (attempt, old, new), in the run's order."""
    return [(c.attempt_id, str(c.old), str(c.new)) for c in run.changes.all()]


@pytest.fixture
def quiz_setup():
    """Two one-point questions; q1's second choice is about to become right as well.

    - Sam: picked it on q1, q2 right: 50% now, 100% after (grade moves).
    - Ria: right on both: 100% before and after (nothing moves).
    - Lee: attempt 1 picked it, q2 wrong (0% -> 50%); attempt 2 scored 100%, and
      the quiz takes the highest, so the grade stays 100% (attempt moves, grade not).
    """
    quiz = QuizFactory(grading_method=Quiz.GradingMethod.HIGHEST, title="Borders")
    q1, (a, b, _c) = single_choice(quiz, position=1)
    q2, (right, wrong, _o) = single_choice(quiz, position=2)
    sam = UserFactory(first_name="Sam", last_name="Adams", email="sam@example.org")
    ria = UserFactory(first_name="Ria", last_name="Brown", email="ria@example.org")
    lee = UserFactory(first_name="Lee", last_name="Clark", email="lee@example.org")
    cohort, instructor = taught_cohort(quiz.course, students=[sam, ria, lee])
    attempts = {
        "sam": graded_attempt(
            quiz, sam, {q1: {"choice": b.id}, q2: {"choice": right.id}}, submitted_at=T0
        ),
        "ria": graded_attempt(
            quiz, ria, {q1: {"choice": a.id}, q2: {"choice": right.id}}, submitted_at=T0
        ),
        "lee1": graded_attempt(
            quiz, lee, {q1: {"choice": b.id}, q2: {"choice": wrong.id}}, submitted_at=T0
        ),
        "lee2": graded_attempt(
            quiz,
            lee,
            {q1: {"choice": a.id}, q2: {"choice": right.id}},
            number=2,
            submitted_at=T0 + timedelta(hours=1),
        ),
    }
    Choice.objects.filter(pk=b.pk).update(credit=Decimal("1"))
    return {
        "quiz": quiz,
        "q1": q1,
        "q2": q2,
        "students": {"sam": sam, "ria": ria, "lee": lee},
        "attempts": attempts,
        "instructor": instructor,
        "cohort": cohort,
    }


def scores(quiz) -> dict[int, tuple]:
    return {
        a.pk: (a.score, a.graded_at)
        for a in Attempt.objects.filter(quiz=quiz).order_by("pk")
    }


def test_dry_run_lists_old_and_new_scores_and_writes_nothing(quiz_setup):
    quiz, attempts = quiz_setup["quiz"], quiz_setup["attempts"]
    before = scores(quiz)
    responses_before = list(Response.objects.order_by("pk").values())

    changes = regrading.preview_regrade(quiz=quiz)

    assert [(c.attempt_id, c.student_email, c.old, c.new) for c in changes] == [
        (attempts["sam"].pk, "sam@example.org", Decimal("1.000"), Decimal("2.000")),
        (attempts["lee1"].pk, "lee@example.org", Decimal("0.000"), Decimal("1.000")),
    ]
    assert scores(quiz) == before
    assert list(Response.objects.order_by("pk").values()) == responses_before
    assert not RegradeRun.objects.exists()
    assert mail.outbox == []


def test_regrade_records_the_run_and_mails_only_students_whose_grade_changed(
    quiz_setup, django_capture_on_commit_callbacks
):
    quiz, attempts = quiz_setup["quiz"], quiz_setup["attempts"]
    instructor = quiz_setup["instructor"]
    ria_before = scores(quiz)[attempts["ria"].pk]

    with django_capture_on_commit_callbacks(execute=True):
        run = regrading.regrade(quiz=quiz, user=instructor, reason="B is defensible")

    run.refresh_from_db()
    assert run.performed_by == instructor
    assert run.reason == "B is defensible"
    assert stored(run) == [
        (attempts["sam"].pk, "1.000", "2.000"),
        (attempts["lee1"].pk, "0.000", "1.000"),
    ]
    after = scores(quiz)
    assert after[attempts["sam"].pk][0] == Decimal("2.000")
    assert after[attempts["lee1"].pk][0] == Decimal("1.000")
    # An attempt the regrade did not move keeps its graded time.
    assert after[attempts["ria"].pk] == ria_before
    assert run.notified == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "50.0%" in mail.outbox[0].body and "100.0%" in mail.outbox[0].body
    assert "B is defensible" in mail.outbox[0].body
    assert "Borders" in mail.outbox[0].subject


def test_no_mail_leaves_before_the_regrade_commits(
    quiz_setup, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        regrading.regrade(
            quiz=quiz_setup["quiz"], user=quiz_setup["instructor"], reason="Fix"
        )

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_second_regrade_changes_nothing_and_mails_nobody(
    quiz_setup, django_capture_on_commit_callbacks
):
    quiz, instructor = quiz_setup["quiz"], quiz_setup["instructor"]
    with django_capture_on_commit_callbacks(execute=True):
        regrading.regrade(quiz=quiz, user=instructor, reason="First")
    after_first = scores(quiz)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        second = regrading.regrade(quiz=quiz, user=instructor, reason="Again")

    assert (second.changed, stored(second)) == (0, [])
    assert second.notified == 0
    assert mail.outbox == []
    assert scores(quiz) == after_first
    assert regrading.preview_regrade(quiz=quiz) == []


def test_regrading_one_question_reports_its_old_and_new_score(quiz_setup):
    quiz = quiz_setup["quiz"]

    on_q2 = regrading.preview_regrade(quiz=quiz, question=quiz_setup["q2"])
    on_q1 = regrading.preview_regrade(quiz=quiz, question=quiz_setup["q1"])

    assert on_q2 == []
    assert [(c.question_old, c.question_new) for c in on_q1] == [
        (Decimal("0.000"), Decimal("1.000")),
        (Decimal("0.000"), Decimal("1.000")),
    ]


def test_a_question_of_another_quiz_is_refused(quiz_setup):
    stranger = QuestionFactory()

    with pytest.raises(Exception, match="not in this quiz"):
        regrading.preview_regrade(quiz=quiz_setup["quiz"], question=stranger)


def test_a_reason_is_required(quiz_setup):
    with pytest.raises(Exception, match="why"):
        regrading.regrade(
            quiz=quiz_setup["quiz"], user=quiz_setup["instructor"], reason="  "
        )
    assert not RegradeRun.objects.exists()


def test_regrade_keeps_manual_scores(quiz_setup):
    quiz = quiz_setup["quiz"]
    essay = QuestionFactory(
        quiz=quiz,
        position=3,
        kind=Question.Kind.ESSAY,
        points=Decimal("3"),
        data={"rubric": "Both sides.", "min_words": 0},
    )
    student = UserFactory()
    attempt = graded_attempt(
        quiz, student, {essay: {"text": "Security and rights both matter."}}
    )
    Response.objects.filter(attempt=attempt, question=essay).update(
        manual_score=Decimal("2.5")
    )
    score(attempt, now=T0)

    regrading.regrade(quiz=quiz, user=quiz_setup["instructor"], reason="Key fix")

    response = Response.objects.get(attempt=attempt, question=essay)
    assert response.manual_score == Decimal("2.500")
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal("2.500")


# Pages --------------------------------------------------------------------------------


def page_url(quiz):
    return reverse("reports:quiz-regrade", kwargs={"pk": quiz.pk})


def test_dry_run_page_lists_student_old_and_new(client, quiz_setup):
    client.force_login(quiz_setup["instructor"])

    response = client.get(page_url(quiz_setup["quiz"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sam Adams" in html and "Lee Clark" in html
    assert "Ria Brown" not in html
    assert "1.000 / 2.000" in html and "2.000 / 2.000" in html
    assert 'name="reason"' in html
    assert not RegradeRun.objects.exists()


def test_confirming_on_the_page_regrades_and_reports(
    client, quiz_setup, django_capture_on_commit_callbacks
):
    client.force_login(quiz_setup["instructor"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(quiz_setup["quiz"]), {"reason": "Key fixed"})

    assert response.status_code == 302
    run = RegradeRun.objects.get()
    assert (run.reason, run.changed, run.notified) == ("Key fixed", 2, 1)
    assert len(stored(run)) == 2
    assert len(mail.outbox) == 1
    page = client.get(response["Location"]).content.decode()
    assert "2 attempts changed, 1 students notified" in page
    assert "No score would change." in page


def test_confirming_without_a_reason_shows_the_error_and_writes_nothing(
    client, quiz_setup
):
    client.force_login(quiz_setup["instructor"])

    response = client.post(page_url(quiz_setup["quiz"]), {"reason": ""})

    assert response.status_code == 400
    assert "Say why you are regrading." in response.content.decode()
    assert not RegradeRun.objects.exists()


@pytest.mark.parametrize("who", ["student", "other_instructor"])
def test_regrade_page_is_404_for_students_and_other_instructors(
    client, quiz_setup, who
):
    user = quiz_setup["students"]["sam"] if who == "student" else InstructorFactory()
    client.force_login(user)

    assert client.get(page_url(quiz_setup["quiz"])).status_code == 404
    assert client.post(page_url(quiz_setup["quiz"]), {"reason": "x"}).status_code == 404
    assert not RegradeRun.objects.exists()


# API ----------------------------------------------------------------------------------


def api_url(quiz):
    return reverse("api-quiz-regrade", kwargs={"pk": quiz.pk})


def test_api_dry_run_returns_changes_without_writing(api_client, quiz_setup):
    api_client.force_authenticate(quiz_setup["instructor"])
    before = scores(quiz_setup["quiz"])

    response = api_client.post(
        api_url(quiz_setup["quiz"]), {"dry_run": True}, format="json"
    )

    assert response.status_code == 200
    assert response.data["dry_run"] is True
    assert [(c["email"], c["old"], c["new"]) for c in response.data["changes"]] == [
        ("sam@example.org", "1.000", "2.000"),
        ("lee@example.org", "0.000", "1.000"),
    ]
    assert scores(quiz_setup["quiz"]) == before
    assert not RegradeRun.objects.exists()


def test_api_regrade_needs_a_reason_then_records_the_run(
    api_client, quiz_setup, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(quiz_setup["instructor"])
    url = api_url(quiz_setup["quiz"])

    refused = api_client.post(url, {"dry_run": False}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        done = api_client.post(
            url,
            {"reason": "Key fixed", "question": quiz_setup["q1"].pk},
            format="json",
        )

    assert refused.status_code == 400
    assert "reason" in refused.data
    assert done.status_code == 201
    assert done.data["question"] == quiz_setup["q1"].pk
    assert done.data["notified"] == 1
    assert len(done.data["changes"]) == 2
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_api_refuses_a_question_of_another_quiz(api_client, quiz_setup):
    api_client.force_authenticate(quiz_setup["instructor"])

    response = api_client.post(
        api_url(quiz_setup["quiz"]),
        {"dry_run": True, "question": QuestionFactory().pk},
        format="json",
    )

    assert response.status_code == 404


def test_api_regrade_permissions(api_client, quiz_setup):
    url = api_url(quiz_setup["quiz"])

    assert api_client.post(url, {"dry_run": True}, format="json").status_code == 401
    for user in (quiz_setup["students"]["sam"], InstructorFactory()):
        api_client.force_authenticate(user)
        assert api_client.post(url, {"dry_run": True}, format="json").status_code == 404


# Admin hook ---------------------------------------------------------------------------


def test_admin_action_regrades_the_selected_quizzes(
    quiz_setup, django_capture_on_commit_callbacks
):
    staff = InstructorFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/quizzes/quiz/")
    request.user = staff
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.ModelAdmin(Quiz, admin.site)

    with django_capture_on_commit_callbacks(execute=True):
        admin_actions.regrade_selected_quizzes(
            model_admin, request, Quiz.objects.filter(pk=quiz_setup["quiz"].pk)
        )

    run = RegradeRun.objects.get()
    assert run.performed_by == staff
    assert (run.changed, len(stored(run))) == (2, 2)
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "2 attempts changed, 1 students notified" in str(list(request._messages)[0])


def test_regrading_an_unchanged_question_writes_and_mails_nothing(
    quiz_setup, django_capture_on_commit_callbacks
):
    quiz = quiz_setup["quiz"]
    before = scores(quiz)

    with django_capture_on_commit_callbacks(execute=True):
        run = regrading.regrade(
            quiz=quiz,
            question=quiz_setup["q2"],
            user=quiz_setup["instructor"],
            reason="Only q2",
        )

    # q1's key moved too, but only q2 was asked for: nothing is written or announced.
    assert (stored(run), run.changed, run.notified) == ([], 0, 0)
    assert scores(quiz) == before
    assert mail.outbox == []


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_chunked_regrade_settles_each_students_grade_across_chunks(
    quiz_setup, monkeypatch, chunk, django_capture_on_commit_callbacks
):
    # One attempt per chunk puts Lee's two attempts (grade held by the 100 %) in two.
    monkeypatch.setattr(regrading, "CHUNK_SIZE", chunk)
    quiz, attempts = quiz_setup["quiz"], quiz_setup["attempts"]
    preview = regrading.preview_regrade(quiz=quiz)

    with django_capture_on_commit_callbacks(execute=True):
        run = regrading.regrade(
            quiz=quiz, user=quiz_setup["instructor"], reason="B is defensible"
        )

    moved = [
        (attempts["sam"].pk, "1.000", "2.000"),
        (attempts["lee1"].pk, "0.000", "1.000"),
    ]
    assert [(c.attempt_id, str(c.old), str(c.new)) for c in preview] == moved
    run.refresh_from_db()
    assert stored(run) == moved
    assert run.changed == len(moved)
    assert run.notified == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_dry_run_queries_do_not_grow_with_attempts(quiz_setup):
    from tests.helpers.queries import count_queries

    quiz, q1, q2 = quiz_setup["quiz"], quiz_setup["q1"], quiz_setup["q2"]
    b = q1.choices.order_by("position")[1]
    right = q2.choices.order_by("position")[0]

    def run():
        return count_queries(lambda: regrading.preview_regrade(quiz=quiz))

    few = run()
    for n in range(6):
        student = UserFactory(email=f"more{n}@example.org")
        graded_attempt(
            quiz,
            student,
            {q1: {"choice": b.id}, q2: {"choice": right.id}},
            submitted_at=T0,
        )
    # Graded under the new key already, the six new attempts move nothing.
    assert run() == few
    assert len(regrading.preview_regrade(quiz=quiz)) == 2


def test_regrade_writes_each_chunks_changes_as_it_goes(
    quiz_setup, monkeypatch, django_capture_on_commit_callbacks
):
    # Rows leave memory with their chunk: one INSERT per chunk that moved something.
    monkeypatch.setattr(regrading, "CHUNK_SIZE", 1)
    inserts = []
    real = RegradeRunChange.objects.bulk_create

    def counted(rows, *args, **kwargs):
        inserts.append(len(rows))
        return real(rows, *args, **kwargs)

    monkeypatch.setattr(RegradeRunChange.objects, "bulk_create", counted)
    with django_capture_on_commit_callbacks(execute=True):
        run = regrading.regrade(
            quiz=quiz_setup["quiz"], user=quiz_setup["instructor"], reason="Fix"
        )

    assert inserts == [1, 1]
    assert run.changed == 2


def test_api_regrade_lists_only_the_callers_students_but_counts_all(
    api_client, quiz_setup, django_capture_on_commit_callbacks
):
    # An instructor of Sam's cohort alone sees Sam's change; the run counts both.
    _cohort, other = taught_cohort(
        quiz_setup["quiz"].course, students=[quiz_setup["students"]["sam"]]
    )
    api_client.force_authenticate(other)

    with django_capture_on_commit_callbacks(execute=True):
        done = api_client.post(
            api_url(quiz_setup["quiz"]), {"reason": "Key fixed"}, format="json"
        )

    assert done.status_code == 201
    assert done.data["changed"] == 2
    assert [c["email"] for c in done.data["changes"]] == ["sam@example.org"]
