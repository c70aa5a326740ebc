"""Structured rubrics: criteria with levels, checked with the key; a text rubric still works."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from quizzes import grading
from teaching.forms import ScoreForm
from tests.helpers.factories import EssayQuestionFactory

LEVELS = [{"label": "None", "points": 0}, {"label": "Full", "points": 2}]
CRITERIA = [{"name": "Both values", "levels": LEVELS}]


def _essay_key(data, points=4):
    return {"kind": "essay", "points": points, "choices": [], "data": data}


def test_an_essay_may_have_criteria_instead_of_a_text_rubric():
    grading.check_key(_essay_key({"rubric_criteria": CRITERIA}))
    assert grading.criteria_of("essay", {"rubric_criteria": CRITERIA}) == CRITERIA
    assert grading.criteria_of("essay", {"rubric": "text"}) == []


def test_a_justification_may_have_criteria():
    data = {
        "left": "Security",
        "right": "Rights",
        "range": [40, 70],
        "falloff": 25,
        "justification": {"points": 2, "rubric_criteria": CRITERIA},
    }
    grading.check_key({"kind": "tradeoff_position", "points": 1, "data": data})
    assert grading.criteria_of("tradeoff_position", data) == CRITERIA


@pytest.mark.parametrize(
    "criteria",
    [
        [],
        "Names both",
        [{"name": "", "levels": LEVELS}],
        [{"name": "A", "levels": []}],
        [{"name": "A", "levels": [{"label": "", "points": 1}]}],
        [{"name": "A", "levels": [{"label": "x", "points": -1}]}],
        [{"name": "A", "levels": [{"label": "x", "points": True}]}],
        [{"name": "A", "levels": [{"label": "x", "points": 1, "description": 3}]}],
        # Top levels worth more than the essay's 4 points.
        [{"name": "A", "levels": LEVELS}] * 3,
    ],
)
def test_malformed_criteria_are_refused(criteria):
    with pytest.raises(grading.InvalidKey):
        grading.check_key(_essay_key({"rubric_criteria": criteria}))


def test_neither_rubric_is_refused():
    with pytest.raises(grading.InvalidKey):
        grading.check_key(_essay_key({}))


@pytest.mark.django_db
def test_the_model_checks_criteria_against_the_points():
    question = EssayQuestionFactory(points=Decimal(4))
    question.data = {"rubric_criteria": CRITERIA * 3}
    with pytest.raises(ValidationError) as caught:
        question.clean()
    assert "data" in caught.value.message_dict
    question.points = Decimal(6)
    question.clean()


def test_score_form_sums_the_picked_levels_when_no_score_is_typed():
    criteria = CRITERIA + [{"name": "Objection", "levels": LEVELS}]
    form = ScoreForm(
        {"criterion_0": "1", "criterion_1": "0", "comment": "Kept."},
        maximum=Decimal(4),
        criteria=criteria,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["score"] == Decimal(2)
    assert form.cleaned_data["comment"] == "Kept."


def test_score_form_keeps_a_typed_score_and_needs_every_level_otherwise():
    typed = ScoreForm(
        {"score": "1.5", "criterion_0": "1"}, maximum=Decimal(4), criteria=CRITERIA
    )
    assert typed.is_valid() and typed.cleaned_data["score"] == Decimal("1.5")
    missing = ScoreForm({"comment": "x"}, maximum=Decimal(4), criteria=CRITERIA)
    assert not missing.is_valid() and "score" in missing.errors
    wrong = ScoreForm({"criterion_0": "7"}, maximum=Decimal(4), criteria=CRITERIA)
    assert not wrong.is_valid()
