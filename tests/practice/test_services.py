"""Starting and answering practice: the right questions, one review per answer, no grades."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import NotPermitted
from practice import services
from practice.handles import handles_for
from practice.models import Card, PracticeItem, PracticeSet, ReviewLog
from quizzes import signals
from quizzes.models import Attempt, Response
from tests.accounts.factories import UserFactory
from tests.practice.conftest import build, right_choice, wrong_choice
from tests.quizzes.factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db


def _answer(practice_set, item, choice, *, now=None):
    question = item.question
    handles = handles_for(practice_set, [question])
    return services.answer_item(
        practice_set=practice_set,
        position=item.position,
        answer={"choice": handles.of(question.id, choice.pk)},
        now=now,
    )


def test_a_set_draws_on_the_finished_quiz_weakest_tradeoff_first(practice):
    practice_set, created = services.start_set(
        student=practice.student, course=practice.course
    )
    assert created
    items = list(practice_set.items.order_by("position"))
    assert 5 <= len(items) <= 6
    # The student missed every security question: those come first.
    security = {q.pk for q in practice.questions[0::2]}
    assert {i.question_id for i in items[:3]} == security


def test_starting_twice_on_one_day_resumes_the_same_set(practice):
    first, _ = services.start_set(student=practice.student, course=practice.course)
    again, created = services.start_set(
        student=practice.student, course=practice.course
    )
    assert (again.pk, created) == (first.pk, False)


def test_a_focused_set_asks_only_that_tradeoff(practice):
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course, focus=practice.labour
    )
    labour = {q.pk for q in practice.questions[1::2]}
    assert set(practice_set.items.values_list("question_id", flat=True)) == labour


def test_a_quiz_that_keeps_its_answers_back_gives_nothing_to_practise(db):
    setup = build(2)
    setup.quiz.review_immediately = "feedback"
    setup.quiz.review_while_open = "feedback"
    setup.quiz.save()
    with pytest.raises(services.NothingToPractise):
        services.start_set(student=setup.student, course=setup.course)


def test_an_unfinished_or_unpublished_quiz_is_not_practised(practice):
    hidden = QuizFactory(lesson=practice.quiz.lesson, published=False)
    make_single_choice(hidden)
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course
    )
    dealt = set(practice_set.items.values_list("question__quiz_id", flat=True))
    assert dealt == {practice.quiz.pk}


def test_only_enrolled_students_start_a_set(practice):
    with pytest.raises(NotPermitted):
        services.start_set(student=UserFactory(), course=practice.course)


def test_answering_reviews_the_card_once_and_keeps_the_feedback(practice):
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course
    )
    item = practice_set.items.select_related("question").first()
    now = timezone.now()
    answered, created = _answer(
        practice_set, item, right_choice(item.question), now=now
    )
    assert created
    assert answered.score == answered.max_score == 1
    assert any(entry.get("kind") == "choice" for entry in answered.feedback)
    card = Card.objects.get(student=practice.student, question=item.question)
    assert card.reviews == 1 and card.due > now
    again, created = _answer(practice_set, item, wrong_choice(item.question))
    assert not created
    assert again.score == 1
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_a_missed_answer_brings_the_card_back_sooner(practice):
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course
    )
    first, second = practice_set.items.select_related("question")[:2]
    now = timezone.now()
    _answer(practice_set, first, right_choice(first.question), now=now)
    _answer(practice_set, second, wrong_choice(second.question), now=now)
    good = Card.objects.get(question=first.question)
    again = Card.objects.get(question=second.question)
    assert again.due < good.due
    assert ReviewLog.objects.get(card=again).rating == 1


def test_an_empty_or_tampered_answer_is_refused_and_changes_nothing(practice):
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course
    )
    item = practice_set.items.select_related("question").first()
    for answer in (None, {"choice": right_choice(item.question).pk}, {"choice": "x"}):
        with pytest.raises(ValidationError):
            services.answer_item(
                practice_set=practice_set, position=item.position, answer=answer
            )
    assert not Card.objects.exists()
    item.refresh_from_db()
    assert item.answered_at is None


def test_practice_never_counts_towards_attempts_grades_or_statistics(practice):
    attempts = list(Attempt.objects.values_list("pk", "score", "state"))
    responses = Response.objects.count()
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    signals.attempt_graded.connect(receiver)
    try:
        practice_set, _ = services.start_set(
            student=practice.student, course=practice.course
        )
        for item in practice_set.items.select_related("question"):
            _answer(practice_set, item, right_choice(item.question))
    finally:
        signals.attempt_graded.disconnect(receiver)
    assert list(Attempt.objects.values_list("pk", "score", "state")) == attempts
    assert Response.objects.count() == responses
    assert sent == []


def test_a_question_closed_again_since_the_set_started_is_not_marked(practice):
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course
    )
    item = practice_set.items.select_related("question").first()
    # The quiz now keeps its answers back (an instructor changed its review options).
    practice.quiz.review_immediately = "score"
    practice.quiz.review_while_open = "score"
    practice.quiz.review_after_close = "score"
    practice.quiz.save()
    with pytest.raises(services.QuestionClosed):
        _answer(practice_set, item, right_choice(item.question))
    assert not ReviewLog.objects.exists()


def test_tomorrow_brings_the_missed_cards_back_first(practice):
    today = timezone.now()
    practice_set, _ = services.start_set(
        student=practice.student, course=practice.course, now=today
    )
    missed = set()
    for n, item in enumerate(practice_set.items.select_related("question")):
        choice = wrong_choice(item.question) if n < 2 else right_choice(item.question)
        _answer(practice_set, item, choice, now=today)
        if n < 2:
            missed.add(item.question_id)
    tomorrow = today + timedelta(days=1, hours=1)
    next_set, created = services.start_set(
        student=practice.student, course=practice.course, now=tomorrow
    )
    assert created and next_set.day > practice_set.day
    first = list(
        next_set.items.order_by("position").values_list("question_id", flat=True)
    )
    assert set(first[:2]) == missed


def test_the_set_day_is_the_students_own(practice):
    practice.student.timezone = "Pacific/Auckland"
    practice.student.save()
    noon_in_london = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    # 01:30 the next morning in Auckland (UTC+13 in March).
    assert services.practice_day(practice.student, noon_in_london) == date(2026, 3, 3)


def test_each_student_has_their_own_cards(practice):
    other = build(course=practice.course)
    mine, _ = services.start_set(student=practice.student, course=practice.course)
    theirs, _ = services.start_set(student=other.student, course=practice.course)
    item = mine.items.select_related("question").first()
    _answer(mine, item, right_choice(item.question))
    assert not Card.objects.filter(student=other.student).exists()
    assert PracticeSet.objects.count() == 2
    assert (
        PracticeItem.objects.filter(
            practice_set=theirs, answered_at__isnull=False
        ).count()
        == 0
    )
