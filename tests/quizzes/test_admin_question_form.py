"""Tradeoff questions are edited in the admin with real fields, never raw JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests.quizzes.factories import QuizFactory, make_allocation, make_position

pytestmark = pytest.mark.django_db


def _post(question: Question | None, quiz, kind: str, **fields) -> dict:
    data = {
        "quiz": str(quiz.pk),
        "position": "0",
        "kind": kind,
        "name": "",
        "prompt": "Split the points.",
        "prompt_format": "markdown",
        "points": "2",
        "explanation": "",
        "explanation_format": "markdown",
        "lesson": "",
        "paragraph": "",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


ALLOCATION = {
    "value_1": "Security",
    "value_1_low": "30",
    "value_1_high": "60",
    "value_2": "Human rights",
    "value_2_low": "40",
    "value_2_high": "70",
    "falloff": "30",
    "justification_points": "2",
    "justification_rubric": "Names a cost.\nAnswers an objection.",
}


def test_an_allocation_is_created_from_fields(admin_client):
    quiz = QuizFactory()
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        _post(None, quiz, "tradeoff_allocation", data="", **ALLOCATION),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question = Question.objects.get(quiz=quiz)
    assert question.data == {
        "values": ["Security", "Human rights"],
        "ranges": [[30.0, 60.0], [40.0, 70.0]],
        "falloff": 30.0,
        "justification": {
            "points": 2.0,
            "rubric": "Names a cost.\nAnswers an objection.",
        },
    }


def test_the_change_form_shows_fields_filled_from_the_data_and_no_json(admin_client):
    question = make_allocation(QuizFactory())
    html = admin_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()
    assert 'name="value_1" value="Security"' in html
    assert 'name="value_2_high" value="68.75"' in html
    assert 'name="justification_points" value="2"' in html
    assert 'name="data"' not in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value_1_low": "70"}, "value_1_high", "cannot be below its bottom"),
        ({"value_2": "", "value_2_low": "", "value_2_high": ""}, "value_1", "2 to 4"),
        ({"value_2": ""}, "value_2", "Name the value"),
        ({"falloff": "0"}, "falloff", "more than 0"),
        ({"falloff": "lots"}, "falloff", "Enter a number"),
        ({"value_1_high": "31", "value_2_high": "60"}, "value_1_low", "adds up to 100"),
        ({"justification_rubric": ""}, "justification_rubric", "how the justification"),
    ],
)
def test_bad_allocation_input_is_an_error_on_its_field(
    admin_client, changes, field, message
):
    question = make_allocation(QuizFactory())
    before = dict(question.data)
    response = admin_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        _post(
            question, question.quiz, "tradeoff_allocation", **{**ALLOCATION, **changes}
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "data" not in errors
    question.refresh_from_db()
    assert question.data == before


def test_a_position_is_edited_with_scale_labels_and_a_range(admin_client):
    question = make_position(QuizFactory())
    response = admin_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        _post(
            question,
            question.quiz,
            "tradeoff_position",
            left="Sovereignty",
            right="Cooperation",
            range_low="40",
            range_high="65",
            falloff="20",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.data == {
        "left": "Sovereignty",
        "right": "Cooperation",
        "range": [40.0, 65.0],
        "falloff": 20.0,
    }


def test_a_position_without_its_labels_is_refused_on_those_fields(admin_client):
    question = make_position(QuizFactory())
    response = admin_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        _post(
            question,
            question.quiz,
            "tradeoff_position",
            range_low="40",
            range_high="65",
            falloff="20",
        ),
    )
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"left", "right"}


def test_other_kinds_keep_their_data_box(admin_client):
    from tests.quizzes.factories import make_matching

    question = make_matching(QuizFactory())
    html = admin_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()
    assert 'name="data"' in html
    assert 'name="value_1"' not in html
