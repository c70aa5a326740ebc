"""config.serializers.ResponseSerializer: shallow field copies, the same responses."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from quizzes import selectors, services
from quizzes.serializers import AttemptSummarySerializer, QuizForStudentSerializer
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db


class DeepQuiz(QuizForStudentSerializer):
    """The same serializer with DRF's own deep copy of every field."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


class DeepAttempt(AttemptSummarySerializer):
    def get_fields(self):
        return serializers.Serializer.get_fields(self)


@pytest.fixture
def quiz_and_students():
    quiz = QuizFactory(attempts_allowed=3)
    make_single_choice(quiz)
    quiz.question_count = 1
    first, second = UserFactory(), UserFactory()
    services.start_attempt(quiz=quiz, student=first)
    return quiz, first, second


def _standing(quiz, student):
    return {"standing": selectors.standings_for(quizzes=[quiz], student=student)}


def test_the_responses_are_the_ones_drfs_deep_copies_give(quiz_and_students):
    quiz, first, _ = quiz_and_students
    context = _standing(quiz, first)
    attempt = first.attempts.get()

    assert QuizForStudentSerializer(quiz, context=context).data == (
        DeepQuiz(quiz, context=context).data
    )
    assert AttemptSummarySerializer(attempt).data == DeepAttempt(attempt).data


def test_two_live_instances_each_answer_from_their_own_context(quiz_and_students):
    quiz, first, second = quiz_and_students
    for_first = QuizForStudentSerializer(quiz, context=_standing(quiz, first))
    for_second = QuizForStudentSerializer(quiz, context=_standing(quiz, second))

    # Both bound before either renders: a shared field would answer for the wrong one.
    assert for_first.fields["attempts_used"].parent is for_first
    assert for_second.fields["attempts_used"].parent is for_second
    assert for_second.data["attempts_used"] == 0
    assert for_first.data["attempts_used"] == 1


def test_the_declared_fields_stay_unbound(quiz_and_students):
    quiz, first, _ = quiz_and_students
    QuizForStudentSerializer(quiz, context=_standing(quiz, first)).data  # noqa: B018

    for field in QuizForStudentSerializer._declared_fields.values():
        assert field.field_name is None
        assert getattr(field, "parent", None) is None
