"""A graded attempt keeps showing what was graded after an admin edits the question;
only a regrade, previewed and confirmed by an instructor, grades under the new key."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import frozen
from quizzes.models import Choice, Question, QuestionVersion, Quiz, Response
from quizzes.services import regrading
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    QuizFactory,
    graded_attempt,
    single_choice,
    taught_cohort,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded():
    """A graded attempt that picked the (then) right option of a one-question quiz."""
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    question, (right, wrong, _other) = single_choice(
        quiz, position=1, texts=("Geneva 1951", "Rome 1957", "Paris 1919")
    )
    Question.objects.filter(pk=question.pk).update(
        prompt="Where was the Refugee Convention signed?",
        explanation="It was signed in Geneva.",
    )
    question.refresh_from_db()
    student = UserFactory()
    _cohort, instructor = taught_cohort(quiz.course, students=[student])
    attempt = graded_attempt(quiz, student, {question: {"choice": right.id}})
    return {
        "quiz": quiz,
        "question": question,
        "right": right,
        "wrong": wrong,
        "attempt": attempt,
        "student": student,
        "instructor": instructor,
    }


def edit_question(world) -> None:
    """An admin rewrites the prompt, the explanation, a choice and the key."""
    question = world["question"]
    Question.objects.filter(pk=question.pk).update(
        prompt="Which city hosted the signing of the 1967 Protocol?",
        explanation="The Protocol was signed in New York.",
    )
    Choice.objects.filter(pk=world["right"].pk).update(
        text="Geneva, 1967", credit=Decimal("0")
    )
    Choice.objects.filter(pk=world["wrong"].pk).update(credit=Decimal("1"))


def test_grading_freezes_the_question_text_choices_and_key():
    quiz = QuizFactory()
    question, (right, _wrong, _other) = single_choice(quiz, position=1)
    attempt = graded_attempt(quiz, UserFactory(), {question: {"choice": right.id}})

    snapshot = Response.objects.get(attempt=attempt).graded_question

    assert snapshot["prompt"] == question.prompt
    assert snapshot["kind"] == "single_choice"
    assert [c["text"] for c in snapshot["choices"]] == ["Right", "Wrong", "Other"]
    assert [c["credit"] for c in snapshot["choices"]][0] == "1.00000"


def test_responses_graded_against_one_question_share_one_stored_copy():
    quiz = QuizFactory()
    question, (right, wrong, _other) = single_choice(quiz, position=1)
    first = graded_attempt(quiz, UserFactory(), {question: {"choice": right.id}})
    second = graded_attempt(quiz, UserFactory(), {question: {"choice": wrong.id}})
    Question.objects.filter(pk=question.pk).update(prompt="Reworded")
    third = graded_attempt(quiz, UserFactory(), {question: {"choice": right.id}})

    versions = {
        a.pk: Response.objects.get(attempt=a).graded_version_id
        for a in (first, second, third)
    }
    assert versions[first.pk] == versions[second.pk] != versions[third.pk]
    assert QuestionVersion.objects.filter(question=question).count() == 2
    assert Response.objects.get(attempt=third).graded_question["prompt"] == "Reworded"


def test_the_review_page_shows_what_was_graded_after_an_edit(client, graded):
    edit_question(graded)

    client.force_login(graded["student"])
    page = client.get(
        reverse("quizzes:result", args=[graded["attempt"].pk])
    ).content.decode()

    assert "Where was the Refugee Convention signed?" in page
    assert "It was signed in Geneva." in page
    assert "Geneva 1951" in page
    assert "1967" not in page
    graded["attempt"].refresh_from_db()
    assert graded["attempt"].score == Decimal("1.000")


def test_the_instructors_attempt_page_shows_what_was_graded(client, graded):
    edit_question(graded)

    client.force_login(graded["instructor"])
    page = client.get(
        reverse("instructor:attempt", args=[graded["attempt"].pk])
    ).content.decode()

    assert "Where was the Refugee Convention signed?" in page
    assert "Geneva 1951" in page
    assert "1967" not in page


def test_the_api_review_shows_what_was_graded(api_client, graded):
    edit_question(graded)

    api_client.force_authenticate(graded["student"])
    body = api_client.get(
        reverse("api-attempt-detail", args=[graded["attempt"].pk])
    ).json()

    [question] = body["questions"]
    assert "Refugee Convention" in question["prompt_html"]
    credits = {c["text"]: c["credit"] for c in question["review"]["key"]["choices"]}
    assert credits["Geneva 1951"] == 1


def test_a_regrade_is_previewed_then_freezes_the_new_version(graded):
    edit_question(graded)
    response = Response.objects.get(attempt=graded["attempt"])

    [change] = regrading.preview_regrade(quiz=graded["quiz"])

    assert (change.old, change.new) == (Decimal("1.000"), Decimal("0.000"))
    response.refresh_from_db()
    assert "Refugee Convention" in response.graded_question["prompt"]

    regrading.regrade(
        quiz=graded["quiz"], user=graded["instructor"], reason="Key moved to 1967."
    )

    response.refresh_from_db()
    assert "1967 Protocol" in response.graded_question["prompt"]
    assert response.score == Decimal("0.000")
    live = Question.objects.prefetch_related("choices").get(pk=graded["question"].pk)
    assert not frozen.is_changed_since(live, response.graded_question)


def test_a_regrade_after_a_text_only_edit_freezes_the_new_text_and_moves_no_score(
    graded,
):
    Question.objects.filter(pk=graded["question"].pk).update(
        prompt="Where was the 1951 Refugee Convention signed?"
    )

    assert regrading.preview_regrade(quiz=graded["quiz"]) == []
    run = regrading.regrade(
        quiz=graded["quiz"], user=graded["instructor"], reason="Clearer wording."
    )

    assert not run.changes.exists() and (run.changed, run.notified) == (0, 0)
    response = Response.objects.get(attempt=graded["attempt"])
    assert response.graded_question["prompt"].startswith("Where was the 1951")


def test_marking_by_hand_keeps_the_frozen_copy(graded):
    from quizzes.services import marking

    edit_question(graded)
    attempt = graded["attempt"]
    locked = (
        type(attempt)
        .objects.prefetch_related("responses")
        .select_related("quiz")
        .get(pk=attempt.pk)
    )

    marking.total_attempt(locked, now=attempt.graded_at)

    response = Response.objects.get(attempt=attempt)
    assert "Refugee Convention" in response.graded_question["prompt"]
    assert response.score == Decimal("1.000")
