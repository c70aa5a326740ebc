"""Scenarios scored on fit (TEACHING.md §2): the option chosen earns nothing by itself;
the fit with the value named first and the costs named earn the points, alike for
opposing options."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes import grading, presentation, services
from quizzes.models import Attempt, Choice, Question, Quiz, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

DATA = {
    "scoring": "fit",
    "values": [
        {"name": "Humanitarian duty", "words": ["humanitarian", "protect"]},
        {"name": "Fair burden sharing", "words": ["burden", "share", "fair"]},
    ],
    "options": [
        {"serves": ["Humanitarian duty"], "costs": ["clinics", "schools", "burden"]},
        {"serves": ["Fair burden sharing"], "costs": ["turned", "persecution"]},
        {
            "serves": ["Humanitarian duty", "Fair burden sharing"],
            "costs": ["delay", "partner"],
        },
    ],
}
KEY = {
    "kind": "single_choice",
    "points": 2,
    "choices": [
        {"id": 11, "text": "Keep the border open", "credit": 0},
        {"id": 12, "text": "Close it until others commit", "credit": 0},
        {"id": 13, "text": "Open it and condition aid", "credit": 0},
    ],
    "data": DATA,
}
OPEN = {
    "value": "I put humanitarian duty first: people fleeing war must be protected.",
    "costs": "Local clinics and schools are overwhelmed, and host families carry "
    "that burden for years.",
}
CLOSED = {
    "value": "I put fair burden sharing first: one neighbour cannot carry a region.",
    "costs": "People fleeing are turned back, and some face persecution on return "
    "while states bargain.",
}


def test_opposing_options_argued_coherently_earn_equal_full_credit():
    opened = grading.grade(KEY, {"choice": 11, "justification": OPEN})
    closed = grading.grade(KEY, {"choice": 12, "justification": CLOSED})

    assert opened.fraction == closed.fraction == 1.0
    assert opened.auto_points == closed.auto_points == 2.0


def test_a_named_value_that_contradicts_the_option_earns_less():
    contradicts = {**CLOSED, "value": OPEN["value"]}

    coherent = grading.grade(KEY, {"choice": 12, "justification": CLOSED})
    result = grading.grade(KEY, {"choice": 12, "justification": contradicts})

    assert result.fraction == 0.5 < coherent.fraction
    [_, found] = result.feedback
    assert found["value"] == "Humanitarian duty" and not found["fits"]


def test_the_value_named_first_is_the_one_that_counts():
    both = {
        **CLOSED,
        "value": "Fair burden sharing comes first for me, though humanitarian duty "
        "weighs heavily.",
    }

    assert grading.grade(KEY, {"choice": 12, "justification": both}).fraction == 1.0
    assert grading.grade(KEY, {"choice": 11, "justification": both}).fraction == 0.0


def test_naming_no_cost_of_the_option_earns_only_the_fit():
    vague = {**OPEN, "costs": "Every policy has some downsides that somebody pays."}

    assert grading.grade(KEY, {"choice": 11, "justification": vague}).fraction == 0.5


def test_a_list_of_key_words_is_not_an_argument():
    stuffed = {"value": "humanitarian duty", "costs": "clinics schools burden"}

    assert grading.grade(KEY, {"choice": 11, "justification": stuffed}).fraction == 0


def test_every_option_can_reach_full_marks_with_its_own_model_argument():
    for index, choice in enumerate(KEY["choices"]):
        written = grading.fit.model_justification(DATA, index)
        result = grading.grade(KEY, {"choice": choice["id"], "justification": written})
        assert result.fraction == 1.0, choice


def test_a_pick_without_an_argument_or_an_argument_without_a_pick_earns_nothing():
    assert grading.grade(KEY, {"choice": 11}).fraction == 0
    assert grading.grade(KEY, {"justification": OPEN}).fraction == 0


@pytest.mark.parametrize(
    "broken",
    [
        {**DATA, "options": DATA["options"][:2]},
        {
            **DATA,
            "options": [{**DATA["options"][0], "costs": []}, *DATA["options"][1:]],
        },
        {**DATA, "options": [{"serves": ["Security"], "costs": ["x"]}] * 3},
        {**DATA, "options": [DATA["options"][0]] * 3},
    ],
    ids=["one-per-choice", "no-free-lunch", "unknown-value", "value-never-served"],
)
def test_an_incomplete_fit_configuration_is_refused(broken):
    with pytest.raises(grading.InvalidKey):
        grading.check_key({**KEY, "data": broken})


def test_a_keyed_credit_on_a_fit_scenario_is_refused():
    keyed = [{**KEY["choices"][0], "credit": 1}, *KEY["choices"][1:]]

    with pytest.raises(grading.InvalidKey):
        grading.check_key({**KEY, "choices": keyed})


def test_the_justification_takes_only_its_two_parts():
    with pytest.raises(grading.InvalidAnswer):
        grading.validate_answer(KEY, {"choice": 11, "justification": {"gains": "x"}})


@pytest.mark.django_db
def test_a_student_submits_a_fit_scenario_and_the_review_says_how_it_scored(client):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.SINGLE_CHOICE, points=2, data=DATA
    )
    choices = [
        Choice.objects.create(question=question, position=n, text=c["text"], credit=0)
        for n, c in enumerate(KEY["choices"])
    ]
    for n, (choice, written) in enumerate(((choices[1], CLOSED), (choices[0], OPEN))):
        student = UserFactory()
        attempt, _ = services.start_attempt(quiz=quiz, student=student)
        handle = presentation.handles_for(attempt).of(question.pk, choice.pk)
        answers = presentation.answers_from_student(
            attempt, {str(question.pk): {"choice": handle, "justification": written}}
        )
        services.submit_attempt(attempt=attempt, answers=answers)
        services.grade_attempt(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        assert attempt.score == 2, n

    client.force_login(student)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "your option serves it" in page
    assert "Keep the border open: serves Humanitarian duty" in page


@pytest.mark.django_db
def test_the_take_page_asks_for_the_two_parts_and_saves_them(student_client):
    quiz = QuizFactory()
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.SINGLE_CHOICE, points=2, data=DATA
    )
    choices = [
        Choice.objects.create(question=question, position=n, text=c["text"], credit=0)
        for n, c in enumerate(KEY["choices"])
    ]
    started = student_client.post(reverse("quizzes:start", args=[quiz.pk]))
    url = started["Location"]
    attempt_id = int(url.rstrip("/").split("/")[-1])
    p = f"q{question.id}_"

    page = student_client.get(url).content.decode()
    assert f'name="{p}justification_value"' in page
    assert f'name="{p}justification_costs"' in page
    assert "any option can earn full marks" in page

    attempt = Attempt.objects.get(pk=attempt_id)
    handle = presentation.handles_for(attempt).of(question.pk, choices[1].pk)
    student_client.post(
        url,
        {
            p + "choice": handle,
            p + "justification_value": CLOSED["value"],
            p + "justification_costs": CLOSED["costs"],
        },
    )

    saved = Response.objects.get(attempt=attempt).answer
    assert saved == {"choice": choices[1].pk, "justification": CLOSED}
