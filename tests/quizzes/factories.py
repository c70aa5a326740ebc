"""Factories for quizzes, questions of every kind, choices and attempts."""

from decimal import Decimal

import factory

from quizzes.models import Attempt, Choice, Question, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, LessonFactory


class QuizFactory(factory.django.DjangoModelFactory):
    """A published quiz on a published lesson, answers shown after submitting
    (at every review time)."""

    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory)
    course = factory.LazyAttribute(lambda quiz: quiz.lesson.course)
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    instructions = "Answer every question."
    published = True
    shuffle_choices = False
    review_immediately = Quiz.ReviewLevel.ANSWERS
    review_while_open = Quiz.ReviewLevel.ANSWERS
    review_after_close = Quiz.ReviewLevel.ANSWERS


class QuizWithoutLessonFactory(QuizFactory):
    lesson = None
    course = factory.SubFactory(CourseFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A short-answer question; use the make_* helpers for the other kinds."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    quiz = factory.SubFactory(QuizFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SHORT_ANSWER
    prompt = factory.Sequence(lambda n: f"Question {n}: who decides?")
    points = Decimal("1")
    explanation = "Because the essay says so."
    lesson = factory.LazyAttribute(lambda q: q.quiz.lesson)
    paragraph = 1
    data = factory.LazyFunction(
        lambda: {
            "answers": [{"text": "the state", "credit": 1.0, "feedback": ""}],
            "feedback_wrong": "",
        }
    )


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(
        QuestionFactory, kind=Question.Kind.SINGLE_CHOICE, data={}
    )
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    credit = Decimal("0")


class AttemptFactory(factory.django.DjangoModelFactory):
    """A bare attempt row; prefer services.start_attempt when responses matter."""

    class Meta:
        model = Attempt

    quiz = factory.SubFactory(QuizFactory)
    student = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)


def _choices(question: Question, specs: list[tuple]) -> Question:
    for position, spec in enumerate(specs):
        text, credit, *feedback = spec
        ChoiceFactory(
            question=question,
            position=position,
            text=text,
            credit=Decimal(str(credit)),
            feedback=feedback[0] if feedback else "",
            feedback_gains=feedback[1] if len(feedback) > 1 else "",
            feedback_costs=feedback[2] if len(feedback) > 2 else "",
            feedback_objection=feedback[3] if len(feedback) > 3 else "",
        )
    return question


def make_single_choice(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """Three options; the second is right."""
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.SINGLE_CHOICE, data={}, **kwargs
    )
    return _choices(
        question,
        [
            ("Close every border", 0, f"{marker}fb-sc-wrong-a"),
            (
                "Cooperate on asylum",
                1,
                f"{marker}fb-sc-right",
                f"{marker}gains-sc",
                f"{marker}costs-sc",
                f"{marker}objection-sc",
            ),
            ("Ignore the question", 0, f"{marker}fb-sc-wrong-c"),
        ],
    )


def make_true_false(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """True is right."""
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.TRUE_FALSE, data={}, **kwargs
    )
    return _choices(
        question,
        [("True", 1, f"{marker}fb-tf-true"), ("False", 0, f"{marker}fb-tf-false")],
    )


def make_multiple_response(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """Two of four are right; one wrong pick subtracts."""
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.MULTIPLE_RESPONSE, data={}, **kwargs
    )
    return _choices(
        question,
        [
            ("Remittances", 0.5, f"{marker}fb-mr-a"),
            ("Labour supply", 0.5, f"{marker}fb-mr-b"),
            ("Moon phases", -0.5, f"{marker}fb-mr-c"),
            ("Tea prices", 0, f"{marker}fb-mr-d"),
        ],
    )


def make_short_answer(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    accepted = f"{marker}accepted" if marker else "the state"
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.SHORT_ANSWER,
        data={
            "answers": [
                {"text": accepted, "credit": 1.0, "feedback": f"{marker}fb-sa-right"}
            ],
            "feedback_wrong": f"{marker}fb-sa-wrong",
        },
        **kwargs,
    )


def make_numeric(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """1951.375 within 0.125: a key no id or date on a page can look like."""
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.NUMERIC,
        data={
            "answers": [
                {
                    "value": 1951.375,
                    "tolerance": 0.125,
                    "credit": 1.0,
                    "feedback": f"{marker}fb-num-right",
                }
            ],
            "feedback_wrong": f"{marker}fb-num-wrong",
        },
        **kwargs,
    )


def make_ordering(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """Three items, listed in the right order."""
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.ORDERING,
        data={
            "items": [
                {"id": "a", "text": "Emigration"},
                {"id": "b", "text": "Remittances"},
                {"id": "c", "text": "Return"},
            ]
        },
        **kwargs,
    )


def make_matching(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.MATCHING,
        data={
            "pairs": [
                {"id": "m1", "prompt": "Canada", "answer": "Ottawa"},
                {"id": "m2", "prompt": "Kenya", "answer": "Nairobi"},
            ],
            "distractors": ["Lagos"],
        },
        **kwargs,
    )


def make_allocation(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    """Security 31.25–58.75, human rights 41.25–68.75, a justification worth 2."""
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_ALLOCATION,
        data={
            "values": ["Security", "Human rights"],
            "ranges": [[31.25, 58.75], [41.25, 68.75]],
            "falloff": 30,
            "justification": {"points": 2, "rubric": "Argue both sides."},
        },
        **kwargs,
    )


def make_position(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        data={
            "left": "Sovereignty",
            "right": "Cooperation",
            "range": [37.25, 62.75],
            "falloff": 25,
        },
        **kwargs,
    )


def make_essay(quiz: Quiz, *, marker: str = "", **kwargs) -> Question:
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.ESSAY,
        points=Decimal("4"),
        data={"rubric": "Weigh both sides.", "min_words": 0},
        **kwargs,
    )


MAKERS = {
    Question.Kind.SINGLE_CHOICE: make_single_choice,
    Question.Kind.TRUE_FALSE: make_true_false,
    Question.Kind.MULTIPLE_RESPONSE: make_multiple_response,
    Question.Kind.SHORT_ANSWER: make_short_answer,
    Question.Kind.NUMERIC: make_numeric,
    Question.Kind.ORDERING: make_ordering,
    Question.Kind.MATCHING: make_matching,
    Question.Kind.TRADEOFF_ALLOCATION: make_allocation,
    Question.Kind.TRADEOFF_POSITION: make_position,
    Question.Kind.ESSAY: make_essay,
}


def make_question(quiz: Quiz, kind: str, **kwargs) -> Question:
    """A valid question of the given kind on the quiz."""
    return MAKERS[kind](quiz, **kwargs)


def make_quiz_with_every_kind(*, marker: str = "", **quiz_kwargs) -> Quiz:
    """A quiz with one question of each kind, in the order of Question.Kind."""
    quiz = QuizFactory(**quiz_kwargs)
    for position, kind in enumerate(Question.Kind):
        explanation = f"{marker}explanation-{kind}" if marker else "Because."
        make_question(
            quiz, kind, marker=marker, position=position, explanation=explanation
        )
    return quiz
