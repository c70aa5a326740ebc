"""The Rubric model: criteria with levels, checked, shared by questions, offered as
clickable levels on the instructor's score form."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Rubric
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    awaiting_essay,
    cohort_with,
)

pytestmark = pytest.mark.django_db

CRITERIA = [
    {
        "name": "Names both values",
        "levels": [{"label": "Neither", "points": 0}, {"label": "Both", "points": 2}],
    },
    {
        "name": "Answers the strongest objection",
        "levels": [
            {"label": "No reply", "points": 0},
            {"label": "A reply", "points": 2},
        ],
    },
]


def test_a_rubric_checks_its_criteria_and_adds_up_its_top_levels():
    rubric = Rubric(name="Two values", criteria=CRITERIA)
    rubric.full_clean()
    assert rubric.points == 4

    with pytest.raises(ValidationError) as error:
        Rubric(name="Broken", criteria=[{"name": "No levels"}]).full_clean()
    assert "criteria" in error.value.message_dict


def test_questions_share_a_rubric_and_it_may_not_outweigh_what_a_person_marks():
    rubric = Rubric.objects.create(name="Two values", criteria=CRITERIA)
    first = EssayQuestionFactory(rubric=rubric, points=Decimal(4))
    second = EssayQuestionFactory(rubric=rubric, points=Decimal(5))
    first.full_clean()
    second.full_clean()
    assert first.marking_criteria() == second.marking_criteria() == CRITERIA
    assert set(rubric.questions.all()) == {first, second}

    small = EssayQuestionFactory(rubric=rubric, points=Decimal(3))
    with pytest.raises(ValidationError) as error:
        small.full_clean()
    assert "rubric" in error.value.message_dict


def test_the_score_form_offers_the_rubric_s_levels(client):
    cohort, instructor, (ada,) = cohort_with(students=1)
    quiz = QuizFactory(course=cohort.course)
    AssignmentFactory(cohort=cohort, quiz=quiz)
    rubric = Rubric.objects.create(name="Two values", criteria=CRITERIA)
    essay = EssayQuestionFactory(quiz=quiz, rubric=rubric)
    response = awaiting_essay(essay, ada, at=timezone.now())

    client.force_login(instructor)
    html = client.get(reverse("instructor:score", kwargs={"pk": response.pk})).text

    for text in ("Names both values", "Answers the strongest objection", "A reply"):
        assert text in html


def test_rubrics_are_edited_in_the_admin():
    assert Rubric in site._registry
